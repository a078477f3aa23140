//! Review items: held in the same transaction as their import-log entry, decided by
//! one conditional update.

use super::keys;
use super::write::PRESENT;
use super::{imports, s, to_item, Store, StoreError};
use crate::domain::{ImportRecord, ImportStatus, ReviewItem, ReviewStatus};
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
            self.put_new(imports::import_item(record)?)?,
            self.count(record)?,
        ];
        self.transact(items).await?.done()
    }

    pub async fn review(
        &self,
        workspace_id: &str,
        review_id: &str,
    ) -> Result<Option<ReviewItem>, StoreError> {
        self.get(&keys::review(workspace_id, review_id)).await
    }

    /// Moves a pending review to `decision` in one conditional update; answers the
    /// decided item, or [`AlreadyDecided`] when another decision came first.
    pub async fn decide_review(
        &self,
        workspace_id: &str,
        review_id: &str,
        decision: ReviewStatus,
        decided_at: &str,
    ) -> Result<Result<ReviewItem, AlreadyDecided>, StoreError> {
        let decided = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(keys::review(workspace_id, review_id).to_item()))
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

    /// Records what became of a held import: its status, reason and lead.
    pub async fn settle_import(
        &self,
        workspace_id: &str,
        import_id: &str,
        status: ImportStatus,
        reason: &str,
        lead_id: Option<&str>,
    ) -> Result<(), StoreError> {
        let mut expression = String::from("SET #status = :status, reason = :reason");
        let mut values = HashMap::from([
            (":status".to_owned(), s(status.key())),
            (":reason".to_owned(), s(reason)),
        ]);
        if let Some(lead_id) = lead_id {
            expression.push_str(", lead_id = :lead");
            values.insert(":lead".to_owned(), s(lead_id));
        }
        self.client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(keys::import(workspace_id, import_id).to_item()))
            .update_expression(expression)
            .condition_expression(PRESENT)
            .expression_attribute_names("#status", "status")
            .set_expression_attribute_values(Some(values))
            .send()
            .await
            .map_err(|e| self.error(e))?;
        Ok(())
    }
}
