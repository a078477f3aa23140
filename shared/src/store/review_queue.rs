//! The review queue as admins work it: listed by status, and what a decision leaves
//! behind (the lead an approval made, or the pending state back after a failure).

use super::keys;
use super::queries::{Filter, Source};
use super::write::PRESENT;
use super::{s, BadCursor, Page, Store, StoreError};
use crate::domain::{ReviewItem, ReviewStatus};
use std::collections::HashMap;

impl Store {
    /// A workspace's review items, newest first, optionally of one status. The status is
    /// a filter on the same `Query`: a page can hold fewer than `limit` items while a
    /// cursor remains.
    pub async fn reviews_where(
        &self,
        workspace_id: &str,
        status: Option<ReviewStatus>,
        limit: i32,
        cursor: Option<&str>,
    ) -> Result<Result<Page<ReviewItem>, BadCursor>, StoreError> {
        let source = Source {
            index: None,
            pk: keys::workspace_partition(workspace_id),
            prefix: Some(keys::REVIEW_PREFIX),
        };
        let filter = status.map(|status| Filter::status(status.key()));
        self.page_where(source, filter, limit, cursor).await
    }

    /// Notes on an approved review the lead its approval produced.
    pub async fn record_review_lead(
        &self,
        workspace_id: &str,
        review_id: &str,
        lead_id: &str,
    ) -> Result<(), StoreError> {
        self.client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(keys::review(workspace_id, review_id).to_item()))
            .update_expression("SET lead_id = :lead")
            .condition_expression(PRESENT)
            .expression_attribute_values(":lead", s(lead_id))
            .send()
            .await
            .map_err(|e| self.error(e))?;
        Ok(())
    }

    /// Puts an approval whose import never happened back to pending, so that the
    /// decision can be taken again; `false` when the approval did produce a lead.
    pub async fn reopen_review(
        &self,
        workspace_id: &str,
        review_id: &str,
    ) -> Result<bool, StoreError> {
        let reopened = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(keys::review(workspace_id, review_id).to_item()))
            .update_expression("SET #status = :pending REMOVE decided_at")
            .condition_expression("#status = :approved AND attribute_not_exists(lead_id)")
            .expression_attribute_names("#status", "status")
            .set_expression_attribute_values(Some(HashMap::from([
                (":pending".to_owned(), s(ReviewStatus::Pending.key())),
                (":approved".to_owned(), s(ReviewStatus::Approved.key())),
            ])))
            .send()
            .await;
        Ok(self.written(reopened)?.passed()?.is_some())
    }
}
