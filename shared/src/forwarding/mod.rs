//! Forwarding new leads, signed, to the workspace's destinations (a CRM's webhook).
//!
//! The table's stream drives it, so a lead can never be stored and its forward
//! forgotten: a new lead makes one delivery per matching destination (one item each,
//! put only if absent, so a stream record delivered twice makes none twice); a delivery
//! that starts a round of attempts queues its first attempt. Each attempt is claimed on
//! the delivery, POSTed, recorded, and settled: delivered on a 2xx, retried with growing
//! delays on a 408, 429, 5xx or no answer, failed at once on any other answer or a
//! destination the SSRF guard refuses, and failed when the retries run out (then a
//! notice goes to the failures queue, which alarms).

mod attempt;
mod courier;
pub mod reach;
mod schedule;
pub mod sign;

pub use courier::{Courier, Reply, READ_LIMIT};
pub use reach::Reach;
pub use schedule::{AttemptMessage, MAX_HOP_SECONDS, RETRY_DELAYS};

use crate::domain::{DeliveryId, DeliveryStatus};
use crate::domain::{Lead, LeadDelivery};
use crate::queue::{Queue, QueueError};
use crate::store::{self, Forwarding, Store, StoreError};

/// How long an attempt holds its delivery: past the function's time-out (60 s), and
/// short of the queue's visibility time-out (180 s), so the message's redelivery finds
/// the hold of an attempt that was stopped lapsed.
const HOLD_SECONDS: i64 = 120;

/// Why a record or message should be delivered again.
#[derive(Debug, thiserror::Error)]
pub enum ForwardError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Queue(#[from] QueueError),
}

/// What the forwarder needs, built once per cold start.
#[derive(Debug, Clone)]
pub struct Forwarder {
    pub store: Store,
    /// The attempts queue (this function's trigger).
    pub attempts: Queue,
    /// Where a notice of each failed delivery goes (alarmed).
    pub failures: Queue,
    pub courier: Courier,
    /// The waits before each retry ([`RETRY_DELAYS`]).
    pub retry_delays: Vec<i64>,
    /// The longest hold one queue message may have ([`MAX_HOP_SECONDS`]).
    pub max_hop: i64,
}

impl Forwarder {
    /// Acts on one stream record (its event name and new image). A record that asks
    /// for nothing, or cannot be read, is done with; `Err` means "deliver it again".
    pub async fn on_record(
        &self,
        event_name: &str,
        image: serde_dynamo::Item,
    ) -> Result<(), ForwardError> {
        match store::forwarding(event_name, image) {
            Ok(None) => Ok(()),
            Ok(Some(Forwarding::NewLead(lead))) => self.plan(&lead).await,
            Ok(Some(Forwarding::Due(delivery))) => {
                let now = self.store.clock().epoch();
                Ok(self
                    .attempts
                    .send(&AttemptMessage::next(&delivery, now), 0)
                    .await?)
            }
            Err(err) => {
                tracing::error!(error = %crate::http::chain(&err), "malformed stream record skipped");
                Ok(())
            }
        }
    }

    /// One delivery per active destination that takes the lead's connector.
    async fn plan(&self, lead: &Lead) -> Result<(), ForwardError> {
        let now = self.store.clock().stamp();
        for destination in self.store.active_destinations(&lead.workspace_id).await? {
            if !destination.takes(&lead.connector_id) {
                continue;
            }
            let delivery = LeadDelivery {
                id: DeliveryId::of(&lead.id, &destination.id),
                workspace_id: lead.workspace_id.clone(),
                destination_id: destination.id.clone(),
                lead_id: lead.id.clone(),
                status: DeliveryStatus::Pending,
                attempts: 0,
                round_base: 0,
                next_attempt_at: Some(now.clone()),
                reason: None,
                history: Vec::new(),
                created_at: now.clone(),
                updated_at: now.clone(),
            };
            if self.store.create_delivery(&delivery).await? {
                tracing::info!(lead_id = %lead.id, delivery_id = %delivery.id, "delivery made");
            }
        }
        Ok(())
    }

    /// One message of the attempts queue (its body, and how often the queue has handed
    /// it out). `Err` means "deliver it again".
    pub async fn on_message(&self, body: &str, receive_count: u32) -> Result<(), ForwardError> {
        let message: AttemptMessage = match serde_json::from_str(body) {
            Ok(message) => message,
            Err(err) => {
                tracing::error!(error = %err, "unreadable attempt message dropped");
                return Ok(());
            }
        };
        let now = self.store.clock().epoch();
        if let Some(delay) = schedule::hop(message.not_before, now, self.max_hop) {
            return Ok(self.attempts.send(&message, delay).await?);
        }
        let (ws, id) = (&message.workspace_id, &message.delivery_id);
        if !self
            .store
            .claim_attempt(ws, id, message.attempt, now, HOLD_SECONDS)
            .await?
        {
            return self.unclaimed(&message, receive_count).await;
        }
        let attempted = Box::pin(self.attempt(&message)).await;
        if attempted.is_err() {
            if let Err(err) = self.store.release_attempt(ws, id, message.attempt).await {
                tracing::warn!(error = %err, "attempt not released; its hold lapses on its own");
            }
        }
        attempted
    }

    /// A message whose attempt could not be claimed: another worker has it, or it is
    /// past. When this very message failed after its attempt settled, what should have
    /// followed (the next attempt's message, the failure notice) is sent again.
    async fn unclaimed(
        &self,
        message: &AttemptMessage,
        receive_count: u32,
    ) -> Result<(), ForwardError> {
        if receive_count < 2 {
            return Ok(());
        }
        let delivery = self
            .store
            .delivery(&message.workspace_id, &message.delivery_id)
            .await?;
        match delivery {
            Some(delivery) if delivery.attempts == message.attempt => self.follow(&delivery).await,
            _ => Ok(()),
        }
    }
}
