//! AWS clients, built once per cold start from what Lambda puts in a function's
//! environment: `AWS_REGION`, the role's credentials (`AWS_ACCESS_KEY_ID`,
//! `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`) and, for a local AWS API such as moto,
//! `AWS_ENDPOINT_URL`. Nothing else is read: no profile file, no instance metadata, no
//! STS; `aws-config`'s default chain, which would look for them, is not linked into the
//! functions (tools with a profile, `leadctl` and the local stack, use it themselves).

pub mod http;

use aws_credential_types::provider::SharedCredentialsProvider;
use aws_credential_types::Credentials;
use aws_smithy_runtime_api::client::behavior_version::BehaviorVersion;
use aws_types::region::Region;
use aws_types::sdk_config::SdkConfig;

/// The SDK configuration of a function, from `var` (the environment, in [`Aws::load`]):
/// region, credentials, endpoint, and [`http::client`]. The clients add the SDK's defaults
/// (standard retries, a 3.1 s connect timeout) themselves.
pub fn lambda_config(var: impl Fn(&str) -> Option<String>) -> Result<SdkConfig, String> {
    let set = |name: &str| var(name).filter(|value| !value.trim().is_empty());
    let required = |name: &str| set(name).ok_or_else(|| unset(name));
    let region = set("AWS_REGION")
        .or_else(|| set("AWS_DEFAULT_REGION"))
        .ok_or_else(|| unset("AWS_REGION"))?;
    let credentials = Credentials::new(
        required("AWS_ACCESS_KEY_ID")?,
        required("AWS_SECRET_ACCESS_KEY")?,
        set("AWS_SESSION_TOKEN"),
        None,
        "Environment",
    );
    let mut config = SdkConfig::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new(region))
        .credentials_provider(SharedCredentialsProvider::new(credentials))
        .http_client(http::client());
    config.set_endpoint_url(set("AWS_ENDPOINT_URL"));
    Ok(config.build())
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
    std::env::var(name).map_err(|_| unset(name))
}

/// What a function that cannot start says of the setting `name` it lacks.
fn unset(name: &str) -> String {
    format!("environment variable {name} is not set")
}

/// What a function starts from: the SDK configuration and its environment.
#[derive(Debug, Clone)]
pub struct Aws {
    pub config: SdkConfig,
}

impl Aws {
    /// The configuration from the environment (region, credentials, endpoint).
    pub fn load() -> Result<Self, String> {
        Ok(Self {
            config: lambda_config(|name| std::env::var(name).ok())?,
        })
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

#[cfg(test)]
mod tests {
    use super::lambda_config;
    use aws_credential_types::provider::ProvideCredentials;
    use std::collections::HashMap;

    fn environment(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let pairs: HashMap<String, String> = pairs
            .iter()
            .map(|(name, value)| (name.to_string(), value.to_string()))
            .collect();
        move |name| pairs.get(name).cloned()
    }

    const LAMBDA: &[(&str, &str)] = &[
        ("AWS_REGION", "eu-west-1"),
        ("AWS_ACCESS_KEY_ID", "ASIAEXAMPLE"),
        ("AWS_SECRET_ACCESS_KEY", "secret"),
        ("AWS_SESSION_TOKEN", "token"),
    ];

    #[tokio::test]
    async fn what_lambda_sets_is_the_whole_configuration() {
        let config = lambda_config(environment(LAMBDA)).expect("a configuration");
        assert_eq!(
            config.region().map(|region| region.as_ref()),
            Some("eu-west-1")
        );
        assert_eq!(config.endpoint_url(), None);
        assert!(config.http_client().is_some());
        let provider = config.credentials_provider().expect("credentials");
        let credentials = provider.provide_credentials().await.expect("credentials");
        assert_eq!(credentials.access_key_id(), "ASIAEXAMPLE");
        assert_eq!(credentials.session_token(), Some("token"));
    }

    #[test]
    fn a_local_endpoint_and_the_default_region_are_read() {
        let mut local = vec![
            ("AWS_DEFAULT_REGION", "us-east-1"),
            ("AWS_ENDPOINT_URL", "http://127.0.0.1:5000"),
        ];
        local.extend(LAMBDA.iter().skip(1).take(2));
        let config = lambda_config(environment(&local)).expect("a configuration");
        assert_eq!(
            config.region().map(|region| region.as_ref()),
            Some("us-east-1")
        );
        assert_eq!(config.endpoint_url(), Some("http://127.0.0.1:5000"));
    }

    #[test]
    fn a_missing_setting_is_named() {
        for missing in ["AWS_REGION", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"] {
            let rest: Vec<_> = LAMBDA
                .iter()
                .filter(|(name, _)| *name != missing)
                .copied()
                .collect();
            let error = lambda_config(environment(&rest)).expect_err(missing);
            assert_eq!(error, format!("environment variable {missing} is not set"));
        }
    }
}
