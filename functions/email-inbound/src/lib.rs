//! The email door. Triggered by the SES receipt rule (after its S3 action stored the
//! raw message), by the retry queue (when SES invoked us before the body landed), and by
//! the failure queue (SES invocations that failed past Lambda's retries: Lambda's
//! on-failure destination). Everything it decides lives in `shared::inbound`; this crate
//! reads the events and tells Lambda what to deliver again.

use aws_lambda_events::event::ses::SimpleEmailEvent;
use aws_lambda_events::event::sqs::{BatchItemFailure, SqsBatchResponse, SqsEvent, SqsMessage};
use serde::Deserialize;
use serde_json::Value;
use shared::inbound::{timing, Arrival, EmailOutcome, Inbound, InboundError, RetryMessage};

/// The door: the use case and the failure queue it consumes.
#[derive(Debug, Clone)]
pub struct Deps {
    pub inbound: Inbound,
    /// The SES invocations Lambda gave up on (its on-failure destination).
    pub failure_queue_url: String,
}

#[derive(Debug, thiserror::Error)]
pub enum HandlerError {
    #[error("the event is neither an SES receipt nor an SQS batch")]
    UnknownEvent,
    #[error("the SQS event is malformed")]
    Malformed(#[source] serde_json::Error),
    #[error("the email could not be handled now; Lambda retries it")]
    Retry(#[source] InboundError),
}

/// What one invocation did: the outcomes of SES records, or the SQS batch response.
#[derive(Debug, serde::Serialize)]
#[serde(untagged)]
pub enum Handled {
    Ses(Vec<EmailOutcome>),
    Sqs(SqsBatchResponse),
}

fn event_source(event: &Value) -> Option<&str> {
    event.get("Records")?.get(0)?.get("eventSource")?.as_str()
}

pub async fn handle(deps: &Deps, event: Value) -> Result<Handled, HandlerError> {
    match event_source(&event) {
        Some("aws:ses") => {
            let Some(arrivals) = ses_arrivals(event) else {
                // Redelivering an event that cannot be read would never help.
                tracing::error!("undecodable SES event dropped");
                return Ok(Handled::Ses(Vec::new()));
            };
            let mut outcomes = Vec::new();
            for arrival in arrivals {
                let outcome = deps
                    .inbound
                    .receive(&arrival)
                    .await
                    .map_err(HandlerError::Retry)?;
                tracing::info!(message_id = %arrival.message_id, status = outcome.status, "email handled");
                outcomes.push(outcome);
            }
            Ok(Handled::Ses(outcomes))
        }
        Some("aws:sqs") => {
            let event: SqsEvent = serde_json::from_value(event).map_err(HandlerError::Malformed)?;
            Ok(Handled::Sqs(queue_batch(deps, event).await))
        }
        _ => Err(HandlerError::UnknownEvent),
    }
}

/// The deliveries of an SES receipt event; `None` when it cannot be read.
fn ses_arrivals(event: Value) -> Option<Vec<Arrival>> {
    let event: SimpleEmailEvent = serde_json::from_value(event).ok()?;
    let arrivals = event.records.into_iter().map(|record| {
        let ses = record.ses;
        Arrival {
            message_id: ses.mail.message_id.unwrap_or_default(),
            recipients: ses.receipt.recipients,
            spam_verdict: ses.receipt.spam_verdict.status,
            virus_verdict: ses.receipt.virus_verdict.status,
            spf_verdict: ses.receipt.spf_verdict.status,
            dkim_verdict: ses.receipt.dkim_verdict.status,
            attempt: 0,
        }
    });
    Some(arrivals.collect())
}

/// A record of Lambda's on-failure destination: the invocation that failed.
#[derive(Deserialize)]
struct FailedInvocation {
    #[serde(rename = "requestPayload")]
    request_payload: Value,
    #[serde(rename = "responsePayload", default)]
    response_payload: Option<Value>,
}

/// The deliveries a queue message carries: one retry, or the SES records of a failed
/// invocation. `None` for a message that can never be read.
fn queued_arrivals(body: &str) -> Option<Vec<Arrival>> {
    if let Ok(retry) = serde_json::from_str::<RetryMessage>(body) {
        return Some(vec![retry.into_arrival()]);
    }
    let failed: FailedInvocation = serde_json::from_str(body).ok()?;
    // The failed run's own error text (ours, written as a redacted chain), as a string.
    let error = failed
        .response_payload
        .as_ref()
        .and_then(|p| p.get("errorMessage"))
        .and_then(Value::as_str)
        .unwrap_or("unknown");
    tracing::warn!(
        error,
        "an SES delivery that failed past Lambda's retries, delivered again"
    );
    ses_arrivals(failed.request_payload)
}

/// Each queue message on its own. One that fails is reported for redelivery, with a
/// visibility that doubles with each receive; on its last receive it is logged `failed`
/// with the reason instead. One that cannot be read can never succeed and is dropped
/// with a log line.
async fn queue_batch(deps: &Deps, event: SqsEvent) -> SqsBatchResponse {
    let mut response = SqsBatchResponse::default();
    for message in event.records {
        let id = message.message_id.clone().unwrap_or_default();
        let receives: u32 = message
            .attributes
            .get("ApproximateReceiveCount")
            .and_then(|n| n.parse().ok())
            .unwrap_or(1);
        let Some(arrivals) = queued_arrivals(message.body.as_deref().unwrap_or_default()) else {
            tracing::error!(message_id = %id, "unreadable queue message dropped");
            continue;
        };
        let mut failed = false;
        for arrival in arrivals {
            let handled = match deps.inbound.receive(&arrival).await {
                Err(err) if receives >= timing::MAX_RECEIVES => {
                    deps.inbound.give_up(&arrival, &err).await
                }
                handled => handled,
            };
            match handled {
                Ok(outcome) => tracing::info!(status = outcome.status, "queued email handled"),
                Err(err) => {
                    tracing::warn!(message_id = %id, receives, error = %err, "queued email failed; redelivered");
                    failed = true;
                }
            }
        }
        if failed {
            back_off(deps, &message, receives).await;
            let mut failure = BatchItemFailure::default();
            failure.item_identifier = id;
            response.batch_item_failures.push(failure);
        }
    }
    response
}

/// Keeps a failed message away for longer with each receive.
async fn back_off(deps: &Deps, message: &SqsMessage, receives: u32) {
    let queue = message
        .event_source_arn
        .as_deref()
        .and_then(|arn| arn.rsplit(':').next());
    let url = [&deps.inbound.retry_queue_url, &deps.failure_queue_url]
        .into_iter()
        .find(|url| queue.is_some_and(|name| url.ends_with(&format!("/{name}"))));
    let (Some(url), Some(handle)) = (url, &message.receipt_handle) else {
        return;
    };
    let changed = deps
        .inbound
        .sqs
        .change_message_visibility()
        .queue_url(url)
        .receipt_handle(handle)
        .visibility_timeout(timing::backoff_seconds(receives))
        .send()
        .await;
    if let Err(err) = changed {
        tracing::warn!(error = %err, "visibility not extended; the queue's own timeout applies");
    }
}
