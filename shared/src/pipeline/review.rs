//! Holding a doubtful candidate for a person instead of making a bad record.

use super::{limits, prepare, record, store_lead, Aftercare, Delivery, Outcome};
use crate::domain::{Connector, FieldError, ImportRecord, ImportStatus, LeadCandidate};
use crate::domain::{ReviewId, ReviewItem, ReviewStatus};
use crate::store::{ReviewApproval, Settles, Store, StoreError};

/// The reason an approved entry carries.
pub const APPROVED: &str = "approved in review";

/// Why the parser is unsure (or which rule the lead breaks), and what a reviewer needs
/// to judge the message.
#[derive(Debug, Clone, PartialEq)]
pub struct Doubt {
    pub confidence: f64,
    pub reasons: Vec<String>,
    pub sender: Option<String>,
    pub subject: Option<String>,
    pub preview: String,
    /// The connector's rule the lead breaks, when that is why it waits.
    pub rule: Option<String>,
}

/// How much of a delivery a rule hold shows the reviewer.
const PREVIEW_CHARS: usize = 2000;

impl Doubt {
    /// A lead read without doubt that breaks one of the connector's rules (`reason`),
    /// held for a person as the connector asks; `raw` is the delivery as received.
    pub fn outside_rules(reason: &str, raw: &str) -> Self {
        Doubt {
            confidence: 1.0,
            reasons: vec![reason.to_owned()],
            sender: None,
            subject: None,
            preview: raw.chars().take(PREVIEW_CHARS).collect(),
            rule: Some(reason.to_owned()),
        }
    }

    /// The reason of the held import entry.
    fn summary(&self) -> String {
        if let Some(rule) = &self.rule {
            return format!("held for review: {rule}");
        }
        let reasons = if self.reasons.is_empty() {
            String::new()
        } else {
            format!(": {}", self.reasons.join(", "))
        };
        format!(
            "confidence {:.2} below the review threshold{reasons}",
            self.confidence
        )
    }
}

/// Whether the connector wants a person to look at a parse this sure.
pub fn needs_review(connector: &Connector, confidence: f64) -> bool {
    connector
        .review_threshold
        .is_some_and(|threshold| confidence < threshold)
}

/// Stores a pending review item and its `review_required` import entry, settling
/// `settles` (the inbound email) with them: [`Outcome::Held`].
pub async fn hold_for_review(
    store: &Store,
    connector: &Connector,
    candidate: LeadCandidate,
    doubt: Doubt,
    delivery: &Delivery<'_>,
    settles: &Settles,
) -> Result<Outcome, StoreError> {
    let entry = record(store.clock(), connector, delivery);
    hold_for_review_as(store, connector, candidate, doubt, entry, settles).await
}

/// [`hold_for_review`] under an entry made beforehand.
pub async fn hold_for_review_as(
    store: &Store,
    connector: &Connector,
    candidate: LeadCandidate,
    doubt: Doubt,
    mut entry: ImportRecord,
    settles: &Settles,
) -> Result<Outcome, StoreError> {
    let review_id = ReviewId::new();
    entry.status = ImportStatus::ReviewRequired;
    entry.external_id = candidate.external_id.clone();
    entry.review_id = Some(review_id.clone());
    entry.reason = Some(doubt.summary());
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
    let entry = super::payload_expiring(store, connector, entry).await?;
    store.hold_for_review(&review, &entry, settles).await?;
    Ok(Outcome::Held {
        import_id: entry.id,
        review_id,
    })
}

/// Approves a held review with its (corrected) candidate: validated, then stored in one
/// transaction that also decides the review and settles its held entry `held` as the
/// lead's own entry, so one lead has one entry. Field errors leave the review pending;
/// [`StoreError::Superseded`] when another decision came first. Approving an approval
/// that never got its lead completes it.
pub async fn approve(
    store: &Store,
    connector: &Connector,
    candidate: LeadCandidate,
    mut held: ImportRecord,
    review_id: &ReviewId,
) -> Result<Result<Outcome, Vec<FieldError>>, StoreError> {
    let external_id = match limits::external_id(candidate.external_id.as_deref()) {
        Ok(external_id) => external_id,
        Err((_, error)) => return Ok(Err(vec![error])),
    };
    let prepared = match prepare(store, connector, candidate).await? {
        Ok(prepared) => prepared,
        Err(errors) => return Ok(Err(errors)),
    };
    held.external_id = external_id;
    held.reason = Some(APPROVED.to_owned());
    let decided_at = store.clock().stamp();
    let settles = Settles::Review(ReviewApproval {
        review_id: review_id.clone(),
        decided_at: decided_at.clone(),
    });
    store_lead(
        store,
        connector,
        prepared,
        held,
        &decided_at,
        settles,
        Aftercare::LIVE,
    )
    .await
    .map(Ok)
}
