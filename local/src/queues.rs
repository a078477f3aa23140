//! The SQS event source mapping, locally: receive a batch from a queue, hand it to a
//! function as Lambda's SQS event, and delete what the function did not report as
//! failed (those come back after their visibility timeout, as with Lambda).

use serde_json::{json, Value};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

/// The SQS event Lambda delivers for received messages (with their system attributes,
/// such as `ApproximateReceiveCount`).
pub fn sqs_event(queue_arn: &str, messages: &[aws_sdk_sqs::types::Message]) -> Value {
    let records: Vec<Value> = messages
        .iter()
        .map(|m| {
            let attributes: serde_json::Map<String, Value> = m
                .attributes
                .iter()
                .flatten()
                .map(|(name, value)| (name.as_str().to_owned(), Value::from(value.as_str())))
                .collect();
            json!({
                "messageId": m.message_id, "receiptHandle": m.receipt_handle, "body": m.body,
                "attributes": attributes, "messageAttributes": {}, "md5OfBody": m.md5_of_body,
                "eventSource": "aws:sqs", "eventSourceARN": queue_arn, "awsRegion": "us-east-1",
            })
        })
        .collect();
    json!({ "Records": records })
}

/// The ARN Lambda names a queue by, for the queue at `url` (its last path segment).
pub fn queue_arn(url: &str) -> String {
    let name = url.rsplit('/').next().unwrap_or_default();
    format!("arn:aws:sqs:us-east-1:000000000000:{name}")
}

/// Receives one batch from the queue at `url` (waiting up to `wait_seconds`), hands its
/// event to `handler`, which answers the ids of the messages that failed (`None`: all
/// did), and deletes the others. Answers how many messages it delivered.
pub async fn deliver<F, Fut>(
    sqs: &aws_sdk_sqs::Client,
    url: &str,
    wait_seconds: i32,
    handler: F,
) -> usize
where
    F: FnOnce(Value) -> Fut,
    Fut: Future<Output = Option<Vec<String>>>,
{
    let received = sqs
        .receive_message()
        .queue_url(url)
        .max_number_of_messages(10)
        .wait_time_seconds(wait_seconds)
        .message_system_attribute_names(aws_sdk_sqs::types::MessageSystemAttributeName::All)
        .send()
        .await;
    let messages = match received {
        Ok(output) => output.messages.unwrap_or_default(),
        Err(err) => {
            tracing::warn!(error = %err, "queue not readable");
            return 0;
        }
    };
    if messages.is_empty() {
        return 0;
    }
    let failed = handler(sqs_event(&queue_arn(url), &messages)).await;
    for message in &messages {
        let id = message.message_id.clone().unwrap_or_default();
        if failed.as_ref().is_none_or(|failed| failed.contains(&id)) {
            continue;
        }
        let _ = sqs
            .delete_message()
            .queue_url(url)
            .set_receipt_handle(message.receipt_handle.clone())
            .send()
            .await;
    }
    messages.len()
}

/// The ids of the messages a batch response reports as failed.
pub fn failed_ids(response: aws_lambda_events::event::sqs::SqsBatchResponse) -> Vec<String> {
    let failures = response.batch_item_failures.into_iter();
    failures.map(|failure| failure.item_identifier).collect()
}

/// Delivers the review-digest queue to speed-to-lead (one batch).
pub async fn deliver_due_digests(deps: &speed_to_lead::Deps, wait_seconds: i32) -> usize {
    let digests = &deps.followups.digests;
    deliver(
        &digests.sqs,
        &digests.url,
        wait_seconds,
        |event| async move {
            match speed_to_lead::handle_any(deps, event).await {
                Ok(speed_to_lead::Handled::Queue(response)) => Some(failed_ids(response)),
                _ => None,
            }
        },
    )
    .await
}

/// Polls the review-digest queue for as long as the process runs, like its trigger.
pub async fn poll_due_digests(deps: speed_to_lead::Deps) {
    loop {
        if deliver_due_digests(&deps, 1).await == 0 {
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
    }
}

/// A queue's function, for [`poll`]: an SQS event in, the ids of the messages that
/// failed out (`None`: all did).
pub type QueueHandler =
    Arc<dyn Fn(Value) -> Pin<Box<dyn Future<Output = Option<Vec<String>>> + Send>> + Send + Sync>;

/// Polls the queue at `url` for as long as the process runs, like its trigger.
pub async fn poll(sqs: aws_sdk_sqs::Client, url: String, handler: QueueHandler) {
    loop {
        let handler = handler.clone();
        if deliver(&sqs, &url, 1, move |event| handler(event)).await == 0 {
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }
}

/// The forwarder's attempts queue.
pub fn forwarder(deps: forwarder::Deps) -> QueueHandler {
    let deps = Arc::new(deps);
    Arc::new(move |event| {
        let deps = deps.clone();
        Box::pin(async move {
            match forwarder::handle(&deps, event).await {
                Ok(forwarder::Handled::Queue(response)) => Some(failed_ids(response)),
                _ => None,
            }
        })
    })
}

/// The bulk import queue; each chunk may take `budget`.
pub fn bulk_import(deps: bulk_import::Deps, budget: Duration) -> QueueHandler {
    let deps = Arc::new(deps);
    Arc::new(move |event| {
        let deps = deps.clone();
        Box::pin(async move {
            let event = serde_json::from_value(event).ok()?;
            Some(failed_ids(bulk_import::handle(&deps, event, budget).await))
        })
    })
}
