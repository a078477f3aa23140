//! Bulk import: a CSV of past leads, uploaded to S3, read as it streams in chunk after
//! chunk, every row through the same pipeline as a live lead (validation, defaults,
//! territory, client merge) with speed-to-lead and forwarding off unless asked for.
//!
//! The upload's S3 event starts an import; each chunk is one queue message, handled by
//! one worker at a time (a lease on the import item), checkpointed every
//! [`CHECKPOINT_ROWS`] rows (byte offset and counts). A worker stopped mid-chunk leaves
//! its message in the queue: its redelivery resumes at the checkpoint, and a row read
//! again that finds the lead this very row made counts as imported, not replayed. A
//! row's external id (its own column, or a hash of the row) makes a re-upload replay.

mod reading;
mod records;
mod rows;

pub use records::{decode, sniff_delimiter, RecordTooLong, Records};
pub use rows::{failures_csv, row_hash, ERROR_COLUMN, ROW_COLUMN};

use crate::domain::{BulkImport, BulkImportId, BulkStatus, WorkspaceId};
use crate::queue::{Queue, QueueError};
use crate::store::{Lease, Store, StoreError};
use reading::{Ended, Reading};
use serde::{Deserialize, Serialize};
use std::time::Duration;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Rows between two checkpoints: at most this many are read again after a stop.
pub const CHECKPOINT_ROWS: u64 = 25;
/// How long a chunk holds its import: past the function's time-out (900 s), short of
/// the queue's visibility time-out (960 s).
const HOLD_SECONDS: i64 = 930;

/// Where uploads for `import` land in the bulk bucket.
pub fn object_key(workspace_id: &WorkspaceId, id: &BulkImportId) -> String {
    format!("bulk/{workspace_id}/{id}.csv")
}

/// The workspace and import an object key names, if it is one of [`object_key`]'s.
pub fn parse_object_key(key: &str) -> Option<(WorkspaceId, BulkImportId)> {
    let rest = key.strip_prefix("bulk/")?.strip_suffix(".csv")?;
    let (ws, id) = rest.split_once('/')?;
    let plain = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric());
    (plain(ws) && plain(id)).then(|| (ws.into(), id.into()))
}

/// The message that asks for one chunk of an import.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChunkMessage {
    pub workspace_id: WorkspaceId,
    pub bulk_import_id: BulkImportId,
    pub chunk: u32,
}

/// An upload as its S3 event tells it.
#[derive(Debug, Clone, PartialEq)]
pub struct Upload {
    pub key: String,
    pub size: u64,
    pub etag: Option<String>,
}

/// Why a message should be delivered again.
#[derive(Debug, thiserror::Error)]
pub enum BulkError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Queue(#[from] QueueError),
    #[error("could not read the uploaded file")]
    Read(#[source] BoxError),
}

/// What the bulk importer needs, built once per cold start.
#[derive(Debug, Clone)]
pub struct BulkImporter {
    pub store: Store,
    pub s3: aws_sdk_s3::Client,
    pub bucket: String,
    /// The chunks queue (this function's trigger, which also gets the S3 events).
    pub chunks: Queue,
    /// Rows one chunk reads at most (the time budget may end it sooner).
    pub rows_per_chunk: u64,
    /// The largest file taken.
    pub max_file_bytes: u64,
}

impl BulkImporter {
    /// An upload arrived: its import starts, and its first chunk is queued.
    pub async fn uploaded(&self, upload: &Upload) -> Result<(), BulkError> {
        let Some((ws, id)) = parse_object_key(&upload.key) else {
            tracing::warn!(key = %upload.key, "an upload that is no bulk import's");
            return Ok(());
        };
        let Some(mut import) = self.store.bulk_import(&ws, &id).await? else {
            tracing::warn!(bulk_import_id = %id, "an upload for no known bulk import");
            return Ok(());
        };
        if import.status == BulkStatus::WaitingForUpload {
            let now = self.store.clock().stamp();
            if upload.size > self.max_file_bytes {
                import.status = BulkStatus::Failed;
                import.error = Some(format!(
                    "the file is {} bytes; the most a bulk import takes is {}",
                    upload.size, self.max_file_bytes
                ));
                import.finished_at = Some(now);
                return Ok(self.store.finish_bulk(&import).await?);
            }
            let etag = upload.etag.as_deref();
            if !self.store.start_bulk_import(&ws, &id, etag, &now).await? {
                return Ok(());
            }
            import.status = BulkStatus::Running;
            import.chunk = 0;
        }
        match (import.status, import.chunk) {
            // Again for a repeated event: a message too many is dropped by the lease.
            (BulkStatus::Running, 0) => Ok(self.queue_chunk(&import, 0).await?),
            _ => {
                tracing::warn!(bulk_import_id = %id, "a second upload for a started import is ignored");
                Ok(())
            }
        }
    }

    async fn queue_chunk(&self, import: &BulkImport, chunk: u32) -> Result<(), QueueError> {
        let message = ChunkMessage {
            workspace_id: import.workspace_id.clone(),
            bulk_import_id: import.id.clone(),
            chunk,
        };
        self.chunks.send(&message, 0).await
    }

    /// Reads one chunk of an import for at most `budget`. `receive_count` is how often
    /// the queue has handed this message out. `Err` means "deliver it again".
    pub async fn chunk(
        &self,
        message: &ChunkMessage,
        receive_count: u32,
        budget: Duration,
    ) -> Result<(), BulkError> {
        let (ws, id) = (&message.workspace_id, &message.bulk_import_id);
        let Some((import, lease)) = self.store.bulk_import_lease(ws, id).await? else {
            return Ok(());
        };
        if import.status != BulkStatus::Running || message.chunk > import.chunk {
            return Ok(());
        }
        if message.chunk < import.chunk {
            // This message's chunk settled; if it failed after that, its successor's
            // message may never have gone out.
            let follows = message.chunk + 1 == import.chunk && lease == Lease::Free;
            if follows && receive_count > 1 {
                self.queue_chunk(&import, import.chunk).await?;
            }
            return Ok(());
        }
        let now = self.store.clock().epoch();
        if !self
            .store
            .take_bulk_chunk(ws, id, message.chunk, now, HOLD_SECONDS)
            .await?
        {
            return Ok(());
        }
        let resumed = lease == Lease::Held;
        if resumed {
            tracing::info!(bulk_import_id = %id, offset = import.offset, "resuming a stopped chunk");
        }
        let Some(mut connector) = self.store.connector(ws, &import.connector_id).await? else {
            let reason = "the connector was deleted".to_owned();
            return self.finish(import, Ended::Unreadable(reason)).await;
        };
        // The workspace's retention once per chunk, not once per row.
        let workspace = self.store.workspace(ws).await?;
        connector.workspace_retention_days = workspace.map(|w| w.settings.retention_days);
        let mut reading = Reading {
            importer: self,
            connector: &connector,
            import,
            redo: if resumed { CHECKPOINT_ROWS } else { 0 },
        };
        let ended = reading.read(budget).await?;
        match ended {
            Ended::Chunk => {
                let import = reading.import;
                self.store.checkpoint_bulk(&import, true).await?;
                Ok(self.queue_chunk(&import, import.chunk + 1).await?)
            }
            ended => self.finish(reading.import, ended).await,
        }
    }

    async fn finish(&self, mut import: BulkImport, ended: Ended) -> Result<(), BulkError> {
        import.status = match ended {
            Ended::Unreadable(reason) => {
                import.error = Some(reason);
                BulkStatus::Failed
            }
            _ => BulkStatus::Done,
        };
        import.finished_at = Some(self.store.clock().stamp());
        tracing::info!(bulk_import_id = %import.id, status = import.status.key(), rows = import.counts.rows, "bulk import over");
        Ok(self.store.finish_bulk(&import).await?)
    }
}
