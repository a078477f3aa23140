//! The table's stream (new lead items with speed-to-lead on, new pending reviews): the
//! immediate follow-up through SES, sent once. Records are handled in order; only the
//! ones that failed in a way a retry can fix are reported back, so Lambda retries those
//! and the claims in the table keep everything else from being sent twice. The same
//! batches count import entries on their connectors (one write per connector per
//! batch, so that no intake writes a connector's counts). Also the review-digest queue:
//! a window's digest scheduled for reviews that came after the window's first.

use aws_lambda_events::event::dynamodb::Event;
use aws_lambda_events::event::dynamodb::EventRecord;
use aws_lambda_events::event::sqs::{SqsBatchResponse, SqsEvent};
use aws_lambda_events::event::streams::{DynamoDbBatchItemFailure, DynamoDbEventResponse};
use serde_json::Value;
use shared::followup::{DueDigest, FollowUps};
use shared::store::{ImportChange, Store, StoreError};

/// What the handler needs, built once per cold start.
#[derive(Debug, Clone)]
pub struct Deps {
    pub followups: FollowUps,
}

/// What one invocation did, by trigger.
#[derive(Debug, serde::Serialize)]
#[serde(untagged)]
pub enum Handled {
    Stream(DynamoDbEventResponse),
    Queue(SqsBatchResponse),
}

/// An invocation from either trigger: the digest queue (SQS) or the table's stream.
pub async fn handle_any(deps: &Deps, event: Value) -> Result<Handled, serde_json::Error> {
    if event["Records"][0]["eventSource"].as_str() == Some("aws:sqs") {
        let event: SqsEvent = serde_json::from_value(event)?;
        // Boxed: the follow-up futures are deep enough to overflow the layout limit.
        return Ok(Handled::Queue(Box::pin(due_digests(deps, event)).await));
    }
    let event: Event = serde_json::from_value(event)?;
    Ok(Handled::Stream(Box::pin(handle(deps, event)).await))
}

/// A record's identifier for a batch item failure.
fn record_id(record: &EventRecord) -> String {
    let sequence = record.change.sequence_number.clone();
    sequence.unwrap_or_else(|| record.event_id.clone())
}

/// Counts the import entries of `records` on their connectors; answers the identifier
/// of the first one when counting failed (Lambda delivers from there again, and what
/// was counted already is not counted twice).
pub async fn count_imports(store: &Store, records: &[EventRecord]) -> Result<(), String> {
    let changes: Vec<(String, ImportChange)> = records
        .iter()
        .filter_map(|record| {
            let id = record_id(record);
            let change = &record.change;
            ImportChange::of(
                &record.event_name,
                &id,
                &change.old_image,
                &change.new_image,
            )
            .map(|import| (id, import))
        })
        .collect();
    let Some((first, _)) = changes.first() else {
        return Ok(());
    };
    let imports: Vec<ImportChange> = changes.iter().map(|(_, c)| c.clone()).collect();
    store
        .count_imports(&imports)
        .await
        .map_err(|err: StoreError| {
            tracing::warn!(error = %shared::http::chain(&err), "import counts will be retried");
            first.clone()
        })
}

pub async fn handle(deps: &Deps, event: Event) -> DynamoDbEventResponse {
    let counted = count_imports(&deps.followups.store, &event.records).await;
    let mut response = shared::batch::stream(event, |name, image| async move {
        deps.followups.process(&name, image).await
    })
    .await;
    if let Err(id) = counted {
        let mut failure = DynamoDbBatchItemFailure::default();
        failure.item_identifier = Some(id);
        response.batch_item_failures.push(failure);
    }
    response
}

/// The digests scheduled for their window; one that failed is delivered again, one that
/// cannot be read never could be and is dropped with a log line.
pub async fn due_digests(deps: &Deps, event: SqsEvent) -> SqsBatchResponse {
    shared::batch::sqs(event, |body, _| async move {
        let Ok(due) = serde_json::from_str::<DueDigest>(&body) else {
            tracing::error!("unreadable digest message dropped");
            return Ok(());
        };
        deps.followups.due_digest(&due).await
    })
    .await
}
