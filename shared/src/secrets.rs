//! A JSON secret from Secrets Manager, read once per cold start and kept for the life
//! of the execution environment. A failed read is not kept: the next request tries again.

use aws_sdk_secretsmanager::error::{ProvideErrorMetadata, SdkError};
use serde::de::DeserializeOwned;
use std::fmt;
use tokio::sync::OnceCell;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Why a secret could not be used. No variant carries any part of the secret's value.
#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    /// Secrets Manager could not be reached or failed: a retry may succeed.
    #[error("secret {secret_id} could not be read")]
    Unavailable {
        secret_id: String,
        #[source]
        source: BoxError,
    },
    #[error("secret {secret_id} does not exist or may not be read")]
    Missing {
        secret_id: String,
        #[source]
        source: BoxError,
    },
    #[error("secret {secret_id} has no string value")]
    NotAString { secret_id: String },
    /// The value is not the expected JSON. Only the position is kept: a serde message
    /// could quote the secret itself.
    #[error("secret {secret_id} is not the expected JSON (line {line}, column {column})")]
    Malformed {
        secret_id: String,
        line: usize,
        column: usize,
    },
    #[error("secret {secret_id} is incomplete: {problem}")]
    Incomplete {
        secret_id: String,
        problem: &'static str,
    },
}

impl SecretError {
    pub fn is_retryable(&self) -> bool {
        matches!(self, SecretError::Unavailable { .. })
    }
}

/// What a secret's JSON must satisfy beyond its shape.
pub trait CheckSecret {
    /// A problem that makes the secret unusable, in words an operator can act on.
    fn problem(&self) -> Option<&'static str> {
        None
    }
}

/// One Secrets Manager secret holding JSON of type `T`, cached after the first read.
pub struct Secret<T> {
    client: aws_sdk_secretsmanager::Client,
    secret_id: String,
    value: OnceCell<T>,
}

impl<T> fmt::Debug for Secret<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Secret")
            .field("secret_id", &self.secret_id)
            .field("loaded", &self.value.initialized())
            .finish_non_exhaustive()
    }
}

impl<T: DeserializeOwned + CheckSecret> Secret<T> {
    pub fn new(client: aws_sdk_secretsmanager::Client, secret_id: impl Into<String>) -> Self {
        Self {
            client,
            secret_id: secret_id.into(),
            value: OnceCell::new(),
        }
    }

    pub fn secret_id(&self) -> &str {
        &self.secret_id
    }

    /// The secret's value, read from Secrets Manager on first use.
    pub async fn get(&self) -> Result<&T, SecretError> {
        self.value.get_or_try_init(|| self.read()).await
    }

    async fn read(&self) -> Result<T, SecretError> {
        let output = self
            .client
            .get_secret_value()
            .secret_id(&self.secret_id)
            .send()
            .await
            .map_err(|err| self.sdk_error(err))?;
        let text = output
            .secret_string()
            .ok_or_else(|| SecretError::NotAString {
                secret_id: self.secret_id.clone(),
            })?;
        let value: T = serde_json::from_str(text).map_err(|err| SecretError::Malformed {
            secret_id: self.secret_id.clone(),
            line: err.line(),
            column: err.column(),
        })?;
        match value.problem() {
            Some(problem) => Err(SecretError::Incomplete {
                secret_id: self.secret_id.clone(),
                problem,
            }),
            None => Ok(value),
        }
    }

    fn sdk_error<E, R>(&self, err: SdkError<E, R>) -> SecretError
    where
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
        R: fmt::Debug + Send + Sync + 'static,
    {
        let secret_id = self.secret_id.clone();
        let permanent = matches!(
            err.code(),
            Some(
                "ResourceNotFoundException"
                    | "AccessDeniedException"
                    | "InvalidParameterException"
                    | "InvalidRequestException"
            )
        );
        if permanent {
            SecretError::Missing {
                secret_id,
                source: Box::new(err),
            }
        } else {
            SecretError::Unavailable {
                secret_id,
                source: Box::new(err),
            }
        }
    }
}
