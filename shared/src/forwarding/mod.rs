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

mod courier;
pub mod reach;
mod schedule;
pub mod sign;

pub use courier::{Courier, Reply, READ_LIMIT};
pub use reach::Reach;
pub use schedule::{AttemptMessage, MAX_HOP_SECONDS, RETRY_DELAYS};

use crate::admin::LeadView;
use crate::domain::{Attempt, DeliveryId, DeliveryStatus, Destination, DestinationStatus};
use crate::domain::{Lead, LeadDelivery};
use crate::queue::{Queue, QueueError};
use crate::store::{self, Forwarding, Store, StoreError};
use serde::Serialize;

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

/// The notice of a failed delivery: ids and the reason, no lead data.
#[derive(Debug, Serialize)]
struct FailureNotice<'a> {
    workspace_id: &'a str,
    destination_id: &'a str,
    delivery_id: &'a str,
    lead_id: &'a str,
    attempts: u32,
    reason: Option<&'a str>,
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
                tracing::error!(error = %err, cause = ?err, "malformed stream record skipped");
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

    /// Makes attempt `message.attempt`, which this worker holds, and settles it.
    async fn attempt(&self, message: &AttemptMessage) -> Result<(), ForwardError> {
        let (ws, id) = (&message.workspace_id, &message.delivery_id);
        let Some(mut delivery) = self.store.delivery(ws, id).await? else {
            return Ok(());
        };
        let destination = self.store.destination(ws, &delivery.destination_id).await?;
        let lead = self.store.lead(ws, &delivery.lead_id).await?;
        let at = self.store.clock().stamp();
        let (mut attempt, retry) = match (destination, lead) {
            (None, _) => (refused(message, &at, "the destination was deleted"), false),
            (Some(_), None) => (refused(message, &at, "the lead no longer exists"), false),
            (Some(d), Some(_)) if d.status != DestinationStatus::Active => {
                (refused(message, &at, "the destination is paused"), false)
            }
            (Some(destination), Some(lead)) => self.post(message, &destination, lead, &at).await,
        };
        delivery.attempts = message.attempt;
        delivery.updated_at = at;
        let tries = delivery.tries();
        let wait = schedule::retry_after(&self.retry_delays, tries).filter(|_| retry);
        (delivery.status, delivery.reason, delivery.next_attempt_at) = match wait {
            _ if attempt.result == "delivered" => (DeliveryStatus::Delivered, None, None),
            Some(wait) => {
                let due = self.store.clock().now() + chrono::Duration::seconds(wait);
                let due = due.to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
                (DeliveryStatus::Pending, attempt.error.clone(), Some(due))
            }
            None if retry => {
                attempt.result = "failed".to_owned();
                let last = attempt.error.as_deref().unwrap_or_default();
                let reason = format!("gave up after {tries} attempts; the last: {last}");
                (DeliveryStatus::Failed, Some(reason), None)
            }
            None => (DeliveryStatus::Failed, attempt.error.clone(), None),
        };
        tracing::info!(
            delivery_id = %delivery.id,
            attempt = message.attempt,
            status_code = attempt.status_code,
            result = attempt.result,
            status = delivery.status.key(),
            "delivery attempt settled"
        );
        delivery.history.push(attempt);
        self.store.settle_attempt(&delivery).await?;
        self.follow(&delivery).await
    }

    /// What follows a settled attempt: the next attempt's message, or the notice of a
    /// failed delivery.
    async fn follow(&self, delivery: &LeadDelivery) -> Result<(), ForwardError> {
        match delivery.status {
            DeliveryStatus::Pending => {
                let due = delivery
                    .next_attempt_at
                    .as_deref()
                    .and_then(|at| chrono::DateTime::parse_from_rfc3339(at).ok())
                    .map_or(0, |at| at.timestamp());
                let now = self.store.clock().epoch();
                let delay = schedule::hop(due, now, self.max_hop).unwrap_or(0);
                Ok(self
                    .attempts
                    .send(&AttemptMessage::next(delivery, due), delay)
                    .await?)
            }
            DeliveryStatus::Failed => {
                tracing::error!(
                    delivery_id = %delivery.id,
                    destination_id = %delivery.destination_id,
                    reason = delivery.reason.as_deref(),
                    "delivery failed"
                );
                let notice = FailureNotice {
                    workspace_id: &delivery.workspace_id,
                    destination_id: &delivery.destination_id,
                    delivery_id: &delivery.id,
                    lead_id: &delivery.lead_id,
                    attempts: delivery.attempts,
                    reason: delivery.reason.as_deref(),
                };
                Ok(self.failures.send(&notice, 0).await?)
            }
            DeliveryStatus::Delivered | DeliveryStatus::Sending => Ok(()),
        }
    }

    /// POSTs the lead, signed; answers the attempt and whether a failure may be retried.
    async fn post(
        &self,
        message: &AttemptMessage,
        destination: &Destination,
        lead: Lead,
        at: &str,
    ) -> (Attempt, bool) {
        let body = serde_json::to_string(&LeadView::from(lead)).unwrap_or_default();
        let now = self.store.clock().epoch();
        let signature = sign::header(&destination.signing_keys(now), now, &body);
        let headers = [
            (sign::SIGNATURE_HEADER, signature),
            ("X-Lead-Delivery-Id", message.delivery_id.to_string()),
            ("X-Lead-Attempt", message.attempt.to_string()),
        ];
        let (reply, took) = self.courier.post(&destination.url, &headers, body).await;
        let mut attempt = Attempt {
            number: message.attempt,
            at: at.to_owned(),
            result: "failed".to_owned(),
            status_code: None,
            error: None,
            excerpt: None,
            duration_ms: u64::try_from(took.as_millis()).unwrap_or(u64::MAX),
        };
        let retry = match reply {
            Reply::Answered { status, excerpt } => {
                attempt.status_code = Some(status);
                attempt.excerpt = Some(excerpt).filter(|e| !e.is_empty());
                match status {
                    200..=299 => {
                        attempt.result = "delivered".to_owned();
                        return (attempt, false);
                    }
                    300..=399 => {
                        attempt.error =
                            Some(format!("answered {status}: redirects are not followed"));
                        false
                    }
                    408 | 429 | 500..=599 => {
                        attempt.error = Some(format!("answered {status}"));
                        true
                    }
                    _ => {
                        attempt.error = Some(format!("answered {status}"));
                        false
                    }
                }
            }
            Reply::Unreachable(why) => {
                attempt.error = Some(why);
                true
            }
            Reply::Refused(why) => {
                attempt.error = Some(why);
                false
            }
        };
        if retry {
            attempt.result = "retry".to_owned();
        }
        (attempt, retry)
    }
}

/// An attempt not made, for `reason`: failed, not retried.
fn refused(message: &AttemptMessage, at: &str, reason: &str) -> Attempt {
    Attempt {
        number: message.attempt,
        at: at.to_owned(),
        result: "failed".to_owned(),
        status_code: None,
        error: Some(reason.to_owned()),
        excerpt: None,
        duration_ms: 0,
    }
}
