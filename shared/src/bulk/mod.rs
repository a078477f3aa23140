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

mod records;
mod rows;

pub use records::{decode, sniff_delimiter, RecordTooLong, Records};
pub use rows::{failures_csv, row_hash, ERROR_COLUMN, ROW_COLUMN};

use crate::domain::{BulkImport, BulkImportId, BulkStatus, Connector, WorkspaceId};
use crate::domain::{LeadId, RequestOrigin};
use crate::mapping;
use crate::pipeline::{self, Aftercare, Delivery, Outcome};
use crate::queue::{Queue, QueueError};
use crate::store::{Lease, Store, StoreError};
use aws_sdk_s3::error::ProvideErrorMetadata;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

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

/// How a chunk ended.
enum Ended {
    /// The file is read to its end.
    File,
    /// The chunk's share is read; the next chunk goes on.
    Chunk,
    /// The file cannot be read on: the import fails with this reason.
    Unreadable(String),
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
        let Some(connector) = self.store.connector(ws, &import.connector_id).await? else {
            let reason = "the connector was deleted".to_owned();
            return self.finish(import, Ended::Unreadable(reason)).await;
        };
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

/// One chunk being read.
struct Reading<'a> {
    importer: &'a BulkImporter,
    connector: &'a Connector,
    import: BulkImport,
    /// Rows still to read that a stopped worker may have stored already.
    redo: u64,
}

impl Reading<'_> {
    async fn read(&mut self, budget: Duration) -> Result<Ended, BulkError> {
        let started = Instant::now();
        let importer = self.importer;
        let mut request = importer
            .s3
            .get_object()
            .bucket(&importer.bucket)
            .key(&self.import.object_key)
            .set_if_match(self.import.etag.as_ref().map(|etag| format!("\"{etag}\"")));
        if self.import.offset > 0 {
            request = request.range(format!("bytes={}-", self.import.offset));
        }
        let mut body = match request.send().await {
            Ok(object) => object.body,
            Err(err) => return unreadable(err),
        };
        let mut delimiter = self
            .import
            .delimiter
            .as_deref()
            .and_then(|d| d.bytes().next());
        let mut records: Option<Records> = None;
        let mut eof = false;
        let mut read = 0;
        loop {
            let next = match records.as_mut() {
                Some(records) => records.next(eof),
                None => Ok(None),
            };
            let record = match next {
                Ok(Some(record)) => record,
                Ok(None) if eof => return self.end_of_file(),
                Ok(None) => {
                    match body.next().await {
                        Some(Ok(bytes)) => {
                            let delimiter =
                                *delimiter.get_or_insert_with(|| sniff_delimiter(&bytes));
                            let offset = self.import.offset;
                            records
                                .get_or_insert_with(|| Records::new(delimiter, offset))
                                .push(&bytes);
                        }
                        Some(Err(err)) => return Err(BulkError::Read(Box::new(err))),
                        None => {
                            eof = true;
                            let offset = self.import.offset;
                            records.get_or_insert_with(|| Records::new(b',', offset));
                        }
                    }
                    continue;
                }
                Err(too_long) => return Ok(Ended::Unreadable(too_long.to_string())),
            };
            if self.import.header.is_empty() {
                self.import.header = records::header(&record.cells);
                self.import.delimiter = delimiter.map(|d| char::from(d).to_string());
                self.import.offset = record.end;
                continue;
            }
            let cells: Vec<String> = record.cells.iter().map(|c| decode(c)).collect();
            let offset = record.end;
            if cells.iter().all(|cell| cell.trim().is_empty()) {
                self.import.offset = offset;
                continue;
            }
            self.row(cells).await?;
            self.import.offset = offset;
            read += 1;
            if self.import.counts.rows.is_multiple_of(CHECKPOINT_ROWS) {
                importer.store.checkpoint_bulk(&self.import, false).await?;
            }
            if read >= importer.rows_per_chunk || started.elapsed() >= budget {
                return Ok(Ended::Chunk);
            }
        }
    }

    fn end_of_file(&self) -> Result<Ended, BulkError> {
        Ok(match self.import.header.is_empty() {
            true => Ended::Unreadable("the file is empty: a header row is needed".to_owned()),
            false => Ended::File,
        })
    }

    /// One data row through the pipeline, counted (and kept when it failed).
    async fn row(&mut self, cells: Vec<String>) -> Result<(), BulkError> {
        let store = &self.importer.store;
        let connector = self.connector;
        let row = self.import.counts.rows + 2;
        let pairs = rows::pairs(&self.import.header, &cells);
        let raw: BTreeMap<_, _> = pairs.iter().cloned().collect();
        let raw = serde_json::to_string(&raw).unwrap_or_default();
        let marker = origin(&self.import.id, row);
        let delivery = Delivery {
            raw: &raw,
            origin: RequestOrigin {
                source_ip: None,
                user_agent: Some(marker.clone()),
                // The row as JSON under its labels.
                content_type: Some("application/json".to_owned()),
            },
        };
        let aftercare = Aftercare {
            speed_to_lead: self.import.speed_to_lead,
            forward: self.import.forward,
        };
        let outcome = match rows::payload(&pairs) {
            Ok(payload) => {
                let mut candidate = mapping::map(&payload, &connector.field_aliases);
                let own_id = candidate.external_id.as_deref().map(str::trim);
                if own_id.is_none_or(str::is_empty) {
                    candidate.external_id = Some(row_hash(&pairs));
                }
                pipeline::import_with(store, connector, candidate, &delivery, aftercare).await?
            }
            Err(err) => {
                let entry = pipeline::record(store.clock(), connector, &delivery);
                pipeline::fail(store, entry, err.to_string(), Vec::new()).await?
            }
        };
        let redone = self.redo > 0;
        self.redo = self.redo.saturating_sub(1);
        let made_here = match &outcome {
            Outcome::Replayed(receipt) if redone => {
                self.made_here(&receipt.lead_id, &marker).await?
            }
            _ => false,
        };
        let counts = &mut self.import.counts;
        counts.rows += 1;
        match &outcome {
            Outcome::Imported(_) => counts.imported += 1,
            Outcome::Replayed(_) if made_here => counts.imported += 1,
            Outcome::Replayed(_) => counts.replayed += 1,
            Outcome::Held { .. } => counts.held += 1,
            Outcome::Failed { .. } | Outcome::Ignored { .. } | Outcome::Inactive { .. } => {
                counts.failed += 1;
                if self.import.failures_kept < BulkImport::MAX_FAILURES_KEPT {
                    let reason = outcome.reason().unwrap_or_default();
                    let failed = rows::failed_row(row, &cells, reason);
                    let (ws, id) = (&self.import.workspace_id, &self.import.id);
                    store.keep_failed_row(ws, id, &failed).await?;
                    self.import.failures_kept += 1;
                }
            }
        }
        Ok(())
    }

    /// Whether the earlier lead a replay names was made by this very row (by a worker
    /// stopped before its checkpoint).
    async fn made_here(&self, lead_id: &LeadId, marker: &str) -> Result<bool, StoreError> {
        let store = &self.importer.store;
        let ws = &self.import.workspace_id;
        let Some(lead) = store.lead(ws, lead_id).await? else {
            return Ok(false);
        };
        let entry = store.import(ws, &lead.import_id).await?;
        Ok(entry.is_some_and(|entry| entry.origin.user_agent.as_deref() == Some(marker)))
    }
}

/// Who sent a row, as its import-log entry says: the import and the row's number.
fn origin(id: &BulkImportId, row: u64) -> String {
    format!("bulk import {id} row {row}")
}

/// A file S3 would not hand out: gone or replaced (the import fails), or a failure a
/// retry may fix.
fn unreadable<E, R>(err: aws_sdk_s3::error::SdkError<E, R>) -> Result<Ended, BulkError>
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug + Send + Sync + 'static,
{
    match err.code() {
        Some("NoSuchKey") => Ok(Ended::Unreadable("the uploaded file is gone".to_owned())),
        Some("PreconditionFailed") => Ok(Ended::Unreadable(
            "the file was replaced while it was being imported: create a new bulk import"
                .to_owned(),
        )),
        Some("InvalidRange") => Ok(Ended::File),
        _ => Err(BulkError::Read(Box::new(err))),
    }
}
