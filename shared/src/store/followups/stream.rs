//! What the table's stream shows the speed-to-lead function, and the pending reviews
//! a digest lists.

use super::super::keys;
use super::super::{from_item, s, Store, StoreError};
use crate::domain::Lead;
use crate::domain::WorkspaceId;
use serde::Deserialize;

/// A stream record that asks for a follow-up.
#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    /// A new lead whose connector had speed-to-lead on.
    NewLead(Box<Lead>),
    /// A new email waiting for a review decision.
    NewReview(PendingReview),
}

/// A review item as far as a reviewers' digest needs it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct PendingReview {
    pub id: String,
    pub workspace_id: WorkspaceId,
    #[serde(default)]
    pub subject: Option<String>,
    #[serde(default)]
    pub sender: Option<String>,
    #[serde(default)]
    pub confidence: Option<f64>,
}

fn text<'a>(image: &'a serde_dynamo::Item, name: &str) -> Option<&'a str> {
    match image.get(name) {
        Some(serde_dynamo::AttributeValue::S(value)) => Some(value),
        _ => None,
    }
}

/// What a stream record (its event name and new image) asks for: the same test as the
/// event source mapping's filter, so nothing else is acted on whatever is delivered.
/// `Err` for a record that matches but cannot be read: it never will be.
pub fn change(event_name: &str, image: serde_dynamo::Item) -> Result<Option<Change>, StoreError> {
    if event_name != "INSERT" {
        return Ok(None);
    }
    let sk = text(&image, keys::SK).unwrap_or_default();
    match text(&image, "entity") {
        Some("lead") if sk.starts_with(keys::LEAD_PREFIX) => {
            let wanted = matches!(
                image.get("speed_to_lead"),
                Some(serde_dynamo::AttributeValue::Bool(true))
            );
            if !wanted {
                return Ok(None);
            }
            let lead = serde_dynamo::from_item(image).map_err(StoreError::Encoding)?;
            Ok(Some(Change::NewLead(Box::new(lead))))
        }
        Some("review") if sk.starts_with(keys::REVIEW_PREFIX) => {
            if text(&image, "status") != Some("pending") {
                return Ok(None);
            }
            let review = serde_dynamo::from_item(image).map_err(StoreError::Encoding)?;
            Ok(Some(Change::NewReview(review)))
        }
        _ => Ok(None),
    }
}

impl Store {
    /// Every review of a workspace still waiting for a decision.
    pub async fn pending_reviews(
        &self,
        workspace_id: &str,
    ) -> Result<Vec<PendingReview>, StoreError> {
        let mut reviews = Vec::new();
        let mut start = None;
        loop {
            let output = self
                .client
                .query()
                .table_name(&self.table)
                .key_condition_expression("pk = :pk AND begins_with(sk, :prefix)")
                .filter_expression("#status = :pending")
                .projection_expression("id, workspace_id, subject, sender, confidence")
                .expression_attribute_names("#status", "status")
                .expression_attribute_values(":pk", s(keys::workspace_partition(workspace_id)))
                .expression_attribute_values(":prefix", s(keys::REVIEW_PREFIX))
                .expression_attribute_values(":pending", s("pending"))
                .set_exclusive_start_key(start)
                .send()
                .await
                .map_err(|e| self.error(e))?;
            for item in output.items.unwrap_or_default() {
                reviews.push(from_item(item)?);
            }
            start = output.last_evaluated_key;
            if start.is_none() {
                return Ok(reviews);
            }
        }
    }
}
