//! The forwarder. The table's stream (new leads, deliveries that start a round of
//! attempts) and the attempts queue (one attempt a message, retries as delayed
//! messages) trigger it; everything it decides lives in `shared::forwarding`. Records
//! and messages are handled one by one, and only the ones a retry may fix are reported
//! back for redelivery.

use aws_lambda_events::event::dynamodb::Event;
use aws_lambda_events::event::sqs::{BatchItemFailure, SqsBatchResponse, SqsEvent};
use aws_lambda_events::event::streams::{DynamoDbBatchItemFailure, DynamoDbEventResponse};
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
    let mut response = DynamoDbEventResponse::default();
    for record in event.records {
        let id = record
            .change
            .sequence_number
            .clone()
            .unwrap_or_else(|| record.event_id.clone());
        if let Err(err) = deps
            .on_record(&record.event_name, record.change.new_image)
            .await
        {
            tracing::warn!(record = %id, error = %err, cause = ?err, "record reported for retry");
            let mut failure = DynamoDbBatchItemFailure::default();
            failure.item_identifier = Some(id);
            response.batch_item_failures.push(failure);
        }
    }
    response
}

/// Attempt messages, each on its own.
pub async fn queue(deps: &Deps, event: SqsEvent) -> SqsBatchResponse {
    let mut response = SqsBatchResponse::default();
    for message in event.records {
        let id = message.message_id.unwrap_or_default();
        let received = message
            .attributes
            .get("ApproximateReceiveCount")
            .and_then(|count| count.parse().ok())
            .unwrap_or(1);
        let body = message.body.unwrap_or_default();
        if let Err(err) = deps.on_message(&body, received).await {
            tracing::warn!(message_id = %id, error = %err, cause = ?err, "attempt message redelivered");
            let mut failure = BatchItemFailure::default();
            failure.item_identifier = id;
            response.batch_item_failures.push(failure);
        }
    }
    response
}
