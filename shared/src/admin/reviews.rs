//! The review queue: doubtful email parses, and leads outside a connector's rules when
//! it sends those to review, wait for a person. A decision is one transaction
//! conditional on `status = pending` (an approval: the lead's own), so a second one,
//! however concurrent, changes nothing, and one that stops halfway leaves nothing
//! decided.

use super::input::Fields;
use super::{AdminContext, AdminError, Listing, PageRequest};
use crate::domain::{ConnectorId, ImportId, LeadId, ReviewId};
use crate::domain::{
    ImportRecord, ImportStatus, LeadCandidate, Provider, ReviewItem, ReviewStatus,
};
use crate::mapping::Field;
use crate::pipeline::{self, Receipt};
use crate::store::StoreError;
use serde::Serialize;
use serde_json::Value;

/// A review item as the queue shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReviewView {
    pub id: ReviewId,
    pub status: ReviewStatus,
    pub provider: Provider,
    pub connector_id: ConnectorId,
    pub confidence: f64,
    pub reasons: Vec<String>,
    pub sender: Option<String>,
    pub subject: Option<String>,
    pub preview: String,
    pub candidate: LeadCandidate,
    pub import_id: ImportId,
    pub created_at: String,
    pub decided_at: Option<String>,
    pub lead_id: Option<LeadId>,
}

impl From<ReviewItem> for ReviewView {
    fn from(item: ReviewItem) -> Self {
        Self {
            id: item.id,
            status: item.status,
            provider: item.provider,
            connector_id: item.connector_id,
            confidence: item.confidence,
            reasons: item.reasons,
            sender: item.sender,
            subject: item.subject,
            preview: item.preview,
            candidate: item.candidate,
            import_id: item.import_id,
            created_at: item.created_at,
            decided_at: item.decided_at,
            lead_id: item.lead_id,
        }
    }
}

/// What a decision did.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Decision {
    pub review_id: ReviewId,
    pub status: ReviewStatus,
    /// The held import entry, now settled.
    pub import_id: ImportId,
    /// Approvals: what the pipeline answered.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outcome: Option<Receipt>,
}

const STATUSES: [&str; 3] = ["pending", "approved", "rejected"];

/// `?status=pending|approved|rejected` (all when absent), newest first.
pub async fn list_reviews(
    ctx: &AdminContext<'_>,
    status: Option<&str>,
    page: PageRequest,
) -> Result<Listing<ReviewView>, AdminError> {
    let status = match status.filter(|s| !s.is_empty()) {
        None => None,
        Some(raw) => Some(
            serde_json::from_value::<ReviewStatus>(Value::String(raw.to_owned())).map_err(
                |_| {
                    AdminError::BadRequest(format!(
                        "status must be one of: {}",
                        STATUSES.join(", ")
                    ))
                },
            )?,
        ),
    };
    let page = ctx
        .store
        .reviews_where(ctx.workspace_id, status, page.limit, page.cursor.as_deref())
        .await??;
    Ok(Listing::of(page, ReviewView::from))
}

fn already_decided(item: &ReviewItem) -> AdminError {
    AdminError::Conflict(format!(
        "this review was already {}; a decision is final",
        item.status.key()
    ))
}

/// A review still to decide: pending, or approved without the lead its approval was
/// to make (an approval stopped halfway in earlier versions; approving completes it).
async fn undecided(ctx: &AdminContext<'_>, review_id: &ReviewId) -> Result<ReviewItem, AdminError> {
    let item = ctx
        .store
        .review(ctx.workspace_id, review_id)
        .await?
        .ok_or(AdminError::NotFound("review"))?;
    match (item.status, &item.lead_id) {
        (ReviewStatus::Pending, _) | (ReviewStatus::Approved, None) => Ok(item),
        _ => Err(already_decided(&item)),
    }
}

/// 409 naming the decision that came first.
async fn decided_meanwhile(ctx: &AdminContext<'_>, item: &ReviewItem) -> AdminError {
    match ctx.store.review(ctx.workspace_id, &item.id).await {
        Ok(Some(now)) => already_decided(&now),
        _ => already_decided(item),
    }
}

/// The import entry a review holds.
async fn held_entry(ctx: &AdminContext<'_>, item: &ReviewItem) -> Result<ImportRecord, AdminError> {
    ctx.store
        .import(ctx.workspace_id, &item.import_id)
        .await?
        .ok_or_else(|| {
            AdminError::Conflict("the review's import entry is gone: it cannot be decided".into())
        })
}

/// Approves a pending review, optionally with `{"corrections": {"customer_phone": "…"}}`,
/// and runs the normal pipeline once with the (corrected) candidate, in one transaction
/// with the decision and the held entry, which becomes the lead's entry; the connector's
/// rules are not applied again (a person decided). A candidate that would fail
/// validation, or a connector that is not active, leaves the review pending.
pub async fn approve_review(
    ctx: &AdminContext<'_>,
    review_id: &ReviewId,
    body: Value,
) -> Result<Decision, AdminError> {
    let item = undecided(ctx, review_id).await?;
    let candidate = corrected(item.candidate.clone(), body)?;
    let connector = ctx
        .store
        .connector(ctx.workspace_id, &item.connector_id)
        .await?
        .filter(|connector| connector.is_active())
        .ok_or_else(|| {
            AdminError::Conflict(
                "the review's connector is no longer active: activate it to approve".to_owned(),
            )
        })?;
    let held = held_entry(ctx, &item).await?;
    let outcome = match pipeline::approve(ctx.store, &connector, candidate, held, &item.id).await {
        Ok(Ok(outcome)) => outcome,
        Ok(Err(errors)) => return Err(AdminError::invalid(errors)),
        Err(StoreError::Superseded) => return Err(decided_meanwhile(ctx, &item).await),
        Err(err) => return Err(err.into()),
    };
    Ok(Decision {
        review_id: item.id,
        status: ReviewStatus::Approved,
        import_id: item.import_id,
        outcome: outcome.receipt().cloned(),
    })
}

/// Rejects a pending review: no lead; its import entry becomes `ignored` and stays,
/// in one transaction with the decision.
pub async fn reject_review(
    ctx: &AdminContext<'_>,
    review_id: &ReviewId,
) -> Result<Decision, AdminError> {
    let item = undecided(ctx, review_id).await?;
    if item.status != ReviewStatus::Pending {
        return Err(already_decided(&item));
    }
    let mut held = held_entry(ctx, &item).await?;
    held.status = ImportStatus::Ignored;
    held.reason = Some("rejected in review".to_owned());
    let now = ctx.store.clock().stamp();
    if ctx
        .store
        .reject_review(&item.id, &held, &now)
        .await?
        .is_err()
    {
        return Err(decided_meanwhile(ctx, &item).await);
    }
    Ok(Decision {
        review_id: item.id,
        status: ReviewStatus::Rejected,
        import_id: item.import_id,
        outcome: None,
    })
}

/// The candidate with a reviewer's corrections: standard field names only; `null` or
/// blank clears a field.
fn corrected(mut candidate: LeadCandidate, body: Value) -> Result<LeadCandidate, AdminError> {
    let mut fields = Fields::new(body)?;
    let corrections = fields.object("corrections");
    fields.finish()?;
    let Some(mut corrections) = corrections else {
        return Ok(candidate);
    };
    for (name, value) in corrections.rest() {
        let text = match value {
            Value::Null => None,
            Value::String(text) => Some(text.trim().to_owned()).filter(|t| !t.is_empty()),
            _ => {
                corrections.error(&name, "must be a string or null");
                continue;
            }
        };
        let slot = match Field::from_name(&name) {
            Some(Field::CustomerName) => &mut candidate.customer_name,
            Some(Field::CustomerEmail) => &mut candidate.customer_email,
            Some(Field::CustomerPhone) => &mut candidate.customer_phone,
            Some(Field::ServiceAddress) => &mut candidate.service_address,
            Some(Field::City) => &mut candidate.city,
            Some(Field::State) => &mut candidate.state,
            Some(Field::Zip) => &mut candidate.zip,
            Some(Field::ServiceInterest) => &mut candidate.service_interest,
            Some(Field::Notes) => &mut candidate.notes,
            Some(Field::ExternalId) => &mut candidate.external_id,
            Some(Field::TrustedformCertUrl) => &mut candidate.trustedform_cert_url,
            Some(Field::JornayaLeadid) => &mut candidate.jornaya_leadid,
            Some(Field::FirstName | Field::LastName) | None => {
                corrections.error(&name, "is not a lead field that can be corrected");
                continue;
            }
        };
        *slot = text;
    }
    corrections.finish()?;
    Ok(candidate)
}
