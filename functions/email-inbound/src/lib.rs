//! The email door. Triggered by the SES receipt rule (after its S3 action stored the
//! raw message) and by the retry queue (when SES invoked us before the body landed).
//! Everything it decides lives in `shared::inbound`; this crate reads the two events.

use aws_lambda_events::event::ses::SimpleEmailEvent;
use aws_lambda_events::event::sqs::{BatchItemFailure, SqsBatchResponse, SqsEvent};
use serde_json::Value;
use shared::inbound::{Arrival, EmailOutcome, Inbound, InboundError, RetryMessage};

pub type Deps = Inbound;

#[derive(Debug, thiserror::Error)]
pub enum HandlerError {
    #[error("the event is neither an SES receipt nor an SQS batch")]
    UnknownEvent,
    #[error("the SES event is malformed")]
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
            let event: SimpleEmailEvent =
                serde_json::from_value(event).map_err(HandlerError::Malformed)?;
            let mut outcomes = Vec::new();
            for record in event.records {
                let ses = record.ses;
                let arrival = Arrival {
                    message_id: ses.mail.message_id.unwrap_or_default(),
                    recipients: ses.receipt.recipients,
                    spam_verdict: ses.receipt.spam_verdict.status,
                    virus_verdict: ses.receipt.virus_verdict.status,
                    attempt: 0,
                };
                let outcome = deps.receive(&arrival).await.map_err(HandlerError::Retry)?;
                tracing::info!(message_id = %arrival.message_id, status = outcome.status, "email handled");
                outcomes.push(outcome);
            }
            Ok(Handled::Ses(outcomes))
        }
        Some("aws:sqs") => {
            let event: SqsEvent = serde_json::from_value(event).map_err(HandlerError::Malformed)?;
            Ok(Handled::Sqs(retry_batch(deps, event).await))
        }
        _ => Err(HandlerError::UnknownEvent),
    }
}

/// Each retry message on its own: a failed one is reported for redelivery; one that
/// cannot be read can never succeed and is dropped with a log line.
async fn retry_batch(deps: &Deps, event: SqsEvent) -> SqsBatchResponse {
    let mut response = SqsBatchResponse::default();
    for message in event.records {
        let id = message.message_id.unwrap_or_default();
        let body = message.body.unwrap_or_default();
        let retry: RetryMessage = match serde_json::from_str(&body) {
            Ok(retry) => retry,
            Err(err) => {
                tracing::error!(message_id = %id, error = %err, "unreadable retry message dropped");
                continue;
            }
        };
        match deps.receive(&retry.into_arrival()).await {
            Ok(outcome) => tracing::info!(status = outcome.status, "email retry handled"),
            Err(err) => {
                tracing::warn!(message_id = %id, error = %err, "email retry failed; redelivered");
                let mut failure = BatchItemFailure::default();
                failure.item_identifier = id;
                response.batch_item_failures.push(failure);
            }
        }
    }
    response
}
