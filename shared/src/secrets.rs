//! A JSON secret from Secrets Manager, read on first use and read again once it is older
//! than its time to live (a warm function sees a changed secret within minutes), or when a
//! caller finds it stale (a page token missing or expired). A failed first read is not
//! kept: the next request tries again. A refresh that fails for a passing reason keeps the
//! value already read (and tries again shortly).

use crate::clock::Clock;
use aws_sdk_secretsmanager::error::{ProvideErrorMetadata, SdkError};
use serde::de::DeserializeOwned;
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Mutex;

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
    /// The secret was never created.
    #[error("secret {secret_id} does not exist")]
    NotFound { secret_id: String },
    #[error("secret {secret_id} may not be read")]
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

    /// The secret does not exist: for a secret created on first use, nothing stored yet.
    pub fn is_not_found(&self) -> bool {
        matches!(self, SecretError::NotFound { .. })
    }
}

/// What a secret's JSON must satisfy beyond its shape.
pub trait CheckSecret {
    /// A problem that makes the secret unusable, in words an operator can act on.
    fn problem(&self) -> Option<&'static str> {
        None
    }
}

/// How long a read value is used before it is read again, unless configured.
pub const DEFAULT_TTL: Duration = Duration::from_secs(300);
/// After a refresh failed for a passing reason, the kept value is used this long at most
/// before the next try.
const RETRY_AFTER: Duration = Duration::from_secs(30);

/// One Secrets Manager secret holding JSON of type `T`, cached for its time to live.
pub struct Secret<T> {
    client: aws_sdk_secretsmanager::Client,
    secret_id: String,
    ttl: Duration,
    clock: Clock,
    cached: Mutex<Option<Cached<T>>>,
    /// Reads that brought a value, for [`Self::fresh`] to know one happened since it began.
    reads: AtomicU64,
}

struct Cached<T> {
    value: Arc<T>,
    /// Epoch seconds (of the secret's clock) until which the value is used as it is.
    fresh_until: i64,
}

impl<T> fmt::Debug for Secret<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Secret")
            .field("secret_id", &self.secret_id)
            .field("ttl", &self.ttl)
            .finish_non_exhaustive()
    }
}

impl<T: DeserializeOwned + CheckSecret> Secret<T> {
    pub fn new(client: aws_sdk_secretsmanager::Client, secret_id: impl Into<String>) -> Self {
        Self {
            client,
            secret_id: secret_id.into(),
            ttl: DEFAULT_TTL,
            clock: Clock::system(),
            cached: Mutex::new(None),
            reads: AtomicU64::new(0),
        }
    }

    /// The same secret, aged by `clock` (tests set it).
    pub fn with_clock(self, clock: Clock) -> Self {
        Self { clock, ..self }
    }

    /// The same secret, read again once a value is older than `ttl` (zero: every use).
    pub fn with_ttl(self, ttl: Duration) -> Self {
        Self { ttl, ..self }
    }

    pub fn secret_id(&self) -> &str {
        &self.secret_id
    }

    /// The secret's value: the one read within its time to live, else a fresh read.
    pub async fn get(&self) -> Result<Arc<T>, SecretError> {
        let mut cached = self.cached.lock().await;
        let now = self.clock.epoch();
        match cached.as_ref() {
            Some(held) if now < held.fresh_until => Ok(held.value.clone()),
            _ => self.reread(&mut cached, now).await,
        }
    }

    /// The secret as Secrets Manager holds it now, past the cache (a value that lacked
    /// something): one read, or none when another caller's read ended after this call
    /// began, whose value then serves (a burst of callers shares one read).
    pub async fn fresh(&self) -> Result<Arc<T>, SecretError> {
        let began = self.reads.load(Ordering::Acquire);
        let mut cached = self.cached.lock().await;
        match cached.as_ref() {
            Some(newer) if self.reads.load(Ordering::Acquire) > began => Ok(newer.value.clone()),
            _ => self.reread(&mut cached, self.clock.epoch()).await,
        }
    }

    /// Reads the value into `cached`; while Secrets Manager fails for a passing reason,
    /// the value read before (if any) serves on, and is tried again shortly.
    async fn reread(
        &self,
        cached: &mut Option<Cached<T>>,
        now: i64,
    ) -> Result<Arc<T>, SecretError> {
        match self.read().await {
            Ok(value) => {
                let value = Arc::new(value);
                *cached = Some(Cached {
                    value: value.clone(),
                    fresh_until: now + seconds(self.ttl),
                });
                self.reads.fetch_add(1, Ordering::Release);
                Ok(value)
            }
            Err(err) => match cached.as_mut() {
                Some(held) if err.is_retryable() => {
                    tracing::warn!(
                        secret_id = %self.secret_id,
                        error = %crate::http::chain(&err),
                        "could not refresh the secret; using the value read before"
                    );
                    held.fresh_until = now + seconds(self.ttl.min(RETRY_AFTER));
                    Ok(held.value.clone())
                }
                _ => Err(err),
            },
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
        if err.code() == Some("ResourceNotFoundException") {
            return SecretError::NotFound { secret_id };
        }
        let permanent = matches!(
            err.code(),
            Some("AccessDeniedException" | "InvalidParameterException" | "InvalidRequestException")
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

fn seconds(duration: Duration) -> i64 {
    i64::try_from(duration.as_secs()).unwrap_or(i64::MAX / 2)
}
