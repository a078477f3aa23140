//! The review queue: doubtful email parses, and leads outside a connector's rules when
//! it sends those to review, wait for a person. A decision is one
//! conditional update on `status = pending`, so a second one, however concurrent,
//! changes nothing; an approval then runs the normal pipeline once.

use super::input::Fields;
use super::{AdminContext, AdminError, Listing, PageRequest};
use crate::domain::{ConnectorId, ImportId, LeadId, ReviewId};
use crate::domain::{ImportStatus, LeadCandidate, Provider, ReviewItem, ReviewStatus};
use crate::mapping::Field;
use crate::pipeline::{self, Delivery, Outcome, Receipt};
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

async fn pending(ctx: &AdminContext<'_>, review_id: &ReviewId) -> Result<ReviewItem, AdminError> {
    let item = ctx
        .store
        .review(ctx.workspace_id, review_id)
        .await?
        .ok_or(AdminError::NotFound("review"))?;
    match item.status {
        ReviewStatus::Pending => Ok(item),
        _ => Err(already_decided(&item)),
    }
}

/// The decision itself: 409 when another one came first.
async fn decide(
    ctx: &AdminContext<'_>,
    item: &ReviewItem,
    decision: ReviewStatus,
) -> Result<ReviewItem, AdminError> {
    let now = ctx.store.clock().stamp();
    match ctx
        .store
        .decide_review(ctx.workspace_id, &item.id, decision, &now)
        .await?
    {
        Ok(decided) => Ok(decided),
        Err(_) => {
            let now = ctx.store.review(ctx.workspace_id, &item.id).await?;
            Err(already_decided(now.as_ref().unwrap_or(item)))
        }
    }
}

/// Approves a pending review, optionally with `{"corrections": {"customer_phone": "…"}}`,
/// and runs the normal pipeline once with the (corrected) candidate; the connector's
/// rules are not applied again (a person decided). A candidate that
/// would fail validation, or a connector that is not active, leaves the review pending.
pub async fn approve_review(
    ctx: &AdminContext<'_>,
    review_id: &ReviewId,
    body: Value,
) -> Result<Decision, AdminError> {
    let item = pending(ctx, review_id).await?;
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
    if let Err(errors) = pipeline::prepare(ctx.store, &connector, candidate.clone()).await? {
        return Err(AdminError::invalid(errors));
    }

    let decided = decide(ctx, &item, ReviewStatus::Approved).await?;
    let raw = ctx
        .store
        .import(ctx.workspace_id, &item.import_id)
        .await?
        .map(|entry| entry.payload)
        .unwrap_or_default();
    let delivery = Delivery {
        raw: &raw,
        origin: Default::default(),
    };
    let outcome = match pipeline::import_approved(ctx.store, &connector, candidate, &delivery).await
    {
        Ok(Outcome::Inactive { .. }) => {
            ctx.store.reopen_review(ctx.workspace_id, &item.id).await?;
            return Err(AdminError::Conflict(
                "the review's connector was paused meanwhile: activate it to approve".to_owned(),
            ));
        }
        Ok(outcome) => outcome,
        Err(err) => {
            // Nothing was created: the decision is given back so it can be taken again.
            ctx.store.reopen_review(ctx.workspace_id, &item.id).await?;
            return Err(err.into());
        }
    };
    let reason = match &outcome {
        Outcome::Imported(_) => "approved in review",
        Outcome::Replayed(_) => {
            "approved in review: the external id was seen before, the earlier lead stands"
        }
        _ => "approved in review, then failed validation",
    };
    let (status, receipt) = (outcome.status(), outcome.receipt().cloned());
    let lead_id = receipt.as_ref().map(|r| &r.lead_id);
    if let Some(lead_id) = lead_id {
        ctx.store
            .record_review_lead(ctx.workspace_id, &item.id, lead_id)
            .await?;
    }
    ctx.store
        .settle_import(ctx.workspace_id, &item.import_id, status, reason, lead_id)
        .await?;
    Ok(Decision {
        review_id: decided.id,
        status: decided.status,
        import_id: item.import_id,
        outcome: receipt,
    })
}

/// Rejects a pending review: no lead; its import entry becomes `ignored` and stays.
pub async fn reject_review(
    ctx: &AdminContext<'_>,
    review_id: &ReviewId,
) -> Result<Decision, AdminError> {
    let item = pending(ctx, review_id).await?;
    let decided = decide(ctx, &item, ReviewStatus::Rejected).await?;
    ctx.store
        .settle_import(
            ctx.workspace_id,
            &item.import_id,
            ImportStatus::Ignored,
            "rejected in review",
            None,
        )
        .await?;
    Ok(Decision {
        review_id: decided.id,
        status: decided.status,
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
