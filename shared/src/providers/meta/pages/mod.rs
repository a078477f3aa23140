//! A workspace's Meta page access tokens: one Secrets Manager secret per workspace
//! (encrypted at rest with KMS), named `<prefix>/<workspace id>`, JSON
//! `{"pages": {"<page id>": {"token", "name", "stored_at", "expires_at"}}}`. The prefix
//! comes from configuration (`META_PAGES_SECRET_PREFIX`, `lead-connectors/<stage>/meta-pages`
//! in template.yaml, where the IAM grants are scoped to it). Written through the admin API
//! only; nothing here answers or logs a token.
//!
//! Writes read the secret, change it and put it back: two writes to one workspace's pages
//! at the same instant keep the last (admin writes are rare; each answers what it did).

mod book;
mod token;

pub use token::{PageToken, PageTokenError};

use crate::clock::Clock;
use crate::domain::WorkspaceId;
use crate::secrets::{Secret, DEFAULT_TTL};
use book::{token_of, Book, Held};
use serde::Serialize;
use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

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
        match self.secret(workspace).fresh().await {
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

    /// Writes `book` as the workspace's secret; this process sees its own write at
    /// once, others within their TTL.
    async fn write(
        &self,
        workspace: &WorkspaceId,
        book: &Book,
        exists: bool,
    ) -> Result<(), PageTokenError> {
        let written = book::put(
            &self.client,
            &self.secret_id(workspace),
            workspace,
            book,
            exists,
        )
        .await;
        let mut held = self.held.lock().unwrap_or_else(PoisonError::into_inner);
        held.remove(workspace);
        written
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
