//! A destination's deliveries, each with its attempts, and delivering one again.

use super::{AdminContext, AdminError, Listing, PageRequest};
use crate::domain::{Attempt, DeliveryId, DeliveryStatus, DestinationId, LeadDelivery, LeadId};
use serde::Serialize;

/// A delivery as the admin API shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DeliveryView {
    pub id: DeliveryId,
    pub destination_id: DestinationId,
    pub lead_id: LeadId,
    pub status: DeliveryStatus,
    pub attempt_count: u32,
    /// When the next attempt is due (a `pending` delivery).
    pub next_attempt_at: Option<String>,
    /// Why the last attempt did not deliver.
    pub reason: Option<String>,
    /// The latest attempts, oldest first.
    pub attempts: Vec<Attempt>,
    pub created_at: String,
    pub updated_at: String,
}

impl From<LeadDelivery> for DeliveryView {
    fn from(delivery: LeadDelivery) -> Self {
        let pending = delivery.status == DeliveryStatus::Pending;
        Self {
            id: delivery.id,
            destination_id: delivery.destination_id,
            lead_id: delivery.lead_id,
            status: delivery.status,
            attempt_count: delivery.attempts,
            next_attempt_at: delivery.next_attempt_at.filter(|_| pending),
            reason: delivery.reason,
            attempts: delivery.history,
            created_at: delivery.created_at,
            updated_at: delivery.updated_at,
        }
    }
}

/// A destination's deliveries, newest lead first, optionally of one status.
pub async fn deliveries(
    ctx: &AdminContext<'_>,
    destination_id: &DestinationId,
    status: Option<&str>,
    page: PageRequest,
) -> Result<Listing<DeliveryView>, AdminError> {
    let status = status
        .filter(|s| !s.is_empty())
        .map(|raw| {
            DeliveryStatus::ALL
                .into_iter()
                .find(|status| status.key() == raw)
                .ok_or_else(|| {
                    let names: Vec<_> = DeliveryStatus::ALL.map(DeliveryStatus::key).into();
                    AdminError::BadRequest(format!("status must be one of: {}", names.join(", ")))
                })
        })
        .transpose()?;
    if ctx
        .store
        .destination(ctx.workspace_id, destination_id)
        .await?
        .is_none()
    {
        return Err(AdminError::NotFound("destination"));
    }
    let page = ctx
        .store
        .deliveries(
            ctx.workspace_id,
            destination_id,
            status,
            page.limit,
            page.cursor.as_deref(),
        )
        .await??;
    Ok(Listing::of(page, DeliveryView::from))
}

/// Delivers again, now: a new round of attempts (with its own retries) for a delivery
/// that is delivered, failed, or waiting for a retry. `409` while an attempt is under
/// way or its first attempt is queued.
pub async fn redeliver(
    ctx: &AdminContext<'_>,
    id: &DeliveryId,
) -> Result<DeliveryView, AdminError> {
    let now = ctx.store.clock().stamp();
    if let Some(delivery) = ctx.store.redeliver(ctx.workspace_id, id, &now).await? {
        return Ok(delivery.into());
    }
    match ctx.store.delivery(ctx.workspace_id, id).await? {
        None => Err(AdminError::NotFound("delivery")),
        Some(delivery) => Err(AdminError::Conflict(format!(
            "the delivery is {} with an attempt under way or queued; try again when it settles",
            delivery.status.key()
        ))),
    }
}
