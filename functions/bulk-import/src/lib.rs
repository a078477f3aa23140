//! The bulk import door: its queue carries the bulk bucket's S3 events (an upload
//! starts an import) and the import's own chunk messages (one chunk each). Everything
//! it decides lives in `shared::bulk`; this crate reads the messages.

use aws_lambda_events::event::s3::S3Event;
use aws_lambda_events::event::sqs::{SqsBatchResponse, SqsEvent};
use shared::bulk::{BulkError, BulkImporter, ChunkMessage, Upload};
use std::time::Duration;

pub type Deps = BulkImporter;

/// Each message on its own, within `budget`: one that failed in a way a retry may fix
/// is reported for redelivery; one that cannot be read never will be, and is dropped
/// with a log line.
pub async fn handle(deps: &Deps, event: SqsEvent, budget: Duration) -> SqsBatchResponse {
    // Boxed: a chunk's future is deep enough to overflow the layout limit.
    shared::batch::sqs(event, |body, received| async move {
        Box::pin(one(deps, &body, received, budget)).await
    })
    .await
}

async fn one(deps: &Deps, body: &str, received: u32, budget: Duration) -> Result<(), BulkError> {
    if let Ok(chunk) = serde_json::from_str::<ChunkMessage>(body) {
        return deps.chunk(&chunk, received, budget).await;
    }
    match serde_json::from_str::<S3Event>(body) {
        Ok(event) => {
            for record in event.records {
                let object = record.s3.object;
                // URL-encoded in the event; a bulk import's own keys need no decoding.
                let Some(key) = object.key else {
                    continue;
                };
                let upload = Upload {
                    key,
                    size: object.size.map_or(0, |size| size.max(0) as u64),
                    etag: object.e_tag,
                };
                deps.uploaded(&upload).await?;
            }
            Ok(())
        }
        // S3's test event when the notification is set up, and anything else.
        Err(_) => {
            tracing::info!("a message that is neither an upload nor a chunk: dropped");
            Ok(())
        }
    }
}
