//! The forwarder. The table's stream (new leads, deliveries that start a round of
//! attempts) and the attempts queue (one attempt a message, retries as delayed
//! messages) trigger it; everything it decides lives in `shared::forwarding`. Records
//! and messages are handled one by one, and only the ones a retry may fix are reported
//! back for redelivery.

use aws_lambda_events::event::dynamodb::Event;
use aws_lambda_events::event::sqs::{SqsBatchResponse, SqsEvent};
use aws_lambda_events::event::streams::DynamoDbEventResponse;
use serde_json::Value;
use shared::forwarding::Forwarder;

pub type Deps = Forwarder;

#[derive(Debug, thiserror::Error)]
pub enum HandlerError {
    #[error("the event is neither a DynamoDB stream batch nor an SQS batch")]
    UnknownEvent,
    #[error("the event is malformed")]
    Malformed(#[source] serde_json::Error),
}

/// What one invocation answers: the records or messages to deliver again.
#[derive(Debug, serde::Serialize)]
#[serde(untagged)]
pub enum Handled {
    Stream(DynamoDbEventResponse),
    Queue(SqsBatchResponse),
}

pub async fn handle(deps: &Deps, event: Value) -> Result<Handled, HandlerError> {
    let source = event
        .get("Records")
        .and_then(|records| records.get(0))
        .and_then(|record| record.get("eventSource"))
        .and_then(Value::as_str);
    match source {
        Some("aws:dynamodb") => {
            let event = serde_json::from_value(event).map_err(HandlerError::Malformed)?;
            // Boxed: the attempt's future is deep enough to overflow the layout limit.
            Ok(Handled::Stream(Box::pin(stream(deps, event)).await))
        }
        Some("aws:sqs") => {
            let event = serde_json::from_value(event).map_err(HandlerError::Malformed)?;
            Ok(Handled::Queue(Box::pin(queue(deps, event)).await))
        }
        _ => Err(HandlerError::UnknownEvent),
    }
}

/// Stream records in order: new leads become deliveries, a delivery that starts a
/// round gets its first attempt queued.
pub async fn stream(deps: &Deps, event: Event) -> DynamoDbEventResponse {
    shared::batch::stream(event, |name, image| async move {
        deps.on_record(&name, image).await
    })
    .await
}

/// Attempt messages, each on its own.
pub async fn queue(deps: &Deps, event: SqsEvent) -> SqsBatchResponse {
    shared::batch::sqs(event, |body, received| async move {
        deps.on_message(&body, received).await
    })
    .await
}
