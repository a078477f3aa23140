//! Holding a doubtful candidate for a person instead of making a bad record.

use super::{record, Delivery, Outcome};
use crate::domain::{Connector, ImportRecord, ImportStatus, LeadCandidate};
use crate::domain::{ReviewId, ReviewItem, ReviewStatus};
use crate::store::{Store, StoreError};

/// Why the parser is unsure, and what a reviewer needs to judge the message.
#[derive(Debug, Clone, PartialEq)]
pub struct Doubt {
    pub confidence: f64,
    pub reasons: Vec<String>,
    pub sender: Option<String>,
    pub subject: Option<String>,
    pub preview: String,
}

/// Whether the connector wants a person to look at a parse this sure.
pub fn needs_review(connector: &Connector, confidence: f64) -> bool {
    connector
        .review_threshold
        .is_some_and(|threshold| confidence < threshold)
}

/// Stores a pending review item and its `review_required` import entry: [`Outcome::Held`].
pub async fn hold_for_review(
    store: &Store,
    connector: &Connector,
    candidate: LeadCandidate,
    doubt: Doubt,
    delivery: &Delivery<'_>,
) -> Result<Outcome, StoreError> {
    let entry = record(store.clock(), connector, delivery);
    hold_for_review_as(store, connector, candidate, doubt, entry).await
}

/// [`hold_for_review`] under an entry made beforehand.
pub async fn hold_for_review_as(
    store: &Store,
    connector: &Connector,
    candidate: LeadCandidate,
    doubt: Doubt,
    mut entry: ImportRecord,
) -> Result<Outcome, StoreError> {
    let review_id = ReviewId::new();
    entry.status = ImportStatus::ReviewRequired;
    entry.external_id = candidate.external_id.clone();
    entry.review_id = Some(review_id.clone());
    entry.reason = Some(format!(
        "confidence {:.2} below the review threshold{}",
        doubt.confidence,
        if doubt.reasons.is_empty() {
            String::new()
        } else {
            format!(": {}", doubt.reasons.join(", "))
        }
    ));
    let review = ReviewItem {
        id: review_id.clone(),
        workspace_id: connector.workspace_id.clone(),
        connector_id: connector.id.clone(),
        provider: connector.provider,
        status: ReviewStatus::Pending,
        confidence: doubt.confidence,
        reasons: doubt.reasons,
        sender: doubt.sender,
        subject: doubt.subject,
        preview: doubt.preview,
        candidate,
        import_id: entry.id.clone(),
        created_at: entry.received_at.clone(),
        decided_at: None,
        lead_id: None,
    };
    store.hold_for_review(&review, &entry).await?;
    Ok(Outcome::Held {
        import_id: entry.id,
        review_id,
    })
}
