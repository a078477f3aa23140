//! The moto server: a real DynamoDB/SQS/S3/SES/Secrets Manager API on localhost.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

const LAUNCHER: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/moto_server.py");

/// A running moto server. It stops when this value is dropped, and, since it reads
/// its stdin until it closes, when the process that started it exits in any way.
#[derive(Debug)]
pub struct Moto {
    pub endpoint: String,
    child: Child,
}

#[derive(Debug, thiserror::Error)]
pub enum MotoError {
    #[error("could not start moto with `{python}` (install it with `pip install 'moto[server]'`)")]
    Spawn {
        python: String,
        #[source]
        source: std::io::Error,
    },
    #[error("moto exited before it was ready (is `moto[server]` installed for this python?)")]
    NotReady,
}

impl Moto {
    /// Starts moto on `port` (0: any free port) and waits until it accepts requests.
    /// `MOTO_PYTHON` picks the interpreter (default `python3`).
    pub fn start(port: u16) -> Result<Self, MotoError> {
        let python = std::env::var("MOTO_PYTHON").unwrap_or_else(|_| "python3".to_owned());
        let mut child = Command::new(&python)
            .arg(LAUNCHER)
            .arg(port.to_string())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|source| MotoError::Spawn {
                python: python.clone(),
                source,
            })?;
        let stdout = child.stdout.take().ok_or(MotoError::NotReady)?;
        let ready = BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
            .find_map(|line| {
                line.strip_prefix("ready ")
                    .map(|port| port.trim().to_owned())
            });
        match ready {
            Some(port) => Ok(Self {
                endpoint: format!("http://127.0.0.1:{port}"),
                child,
            }),
            None => Err(MotoError::NotReady),
        }
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An SDK configuration that talks to `endpoint` with static test credentials,
/// whatever the environment says, through the HTTP client the functions use.
pub async fn sdk_config(endpoint: &str) -> aws_config::SdkConfig {
    aws_config::defaults(aws_config::BehaviorVersion::latest())
        .http_client(shared::aws::http::client())
        .endpoint_url(endpoint)
        .region(aws_config::Region::new("us-east-1"))
        .credentials_provider(aws_sdk_dynamodb::config::Credentials::new(
            "testing", "testing", None, None, "local",
        ))
        .load()
        .await
}
