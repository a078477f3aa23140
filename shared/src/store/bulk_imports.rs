//! Bulk imports: the import item, which is also the lease on reading its file (one
//! worker a chunk, checkpointing as it goes), and its failed rows.
//!
//! The lease lives on the import item itself so that each checkpoint (offset, counts)
//! is written only while held; it lapses at `locked_until`, which is set past the
//! function's timeout, so a worker stopped mid-chunk is dead before another resumes.

use super::claim::{Check, ClaimItem, ClaimKind};
use super::keys;
use super::page::Source;
use super::{attribute, from_item, n, s, to_item, Store, StoreError};
use crate::domain::{BulkImport, BulkImportId, BulkStatus, FailedRow, WorkspaceId};
use aws_sdk_dynamodb::types::AttributeValue;
use serde::Deserialize;

/// A chunk of the file is `held` by one worker; between chunks the lease is `free`,
/// and `closed` once the import is over.
const LEASE: ClaimKind = ClaimKind {
    entity: "bulk_import",
    state: "lease",
    held: "held",
};
const FREE: &str = "free";
const CLOSED: &str = "closed";

/// Who held a chunk last.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lease {
    /// No one: the chunk starts where the last one ended.
    Free,
    /// A worker that may have stopped halfway: its rows after the checkpoint may be
    /// stored already.
    Held,
    Closed,
}

#[derive(Deserialize)]
struct Leased {
    #[serde(flatten)]
    import: BulkImport,
    #[serde(default)]
    lease: Option<String>,
}

impl Store {
    fn bulk_lease(&self, workspace_id: &WorkspaceId, id: &BulkImportId) -> ClaimItem<'_> {
        self.claim(&LEASE, keys::bulk_import(workspace_id, id))
    }

    /// Stores a new import waiting for its upload.
    pub async fn create_bulk_import(&self, import: &BulkImport) -> Result<bool, StoreError> {
        let key = keys::bulk_import(&import.workspace_id, &import.id);
        self.put_if_absent(to_item(&key, "bulk_import", import)?)
            .await
    }

    pub async fn bulk_import(
        &self,
        workspace_id: &WorkspaceId,
        id: &BulkImportId,
    ) -> Result<Option<BulkImport>, StoreError> {
        self.get(&keys::bulk_import(workspace_id, id)).await
    }

    /// The import and who holds its lease.
    pub async fn bulk_import_lease(
        &self,
        workspace_id: &WorkspaceId,
        id: &BulkImportId,
    ) -> Result<Option<(BulkImport, Lease)>, StoreError> {
        let key = keys::bulk_import(workspace_id, id);
        Ok(self.get::<Leased>(&key).await?.map(|leased| {
            let lease = match leased.lease.as_deref() {
                Some(FREE) => Lease::Free,
                Some(CLOSED) | None => Lease::Closed,
                Some(_) => Lease::Held,
            };
            (leased.import, lease)
        }))
    }

    /// Marks an import whose file arrived as running, at chunk 0; `false` when it was
    /// not waiting for its upload (a repeated upload event).
    pub async fn start_bulk_import(
        &self,
        workspace_id: &WorkspaceId,
        id: &BulkImportId,
        etag: Option<&str>,
        now: &str,
    ) -> Result<bool, StoreError> {
        let update = self
            .update(&keys::bulk_import(workspace_id, id))
            .update_expression(
                "SET #status = :running, #lease = :free, started_at = :now, chunk = :zero, \
                 etag = :etag",
            )
            .expression_attribute_values(":etag", attribute(&etag)?)
            .condition_expression("#status = :waiting")
            .expression_attribute_names("#status", "status")
            .expression_attribute_names("#lease", LEASE.state)
            .expression_attribute_values(":running", s(BulkStatus::Running.key()))
            .expression_attribute_values(":waiting", s(BulkStatus::WaitingForUpload.key()))
            .expression_attribute_values(":free", s(FREE))
            .expression_attribute_values(":now", s(now))
            .expression_attribute_values(":zero", n(0));
        Ok(self.written(update.send().await)?.passed()?.is_some())
    }

    /// Takes chunk `chunk` for `seconds`: free, or held by a worker whose hold lapsed.
    pub async fn take_bulk_chunk(
        &self,
        workspace_id: &WorkspaceId,
        id: &BulkImportId,
        chunk: u32,
        now: i64,
        seconds: i64,
    ) -> Result<bool, StoreError> {
        let check = Check {
            expression: "chunk = :chunk",
            values: vec![(":chunk", n(chunk))],
        };
        self.bulk_lease(workspace_id, id)
            // The chunk, as the check has it: nothing else changes.
            .retake(now, seconds, FREE, check, ("chunk", n(chunk)))
            .await
    }

    /// Records how far the held chunk got (offset, counts, header); with `done`, the
    /// chunk is over and the lease free for the next one.
    pub async fn checkpoint_bulk(&self, import: &BulkImport, done: bool) -> Result<(), StoreError> {
        let mut attributes = progress(import)?;
        if done {
            attributes.push(("chunk", n(import.chunk + 1)));
        }
        let lease = if done { FREE } else { LEASE.held };
        self.bulk_lease(&import.workspace_id, &import.id)
            .settle_held(lease, attributes)
            .await
    }

    /// Ends an import with its last progress: `done`, or `failed` with its `error`.
    pub async fn finish_bulk(&self, import: &BulkImport) -> Result<(), StoreError> {
        let mut attributes = progress(import)?;
        attributes.extend([
            ("status", s(import.status.key())),
            ("error", attribute(&import.error)?),
            ("finished_at", attribute(&import.finished_at)?),
        ]);
        self.bulk_lease(&import.workspace_id, &import.id)
            .settle(CLOSED, attributes)
            .await
    }

    /// Keeps a failed row for the failures CSV (again, the same, when its chunk is
    /// read again).
    pub async fn keep_failed_row(
        &self,
        workspace_id: &WorkspaceId,
        id: &BulkImportId,
        row: &FailedRow,
    ) -> Result<(), StoreError> {
        let key = keys::bulk_failure(workspace_id, id, row.row);
        self.put(to_item(&key, "bulk_failure", row)?)
            .send()
            .await
            .map_err(|e| self.error(e))?;
        Ok(())
    }

    /// The failed rows kept, in file order.
    pub async fn failed_rows(
        &self,
        workspace_id: &WorkspaceId,
        id: &BulkImportId,
    ) -> Result<Vec<FailedRow>, StoreError> {
        let prefix = keys::bulk_failures_prefix(id);
        let source = Source::workspace(workspace_id, Some(&prefix));
        let items = self.all_items(source, None, None).await?;
        items.into_iter().map(from_item).collect()
    }
}

/// The progress attributes of an import.
fn progress(import: &BulkImport) -> Result<Vec<(&'static str, AttributeValue)>, StoreError> {
    Ok(vec![
        ("offset", n(import.offset)),
        ("counts", attribute(&import.counts)?),
        ("header", attribute(&import.header)?),
        ("delimiter", attribute(&import.delimiter)?),
        ("failures_kept", n(import.failures_kept)),
    ])
}
