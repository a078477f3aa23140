//! A workspace's review digest: claimed once per time window, listing the reviews
//! still waiting for a decision.

use super::super::keys;
use super::super::page::{Filter, Source};
use super::super::{from_item, n, s, Store, StoreError};
use super::PendingReview;
use crate::domain::WorkspaceId;

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
