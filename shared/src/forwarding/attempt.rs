//! One attempt of a delivery, which its worker holds: the lead POSTed, signed, to the
//! destination, the answer recorded, and the delivery settled (delivered, retried
//! later, or failed with a notice to the failures queue).

use super::{schedule, sign, AttemptMessage, ForwardError, Forwarder, Reply};
use crate::admin::LeadView;
use crate::domain::{Attempt, DeliveryStatus, Destination, DestinationStatus};
use crate::domain::{Lead, LeadDelivery};
use serde::Serialize;

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
    /// Makes attempt `message.attempt`, which this worker holds, and settles it.
    pub(super) async fn attempt(&self, message: &AttemptMessage) -> Result<(), ForwardError> {
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
    pub(super) async fn follow(&self, delivery: &LeadDelivery) -> Result<(), ForwardError> {
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
