//! What the table's stream shows the speed-to-lead function: the new items that ask
//! for a follow-up.

use super::super::keys;
use super::super::{image_text, StoreError};
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

/// What a stream record (its event name and new image) asks for: the same test as the
/// event source mapping's filter, so nothing else is acted on whatever is delivered.
/// `Err` for a record that matches but cannot be read: it never will be.
pub fn change(event_name: &str, image: serde_dynamo::Item) -> Result<Option<Change>, StoreError> {
    if event_name != "INSERT" {
        return Ok(None);
    }
    let sk = image_text(&image, keys::SK).unwrap_or_default();
    match image_text(&image, "entity") {
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
            if image_text(&image, "status") != Some("pending") {
                return Ok(None);
            }
            let review = serde_dynamo::from_item(image).map_err(StoreError::Encoding)?;
            Ok(Some(Change::NewReview(review)))
        }
        _ => Ok(None),
    }
}
