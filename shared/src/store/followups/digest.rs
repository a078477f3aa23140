//! A workspace's review digest: claimed once per time window, listing the reviews
//! still waiting for a decision, and noting which it announced and whether the next
//! window's digest is scheduled for the reviews that came after it.

use super::super::keys;
use super::super::page::{Filter, Source};
use super::super::{from_item, n, s, Store, StoreError};
use super::PendingReview;
use crate::domain::WorkspaceId;
use aws_sdk_dynamodb::types::AttributeValue;
use serde::Deserialize;

/// The most review ids a digest's record keeps: a digest listing more announced all.
const ANNOUNCED_KEPT: usize = 1000;

/// What one window's digest did.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct DigestRecord {
    /// The reviews it listed, once sent (empty while it is being sent).
    pub announced: Vec<String>,
    /// Whether it announced every review pending then (more than it keeps ids of).
    pub announced_all: bool,
    /// Whether the next window's digest is scheduled for reviews that came after it.
    pub next_scheduled: bool,
}

impl DigestRecord {
    pub fn announced(&self, review_id: &str) -> bool {
        self.announced_all || self.announced.iter().any(|id| id == review_id)
    }
}

impl Store {
    /// Claims a workspace's review digest for one time window; `false` when this
    /// window's digest was claimed already.
    pub async fn claim_review_digest(
        &self,
        workspace_id: &WorkspaceId,
        window: i64,
        expires_at: i64,
    ) -> Result<bool, StoreError> {
        let mut item = keys::review_digest(workspace_id, window).to_item();
        item.insert("entity".into(), s("followup_digest"));
        item.insert(keys::EXPIRES_AT.into(), n(expires_at));
        self.put_if_absent(item).await
    }

    /// The record of a window's digest, if it was claimed.
    pub async fn review_digest(
        &self,
        workspace_id: &WorkspaceId,
        window: i64,
    ) -> Result<Option<DigestRecord>, StoreError> {
        self.get(&keys::review_digest(workspace_id, window)).await
    }

    /// Notes what a window's digest announced.
    pub async fn review_digest_sent(
        &self,
        workspace_id: &WorkspaceId,
        window: i64,
        announced: &[PendingReview],
    ) -> Result<(), StoreError> {
        let ids = announced.iter().take(ANNOUNCED_KEPT).map(|r| s(&r.id));
        self.update(&keys::review_digest(workspace_id, window))
            .update_expression("SET announced = :ids, announced_all = :all")
            .expression_attribute_values(":ids", AttributeValue::L(ids.collect()))
            .expression_attribute_values(
                ":all",
                AttributeValue::Bool(announced.len() > ANNOUNCED_KEPT),
            )
            .send()
            .await
            .map_err(|e| self.error(e))?;
        Ok(())
    }

    /// Notes that the digest of the window after `window` is scheduled.
    pub async fn review_digest_scheduled_next(
        &self,
        workspace_id: &WorkspaceId,
        window: i64,
    ) -> Result<(), StoreError> {
        self.update(&keys::review_digest(workspace_id, window))
            .update_expression("SET next_scheduled = :yes")
            .expression_attribute_values(":yes", AttributeValue::Bool(true))
            .send()
            .await
            .map_err(|e| self.error(e))?;
        Ok(())
    }

    pub async fn release_review_digest(
        &self,
        workspace_id: &WorkspaceId,
        window: i64,
    ) -> Result<(), StoreError> {
        self.delete(&keys::review_digest(workspace_id, window))
            .send()
            .await
            .map_err(|e| self.error(e))?;
        Ok(())
    }

    /// Every review of a workspace still waiting for a decision.
    pub async fn pending_reviews(
        &self,
        workspace_id: &WorkspaceId,
    ) -> Result<Vec<PendingReview>, StoreError> {
        let source = Source::workspace(workspace_id, Some(keys::REVIEW_PREFIX));
        let filter = Filter::status("pending");
        let projection = ["id", "workspace_id", "subject", "sender", "confidence"];
        let items = self
            .all_items(source, Some(filter), Some(&projection))
            .await?;
        items.into_iter().map(from_item).collect()
    }
}
