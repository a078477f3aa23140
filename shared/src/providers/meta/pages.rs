//! A workspace's Meta page access tokens: one Secrets Manager secret per workspace
//! (encrypted at rest with KMS), named `<prefix>/<workspace id>`, JSON
//! `{"pages": {"<page id>": {"token", "name", "stored_at", "expires_at"}}}`. The prefix
//! comes from configuration (`META_PAGES_SECRET_PREFIX`, `lead-connectors/<stage>/meta-pages`
//! in template.yaml, where the IAM grants are scoped to it). Written through the admin API
//! only; nothing here answers or logs a token.
//!
//! Writes read the secret, change it and put it back: two writes to one workspace's pages
//! at the same instant keep the last (admin writes are rare; each answers what it did).

use crate::clock::Clock;
use crate::domain::WorkspaceId;
use crate::secrets::{CheckSecret, Secret, SecretError, DEFAULT_TTL};
use aws_sdk_secretsmanager::error::ProvideErrorMetadata;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Secrets Manager's limit on a secret's value.
const MAX_SECRET_BYTES: usize = 65_536;

/// A workspace's Meta page access tokens, read through a cache per workspace.
#[derive(Clone)]
pub struct PageTokens {
    client: aws_sdk_secretsmanager::Client,
    prefix: String,
    clock: Clock,
    ttl: Duration,
    held: Arc<Mutex<HashMap<WorkspaceId, Arc<Secret<Book>>>>>,
}

/// A page to store: its token replaces any held for the page.
#[derive(Clone)]
pub struct NewPage {
    pub page_id: String,
    pub name: Option<String>,
    pub token: String,
    /// When Meta says the token expires (epoch seconds); `None` for a long-lived token.
    pub expires_at: Option<i64>,
}

/// A stored page as it may be shown: never its token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoredPage {
    pub page_id: String,
    pub name: Option<String>,
    pub stored_at: i64,
    pub expires_at: Option<i64>,
}

/// A page access token. Shown as `[redacted]`; [`PageToken::expose`] gives it to the one
/// call that sends it to Meta.
#[derive(Clone, PartialEq, Eq)]
pub struct PageToken(String);

/// Why the page tokens could not be read or written. No variant carries a token.
#[derive(Debug, thiserror::Error)]
pub enum PageTokenError {
    #[error(transparent)]
    Read(#[from] SecretError),
    #[error("the Meta page tokens {secret_id} could not be written")]
    Write {
        secret_id: String,
        retryable: bool,
        #[source]
        source: BoxError,
    },
    /// Secrets Manager holds at most 64 KiB a secret.
    #[error("the Meta page tokens {secret_id} would exceed Secrets Manager's 64 KiB: remove pages first")]
    TooLarge { secret_id: String },
}

impl PageTokenError {
    pub fn is_retryable(&self) -> bool {
        match self {
            PageTokenError::Read(err) => err.is_retryable(),
            PageTokenError::Write { retryable, .. } => *retryable,
            PageTokenError::TooLarge { .. } => false,
        }
    }
}

#[derive(Clone, Default, Serialize, Deserialize)]
struct Book {
    #[serde(default)]
    pages: BTreeMap<String, Held>,
}

#[derive(Clone, Serialize, Deserialize)]
struct Held {
    token: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    name: Option<String>,
    #[serde(default)]
    stored_at: i64,
    #[serde(default)]
    expires_at: Option<i64>,
}

impl CheckSecret for Book {}

impl PageTokens {
    pub fn new(
        client: aws_sdk_secretsmanager::Client,
        prefix: impl Into<String>,
        clock: Clock,
    ) -> Self {
        Self {
            client,
            prefix: prefix.into().trim_end_matches('/').to_owned(),
            clock,
            ttl: DEFAULT_TTL,
            held: Arc::default(),
        }
    }

    /// The same store, each workspace's tokens read again once older than `ttl`
    /// (zero: every read).
    pub fn with_ttl(self, ttl: Duration) -> Self {
        Self {
            ttl,
            held: Arc::default(),
            ..self
        }
    }

    /// The secret's name for `workspace`'s pages.
    pub fn secret_id(&self, workspace: &WorkspaceId) -> String {
        format!("{}/{}", self.prefix, workspace.as_str())
    }

    /// Adds or replaces pages in the workspace's secret (creates the secret on first use).
    pub async fn store(
        &self,
        workspace: &WorkspaceId,
        pages: Vec<NewPage>,
    ) -> Result<(), PageTokenError> {
        let (mut book, exists) = self.read_now(workspace).await?;
        let stored_at = self.clock.epoch();
        for page in pages {
            let held = Held {
                token: page.token,
                name: page.name,
                stored_at,
                expires_at: page.expires_at,
            };
            book.pages.insert(page.page_id, held);
        }
        self.write(workspace, &book, exists).await
    }

    /// Removes one page; false when it was not there.
    pub async fn remove(
        &self,
        workspace: &WorkspaceId,
        page_id: &str,
    ) -> Result<bool, PageTokenError> {
        let (mut book, exists) = self.read_now(workspace).await?;
        if book.pages.remove(page_id).is_none() {
            return Ok(false);
        }
        self.write(workspace, &book, exists).await?;
        Ok(true)
    }

    /// The workspace's pages without their tokens (empty when it has none).
    pub async fn list(&self, workspace: &WorkspaceId) -> Result<Vec<StoredPage>, PageTokenError> {
        let (book, _) = self.read_now(workspace).await?;
        let pages = book.pages.iter().map(|(page_id, held)| StoredPage {
            page_id: page_id.clone(),
            name: held.name.clone(),
            stored_at: held.stored_at,
            expires_at: held.expires_at,
        });
        Ok(pages.collect())
    }

    /// One page's token (cached for the TTL); None when the workspace holds none for it.
    pub async fn token(
        &self,
        workspace: &WorkspaceId,
        page_id: &str,
    ) -> Result<Option<PageToken>, PageTokenError> {
        let secret = self.secret(workspace);
        match secret.get().await {
            Ok(book) => Ok(token_of(&book, page_id)),
            Err(err) if err.is_not_found() => Ok(None),
            Err(err) => Err(err.into()),
        }
    }

    /// The same, read again past the cache (a token Meta called expired).
    pub async fn fresh_token(
        &self,
        workspace: &WorkspaceId,
        page_id: &str,
    ) -> Result<Option<PageToken>, PageTokenError> {
        let secret = self.secret(workspace);
        let read = match secret.get().await {
            Ok(seen) => secret.refresh(&seen).await,
            Err(err) if err.is_not_found() => secret.get().await,
            Err(err) => Err(err),
        };
        match read {
            Ok(book) => Ok(token_of(&book, page_id)),
            Err(err) if err.is_not_found() => Ok(None),
            Err(err) => Err(err.into()),
        }
    }

    /// The cached secret of `workspace`.
    fn secret(&self, workspace: &WorkspaceId) -> Arc<Secret<Book>> {
        let mut held = self.held.lock().unwrap_or_else(PoisonError::into_inner);
        held.entry(workspace.clone())
            .or_insert_with(|| {
                let secret = Secret::new(self.client.clone(), self.secret_id(workspace));
                Arc::new(secret.with_clock(self.clock.clone()).with_ttl(self.ttl))
            })
            .clone()
    }

    /// The workspace's pages as stored now, and whether its secret exists.
    async fn read_now(&self, workspace: &WorkspaceId) -> Result<(Book, bool), PageTokenError> {
        let secret = Secret::<Book>::new(self.client.clone(), self.secret_id(workspace))
            .with_ttl(Duration::ZERO);
        match secret.get().await {
            Ok(book) => Ok(((*book).clone(), true)),
            Err(err) if err.is_not_found() => Ok((Book::default(), false)),
            Err(err) => Err(err.into()),
        }
    }

    async fn write(
        &self,
        workspace: &WorkspaceId,
        book: &Book,
        exists: bool,
    ) -> Result<(), PageTokenError> {
        let secret_id = self.secret_id(workspace);
        let value = serde_json::to_string(book).unwrap_or_default();
        if value.len() > MAX_SECRET_BYTES {
            return Err(PageTokenError::TooLarge { secret_id });
        }
        let created = if exists {
            None
        } else {
            let description = format!(
                "Meta page access tokens of workspace {}",
                workspace.as_str()
            );
            let created = self
                .client
                .create_secret()
                .name(&secret_id)
                .description(description)
                .secret_string(&value)
                .send()
                .await;
            match created {
                Ok(_) => Some(Ok(())),
                // Created by a write at the same instant: put this value over it.
                Err(err) if err.code() == Some("ResourceExistsException") => None,
                Err(err) => Some(Err(write_error(&secret_id, err))),
            }
        };
        let written = match created {
            Some(result) => result,
            None => self
                .client
                .put_secret_value()
                .secret_id(&secret_id)
                .secret_string(value)
                .send()
                .await
                .map(|_| ())
                .map_err(|err| write_error(&secret_id, err)),
        };
        // This process sees its own write at once; others within their TTL.
        let mut held = self.held.lock().unwrap_or_else(PoisonError::into_inner);
        held.remove(workspace);
        written
    }
}

fn token_of(book: &Book, page_id: &str) -> Option<PageToken> {
    let held = book.pages.get(page_id)?;
    let token = held.token.trim();
    (!token.is_empty()).then(|| PageToken(token.to_owned()))
}

fn write_error<E, R>(
    secret_id: &str,
    err: aws_sdk_secretsmanager::error::SdkError<E, R>,
) -> PageTokenError
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: fmt::Debug + Send + Sync + 'static,
{
    let permanent = matches!(
        err.code(),
        Some(
            "AccessDeniedException"
                | "InvalidParameterException"
                | "InvalidRequestException"
                | "LimitExceededException"
                | "ValidationException"
        )
    );
    PageTokenError::Write {
        secret_id: secret_id.to_owned(),
        retryable: !permanent,
        source: Box::new(err),
    }
}

impl PageToken {
    /// The token itself, for the request that sends it to Meta.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for PageToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PageToken([redacted])")
    }
}

impl fmt::Display for PageToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

impl fmt::Debug for NewPage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NewPage")
            .field("page_id", &self.page_id)
            .field("name", &self.name)
            .field("token", &"[redacted]")
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

impl fmt::Debug for PageTokens {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PageTokens")
            .field("prefix", &self.prefix)
            .field("ttl", &self.ttl)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_is_never_shown() {
        let token = PageToken("EAAG-secret-token".into());
        let page = NewPage {
            page_id: "1".into(),
            name: None,
            token: "EAAG-secret-token".into(),
            expires_at: None,
        };
        for shown in [
            format!("{token:?}"),
            format!("{token}"),
            format!("{page:?}"),
        ] {
            assert!(!shown.contains("EAAG"), "{shown}");
        }
        assert_eq!(token.expose(), "EAAG-secret-token");
    }

    #[test]
    fn a_blank_token_is_none() {
        let mut book = Book::default();
        let held = |token: &str| Held {
            token: token.into(),
            name: None,
            stored_at: 0,
            expires_at: None,
        };
        book.pages.insert("1".into(), held("  "));
        book.pages.insert("2".into(), held("t"));
        assert!(token_of(&book, "1").is_none());
        assert!(token_of(&book, "3").is_none());
        assert_eq!(token_of(&book, "2").unwrap().expose(), "t");
    }
}
