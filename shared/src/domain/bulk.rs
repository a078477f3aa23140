//! Bulk imports: one uploaded CSV of past leads, read in chunks with its progress
//! checkpointed, and the rows that failed.

use super::{BulkImportId, ConnectorId, WorkspaceId};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BulkStatus {
    WaitingForUpload,
    Running,
    Done,
    /// The file itself could not be read (too large, no header, not text).
    Failed,
}

impl BulkStatus {
    pub fn key(self) -> &'static str {
        match self {
            BulkStatus::WaitingForUpload => "waiting_for_upload",
            BulkStatus::Running => "running",
            BulkStatus::Done => "done",
            BulkStatus::Failed => "failed",
        }
    }
}

/// What became of the rows read so far.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct BulkCounts {
    pub rows: u64,
    pub imported: u64,
    pub replayed: u64,
    pub failed: u64,
    /// Rows the connector's rules sent to the review queue.
    pub held: u64,
}

/// One uploaded CSV and how far it has been read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BulkImport {
    pub id: BulkImportId,
    pub workspace_id: WorkspaceId,
    pub connector_id: ConnectorId,
    pub status: BulkStatus,
    /// Whether its leads get speed-to-lead (when the connector has it on) and are
    /// forwarded; both off unless asked for.
    #[serde(default)]
    pub speed_to_lead: bool,
    #[serde(default)]
    pub forward: bool,
    /// Where the upload lands in the bulk bucket.
    pub object_key: String,
    #[serde(default)]
    pub counts: BulkCounts,
    /// The byte after the last row settled, where a resumed read starts.
    #[serde(default)]
    pub offset: u64,
    /// Chunks finished; the next chunk's message carries this number.
    #[serde(default)]
    pub chunk: u32,
    /// The header row's labels and the delimiter, read once with the first chunk.
    #[serde(default)]
    pub header: Vec<String>,
    /// The uploaded object's ETag: a file replaced mid-import is not read on.
    #[serde(default)]
    pub etag: Option<String>,
    #[serde(default)]
    pub delimiter: Option<String>,
    /// Failed rows kept for the failures CSV (at most [`BulkImport::MAX_FAILURES_KEPT`]).
    #[serde(default)]
    pub failures_kept: u64,
    #[serde(default)]
    pub error: Option<String>,
    pub created_at: String,
    pub upload_expires_at: String,
    #[serde(default)]
    pub started_at: Option<String>,
    #[serde(default)]
    pub finished_at: Option<String>,
}

impl BulkImport {
    /// Failed rows beyond this many are counted, not kept.
    pub const MAX_FAILURES_KEPT: u64 = 1000;
}

/// A row that made no lead: its cells as read and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FailedRow {
    /// The row's number in the file, the header being row 1 (a spreadsheet's numbering).
    pub row: u64,
    pub cells: Vec<String>,
    pub reason: String,
}
