//! AWS clients, built once per cold start. `AWS_ENDPOINT_URL` (read by `aws-config`)
//! points every client at a local AWS API such as moto.

use aws_config::{BehaviorVersion, SdkConfig};

/// The shared SDK configuration: region, credentials and endpoint from the environment.
pub async fn sdk_config() -> SdkConfig {
    aws_config::load_defaults(BehaviorVersion::latest()).await
}

pub fn dynamodb(config: &SdkConfig) -> aws_sdk_dynamodb::Client {
    aws_sdk_dynamodb::Client::new(config)
}

#[cfg(feature = "sqs")]
pub fn sqs(config: &SdkConfig) -> aws_sdk_sqs::Client {
    aws_sdk_sqs::Client::new(config)
}

#[cfg(feature = "ses")]
pub fn ses(config: &SdkConfig) -> aws_sdk_ses::Client {
    aws_sdk_ses::Client::new(config)
}

pub fn secrets(config: &SdkConfig) -> aws_sdk_secretsmanager::Client {
    aws_sdk_secretsmanager::Client::new(config)
}

/// S3 with path-style addressing when a custom endpoint is set (local runs), since
/// a local server has no per-bucket host names.
#[cfg(feature = "s3")]
pub fn s3(config: &SdkConfig) -> aws_sdk_s3::Client {
    aws_sdk_s3::Client::from_conf(s3_config(config).build())
}

/// The S3 configuration [`s3`] builds its client from.
#[cfg(feature = "s3")]
pub fn s3_config(config: &SdkConfig) -> aws_sdk_s3::config::Builder {
    aws_sdk_s3::config::Builder::from(config).force_path_style(config.endpoint_url().is_some())
}

/// How long a warm function keeps API keys, routes, connectors and territories it read.
pub const CONFIG_CACHE_SECONDS: u64 = 60;

/// `CONFIG_CACHE_SECONDS` from the environment, or its default.
pub fn config_cache_seconds() -> Result<u64, String> {
    match std::env::var("CONFIG_CACHE_SECONDS") {
        Err(_) => Ok(CONFIG_CACHE_SECONDS),
        Ok(value) => value.trim().parse().map_err(|_| {
            format!("CONFIG_CACHE_SECONDS must be a whole number of seconds, not {value:?}")
        }),
    }
}

/// A required setting from the environment, with a message that names it.
pub fn env(name: &str) -> Result<String, String> {
    std::env::var(name).map_err(|_| format!("environment variable {name} is not set"))
}

/// What a function starts from: the SDK configuration and its environment.
#[derive(Debug, Clone)]
pub struct Aws {
    pub config: SdkConfig,
}

impl Aws {
    /// The configuration from the environment (region, credentials, endpoint).
    pub async fn load() -> Self {
        Self {
            config: sdk_config().await,
        }
    }

    pub fn secrets(&self) -> aws_sdk_secretsmanager::Client {
        secrets(&self.config)
    }

    /// The lead table named by `LEADS_TABLE`, keeping configuration it reads for
    /// `CONFIG_CACHE_SECONDS` (default [`CONFIG_CACHE_SECONDS`]; 0 keeps nothing).
    pub fn store(&self) -> Result<crate::store::Store, String> {
        let store = crate::store::Store::new(dynamodb(&self.config), env("LEADS_TABLE")?);
        Ok(store.with_config_cache(config_cache_seconds()?))
    }
}
