//! Review items: held in the same transaction as their import-log entry, listed by
//! status, decided by one conditional update, and what a decision leaves behind (the
//! lead an approval made, or the pending state back after a failure).

use super::keys;
use super::page::{Filter, Source};
use super::write::PRESENT;
use super::{s, to_item, BadCursor, Page, Store, StoreError};
use crate::domain::{ImportRecord, ReviewItem, ReviewStatus};
use crate::domain::{LeadId, ReviewId, WorkspaceId};
use aws_sdk_dynamodb::types::ReturnValue;
use std::collections::HashMap;

/// The decision was taken before: nothing changed.
#[derive(Debug, Clone, PartialEq)]
pub struct AlreadyDecided;

impl Store {
    /// Stores a review item with its `review_required` import entry and counts it.
    pub async fn hold_for_review(
        &self,
        review: &ReviewItem,
        record: &ImportRecord,
    ) -> Result<(), StoreError> {
        let review_item = to_item(
            &keys::review(&review.workspace_id, &review.id),
            "review",
            review,
        )?;
        let items = vec![
            self.put_new(review_item)?,
            self.log_entry(record)?,
            self.count(record)?,
        ];
        self.transact(items).await?.done()
    }

    pub async fn review(
        &self,
        workspace_id: &WorkspaceId,
        review_id: &ReviewId,
    ) -> Result<Option<ReviewItem>, StoreError> {
        self.get(&keys::review(workspace_id, review_id)).await
    }

    /// Moves a pending review to `decision` in one conditional update; answers the
    /// decided item, or [`AlreadyDecided`] when another decision came first.
    pub async fn decide_review(
        &self,
        workspace_id: &WorkspaceId,
        review_id: &ReviewId,
        decision: ReviewStatus,
        decided_at: &str,
    ) -> Result<Result<ReviewItem, AlreadyDecided>, StoreError> {
        let decided = self
            .update(&keys::review(workspace_id, review_id))
            .update_expression("SET #status = :decision, decided_at = :at")
            .condition_expression("attribute_exists(pk) AND #status = :pending")
            .expression_attribute_names("#status", "status")
            .set_expression_attribute_values(Some(HashMap::from([
                (":decision".to_owned(), s(decision.key())),
                (":pending".to_owned(), s(ReviewStatus::Pending.key())),
                (":at".to_owned(), s(decided_at)),
            ])))
            .return_values(ReturnValue::AllNew)
            .send()
            .await;
        match self.written(decided)?.passed()? {
            Some(output) => Ok(Ok(super::from_item(output.attributes.unwrap_or_default())?)),
            None => Ok(Err(AlreadyDecided)),
        }
    }

    /// A workspace's review items, newest first, optionally of one status. The status is
    /// a filter on the same `Query`: a page can hold fewer than `limit` items while a
    /// cursor remains.
    pub async fn reviews_where(
        &self,
        workspace_id: &WorkspaceId,
        status: Option<ReviewStatus>,
        limit: i32,
        cursor: Option<&str>,
    ) -> Result<Result<Page<ReviewItem>, BadCursor>, StoreError> {
        let source = Source::workspace(workspace_id, Some(keys::REVIEW_PREFIX));
        let filter = status.map(|status| Filter::status(status.key()));
        self.page_where(source, filter, limit, cursor).await
    }

    /// Notes on an approved review the lead its approval produced.
    pub async fn record_review_lead(
        &self,
        workspace_id: &WorkspaceId,
        review_id: &ReviewId,
        lead_id: &LeadId,
    ) -> Result<(), StoreError> {
        self.update(&keys::review(workspace_id, review_id))
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
        workspace_id: &WorkspaceId,
        review_id: &ReviewId,
    ) -> Result<bool, StoreError> {
        let reopened = self
            .update(&keys::review(workspace_id, review_id))
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
