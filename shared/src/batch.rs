//! Lambda's SQS and DynamoDB stream batches, record by record: a record whose handling
//! failed in a way a retry may fix is reported back for redelivery
//! (`ReportBatchItemFailures`), and everything else counts as done.

use aws_lambda_events::event::dynamodb::Event;
use aws_lambda_events::event::sqs::{BatchItemFailure, SqsBatchResponse, SqsEvent};
use aws_lambda_events::event::streams::{DynamoDbBatchItemFailure, DynamoDbEventResponse};
use std::future::Future;

/// Each message's body and receive count (how often the queue has handed it out) to
/// `one`, in order; the messages it fails are reported for redelivery.
pub async fn sqs<F, Fut, E>(event: SqsEvent, mut one: F) -> SqsBatchResponse
where
    F: FnMut(String, u32) -> Fut,
    Fut: Future<Output = Result<(), E>>,
    E: std::error::Error,
{
    let mut response = SqsBatchResponse::default();
    for message in event.records {
        let id = message.message_id.unwrap_or_default();
        let received = message
            .attributes
            .get("ApproximateReceiveCount")
            .and_then(|count| count.parse().ok())
            .unwrap_or(1);
        if let Err(err) = one(message.body.unwrap_or_default(), received).await {
            tracing::warn!(message_id = %id, error = %crate::http::chain(&err), "message redelivered");
            let mut failure = BatchItemFailure::default();
            failure.item_identifier = id;
            response.batch_item_failures.push(failure);
        }
    }
    response
}

/// Each stream record's event name and new image to `one`, in order; the records it
/// fails are reported for retry.
pub async fn stream<F, Fut, E>(event: Event, mut one: F) -> DynamoDbEventResponse
where
    F: FnMut(String, serde_dynamo::Item) -> Fut,
    Fut: Future<Output = Result<(), E>>,
    E: std::error::Error,
{
    let mut response = DynamoDbEventResponse::default();
    for record in event.records {
        let id = record
            .change
            .sequence_number
            .clone()
            .unwrap_or_else(|| record.event_id.clone());
        if let Err(err) = one(record.event_name, record.change.new_image).await {
            tracing::warn!(record = %id, error = %crate::http::chain(&err), "record reported for retry");
            let mut failure = DynamoDbBatchItemFailure::default();
            failure.item_identifier = Some(id);
            response.batch_item_failures.push(failure);
        }
    }
    response
}
