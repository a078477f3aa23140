//! A JSON secret from Secrets Manager, read on first use and read again once it is
//! [`TTL_SECONDS`] old (a warm container sees a changed secret within minutes), or when a
//! caller finds it stale (a page token missing or expired). A failed read is not kept:
//! the next request tries again, and a value read before serves meanwhile.

use crate::clock::Clock;
use aws_sdk_secretsmanager::error::{ProvideErrorMetadata, SdkError};
use serde::de::DeserializeOwned;
use std::fmt;
use std::sync::Arc;
use tokio::sync::Mutex;

/// How long a value read is used before it is read again.
pub const TTL_SECONDS: i64 = 5 * 60;

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

/// One Secrets Manager secret holding JSON of type `T`, cached for [`TTL_SECONDS`].
pub struct Secret<T> {
    client: aws_sdk_secretsmanager::Client,
    secret_id: String,
    clock: Clock,
    cached: Mutex<Option<Cached<T>>>,
}

struct Cached<T> {
    value: Arc<T>,
    read_at: i64,
}

impl<T> fmt::Debug for Secret<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Secret")
            .field("secret_id", &self.secret_id)
            .finish_non_exhaustive()
    }
}

impl<T: DeserializeOwned + CheckSecret> Secret<T> {
    pub fn new(client: aws_sdk_secretsmanager::Client, secret_id: impl Into<String>) -> Self {
        Self {
            client,
            secret_id: secret_id.into(),
            clock: Clock::system(),
            cached: Mutex::new(None),
        }
    }

    /// The same secret, aged by `clock` (tests set it).
    pub fn with_clock(self, clock: Clock) -> Self {
        Self { clock, ..self }
    }

    pub fn secret_id(&self) -> &str {
        &self.secret_id
    }

    /// The secret's value: the one read last, unless it is [`TTL_SECONDS`] old.
    pub async fn get(&self) -> Result<Arc<T>, SecretError> {
        let mut cached = self.cached.lock().await;
        let now = self.clock.epoch();
        match cached.as_ref() {
            Some(fresh) if now - fresh.read_at < TTL_SECONDS => Ok(fresh.value.clone()),
            _ => self.reread(&mut cached, now).await,
        }
    }

    /// The secret read again, because `seen` (a value [`Self::get`] gave) lacked
    /// something; when another caller read it again since, that newer value.
    pub async fn refresh(&self, seen: &Arc<T>) -> Result<Arc<T>, SecretError> {
        let mut cached = self.cached.lock().await;
        match cached.as_ref() {
            Some(newer) if !Arc::ptr_eq(&newer.value, seen) => Ok(newer.value.clone()),
            _ => self.reread(&mut cached, self.clock.epoch()).await,
        }
    }

    /// Reads the value into `cached`; while Secrets Manager cannot be reached, the value
    /// read before (if any) serves on.
    async fn reread(
        &self,
        cached: &mut Option<Cached<T>>,
        now: i64,
    ) -> Result<Arc<T>, SecretError> {
        match self.read().await {
            Ok(value) => {
                let value = Arc::new(value);
                let read_at = now;
                *cached = Some(Cached {
                    value: value.clone(),
                    read_at,
                });
                Ok(value)
            }
            Err(err) if err.is_retryable() && cached.is_some() => {
                tracing::warn!(secret_id = %self.secret_id, error = %err, "secret not read again; the value read before serves");
                Ok(cached.as_ref().map(|c| c.value.clone()).ok_or(err)?)
            }
            Err(err) => Err(err),
        }
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
