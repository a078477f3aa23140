//! PLACEHOLDER until issue 16's workspace page-token store lands (same API, kept in
//! memory): replaced by theirs at the merge, never landed as is.

use crate::clock::Clock;
use crate::domain::WorkspaceId;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::Duration;

#[derive(Clone)]
pub struct PageTokens {
    pages: Arc<Mutex<HashMap<String, BTreeMap<String, (NewPage, i64)>>>>,
    clock: Clock,
}

impl fmt::Debug for PageTokens {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PageTokens")
    }
}

#[derive(Clone)]
pub struct NewPage {
    pub page_id: String,
    pub name: Option<String>,
    pub token: String,
    pub expires_at: Option<i64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct StoredPage {
    pub page_id: String,
    pub name: Option<String>,
    pub stored_at: i64,
    pub expires_at: Option<i64>,
}

#[derive(Clone, PartialEq, Eq)]
pub struct PageToken(String);

impl PageToken {
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for PageToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PageToken(…)")
    }
}

#[derive(Debug, thiserror::Error)]
pub enum PageTokenError {
    #[error("the page tokens could not be read")]
    Unavailable,
}

impl PageTokenError {
    pub fn is_retryable(&self) -> bool {
        true
    }
}

impl PageTokens {
    pub fn new(
        _client: aws_sdk_secretsmanager::Client,
        _prefix: impl Into<String>,
        clock: Clock,
    ) -> Self {
        Self {
            pages: Arc::default(),
            clock,
        }
    }

    pub fn with_ttl(self, _ttl: Duration) -> Self {
        self
    }

    pub async fn store(
        &self,
        workspace: &WorkspaceId,
        pages: Vec<NewPage>,
    ) -> Result<(), PageTokenError> {
        let now = self.clock.epoch();
        let mut all = self.pages.lock().map_err(|_| PageTokenError::Unavailable)?;
        let held = all.entry(workspace.to_string()).or_default();
        for page in pages {
            held.insert(page.page_id.clone(), (page, now));
        }
        Ok(())
    }

    pub async fn remove(
        &self,
        workspace: &WorkspaceId,
        page_id: &str,
    ) -> Result<bool, PageTokenError> {
        let mut all = self.pages.lock().map_err(|_| PageTokenError::Unavailable)?;
        let held = all.entry(workspace.to_string()).or_default();
        Ok(held.remove(page_id).is_some())
    }

    pub async fn list(&self, workspace: &WorkspaceId) -> Result<Vec<StoredPage>, PageTokenError> {
        let all = self.pages.lock().map_err(|_| PageTokenError::Unavailable)?;
        let held = all.get(workspace.as_str()).cloned().unwrap_or_default();
        Ok(held
            .into_values()
            .map(|(page, stored_at)| StoredPage {
                page_id: page.page_id,
                name: page.name,
                stored_at,
                expires_at: page.expires_at,
            })
            .collect())
    }

    pub async fn token(
        &self,
        workspace: &WorkspaceId,
        page_id: &str,
    ) -> Result<Option<PageToken>, PageTokenError> {
        let all = self.pages.lock().map_err(|_| PageTokenError::Unavailable)?;
        let held = all.get(workspace.as_str());
        let page = held.and_then(|held| held.get(page_id));
        Ok(page.map(|(page, _)| PageToken(page.token.clone())))
    }

    pub async fn fresh_token(
        &self,
        workspace: &WorkspaceId,
        page_id: &str,
    ) -> Result<Option<PageToken>, PageTokenError> {
        self.token(workspace, page_id).await
    }
}
