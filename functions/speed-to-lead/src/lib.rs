//! The table's stream (new lead items with speed-to-lead on, new pending reviews): the
//! immediate follow-up through SES, sent once. Records are handled in order; only the
//! ones that failed in a way a retry can fix are reported back, so Lambda retries those
//! and the claims in the table keep everything else from being sent twice.

use aws_lambda_events::event::dynamodb::Event;
use aws_lambda_events::event::streams::{DynamoDbBatchItemFailure, DynamoDbEventResponse};
use shared::followup::FollowUps;

/// What the handler needs, built once per cold start.
#[derive(Debug, Clone)]
pub struct Deps {
    pub followups: FollowUps,
}

pub async fn handle(deps: &Deps, event: Event) -> DynamoDbEventResponse {
    let mut response = DynamoDbEventResponse::default();
    for record in event.records {
        let id = record
            .change
            .sequence_number
            .clone()
            .unwrap_or_else(|| record.event_id.clone());
        let outcome = deps
            .followups
            .process(&record.event_name, record.change.new_image)
            .await;
        if let Err(err) = outcome {
            tracing::warn!(record = %id, error = %err, cause = ?err, "record reported for retry");
            let mut failure = DynamoDbBatchItemFailure::default();
            failure.item_identifier = Some(id);
            response.batch_item_failures.push(failure);
        }
    }
    response
}
