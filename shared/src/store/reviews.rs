//! Review items: held in the same transaction as their import-log entry, listed by
//! status, and decided in one transaction with that entry (an approval is the lead's
//! own transaction, see `settle.rs`; a rejection is here).

use super::condition::Written;
use super::keys;
use super::page::{Filter, Source};
use super::settle::Settles;
use super::{s, to_item, BadCursor, Page, Store, StoreError};
use crate::domain::{ImportRecord, ReviewItem, ReviewStatus};
use crate::domain::{ReviewId, WorkspaceId};
use std::collections::HashMap;

/// The decision was taken before: nothing changed.
#[derive(Debug, Clone, PartialEq)]
pub struct AlreadyDecided;

impl Store {
    /// Stores a review item with its `review_required` import entry, and settles what the attempt settles (the inbound email it came from).
    pub async fn hold_for_review(
        &self,
        review: &ReviewItem,
        record: &ImportRecord,
        settles: &Settles,
    ) -> Result<(), StoreError> {
        let review_item = to_item(
            &keys::review(&review.workspace_id, &review.id),
            "review",
            review,
        )?;
        let outcome = self.outcome_items(record, settles, None)?;
        let mut items = vec![self.put_new(review_item)?];
        items.extend(outcome.items);
        match self.transact(items).await? {
            Written::Done(()) => Ok(()),
            Written::Refused(refused)
                if outcome.settles.is_some_and(|at| refused.failed(at + 1)) =>
            {
                Err(StoreError::Superseded)
            }
            Written::Refused(refused) => Err(refused.into_error()),
        }
    }

    pub async fn review(
        &self,
        workspace_id: &WorkspaceId,
        review_id: &ReviewId,
    ) -> Result<Option<ReviewItem>, StoreError> {
        self.get(&keys::review(workspace_id, review_id)).await
    }

    /// Rejects a pending review in one transaction: the review decided, its held entry
    /// settled as `record` says (ignored).
    /// [`AlreadyDecided`] when another decision came first.
    pub async fn reject_review(
        &self,
        review_id: &ReviewId,
        record: &ImportRecord,
        decided_at: &str,
    ) -> Result<Result<(), AlreadyDecided>, StoreError> {
        let key = keys::review(&record.workspace_id, review_id);
        let decide = self.tx_update(&key, |update| {
            update
                .update_expression("SET #status = :rejected, decided_at = :at")
                .condition_expression("#status = :pending")
                .expression_attribute_names("#status", "status")
                .set_expression_attribute_values(Some(HashMap::from([
                    (":rejected".to_owned(), s(ReviewStatus::Rejected.key())),
                    (":pending".to_owned(), s(ReviewStatus::Pending.key())),
                    (":at".to_owned(), s(decided_at)),
                ])))
        })?;
        let items = vec![decide, self.settle_entry(record)?];
        match self.transact(items).await? {
            Written::Done(()) => Ok(Ok(())),
            Written::Refused(refused) if refused.failed(0) => Ok(Err(AlreadyDecided)),
            Written::Refused(refused) => Err(refused.into_error()),
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
}
