//! One chunk of an import being read: the file from its checkpoint, as it streams in,
//! each row through the pipeline, counted, and the progress checkpointed.

use super::records::{self, decode, sniff_delimiter, Records};
use super::{row_hash, rows, BulkError, BulkImporter, CHECKPOINT_ROWS};
use crate::domain::{BulkImport, BulkImportId, Connector, LeadId, RequestOrigin};
use crate::mapping;
use crate::pipeline::{self, Aftercare, Delivery, Outcome};
use crate::store::StoreError;
use aws_sdk_s3::error::ProvideErrorMetadata;
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

/// How a chunk ended.
pub(super) enum Ended {
    /// The file is read to its end.
    File,
    /// The chunk's share is read; the next chunk goes on.
    Chunk,
    /// The file cannot be read on: the import fails with this reason.
    Unreadable(String),
}

/// One chunk being read.
pub(super) struct Reading<'a> {
    pub(super) importer: &'a BulkImporter,
    pub(super) connector: &'a Connector,
    pub(super) import: BulkImport,
    /// Rows still to read that a stopped worker may have stored already.
    pub(super) redo: u64,
}

impl Reading<'_> {
    pub(super) async fn read(&mut self, budget: Duration) -> Result<Ended, BulkError> {
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
        let entry = pipeline::record(store.clock(), connector, &delivery);
        let outcome = match rows::payload(&pairs) {
            Ok(payload) => {
                let mut candidate = mapping::map(&payload, &connector.field_aliases);
                let own_id = candidate.external_id.as_deref().map(str::trim);
                if own_id.is_none_or(str::is_empty) {
                    candidate.external_id = Some(row_hash(&pairs));
                }
                let options = pipeline::Options::with_aftercare(aftercare);
                pipeline::import_as(store, connector, candidate, entry, options).await?
            }
            Err(err) => pipeline::fail(store, entry, err.to_string(), Vec::new()).await?,
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
