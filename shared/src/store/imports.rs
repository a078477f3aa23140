//! The import log: every attempt, whatever its outcome. Entries of attempts that made a
//! lead or a review are written with it (see `attempt.rs`); this module logs the others
//! and reads the log (Recent Imports).

use super::condition::Written;
use super::keys;
use super::page::{Filter, Source};
use super::settle::Settles;
use super::{from_item, s, BadCursor, Page, Store, StoreError};
use crate::domain::{ConnectorId, ImportId, Provider, WorkspaceId};
use crate::domain::{ImportRecord, ImportStatus, Receipt};
use serde::Deserialize;

/// A workspace's import log, or one connector's through the index; with `ids`, only
/// the entries whose ids (so times) are in that range.
fn import_log<'a>(
    workspace_id: &WorkspaceId,
    connector_id: Option<&ConnectorId>,
    ids: Option<(&ImportId, &ImportId)>,
) -> Source<'a> {
    let source = match connector_id {
        Some(connector_id) => {
            Source::index(keys::connector_imports_index(workspace_id, connector_id))
        }
        None => Source::workspace(workspace_id, Some(keys::IMPORT_PREFIX)),
    };
    let Some((from, to)) = ids else {
        return source;
    };
    match connector_id {
        Some(_) => source.between(from.to_string(), to.to_string()),
        None => {
            let sk = |id| keys::import(workspace_id, id).sk;
            source.between(sk(from), sk(to))
        }
    }
}

/// An import-log entry as reports count it (no payload).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct ImportLine {
    pub id: ImportId,
    pub status: ImportStatus,
    #[serde(default)]
    pub connector_id: Option<ConnectorId>,
    #[serde(default)]
    pub provider: Option<Provider>,
    #[serde(default)]
    pub source: Option<String>,
    pub received_at: String,
}

/// Which failed entries a bulk retry takes.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RetrySelection {
    pub connector_id: Option<ConnectorId>,
    /// Entries from this id on (entries received since a time).
    pub from: Option<ImportId>,
    /// Entries whose reason contains this text.
    pub reason: Option<String>,
}

const RETRIED_BY: &str = "retried_by";

impl Store {
    /// Records an attempt that created no lead (replayed, failed, ignored).
    pub async fn log_import(&self, record: &ImportRecord) -> Result<(), StoreError> {
        self.log_settling(record, &Settles::Nothing, None).await
    }

    /// Records an attempt that found an earlier lead (`receipt`), with what it settles:
    /// a new entry, or the held one settled in place; [`StoreError::Superseded`] when
    /// another request settled that first.
    pub async fn log_settling(
        &self,
        record: &ImportRecord,
        settles: &Settles,
        receipt: Option<&Receipt>,
    ) -> Result<(), StoreError> {
        let outcome = self.outcome_items(record, settles, receipt)?;
        match self.transact(outcome.items).await? {
            Written::Done(()) => Ok(()),
            Written::Refused(refused) if outcome.settles.is_some_and(|at| refused.failed(at)) => {
                Err(StoreError::Superseded)
            }
            Written::Refused(refused) => Err(refused.into_error()),
        }
    }

    pub async fn import(
        &self,
        workspace_id: &WorkspaceId,
        import_id: &ImportId,
    ) -> Result<Option<ImportRecord>, StoreError> {
        match self.get(&keys::import(workspace_id, import_id)).await? {
            Some(entry) => Ok(Some(self.with_payload(entry).await?)),
            None => Ok(None),
        }
    }

    /// A workspace's import log, newest first; with `connector_id`, that connector's only.
    pub async fn imports(
        &self,
        workspace_id: &WorkspaceId,
        connector_id: Option<&ConnectorId>,
        limit: i32,
        cursor: Option<&str>,
    ) -> Result<Result<Page<ImportRecord>, BadCursor>, StoreError> {
        let source = import_log(workspace_id, connector_id, None);
        self.page(source, limit, cursor).await
    }

    /// The import log, newest first, narrowed to one connector and/or one status. The
    /// status is a filter on the same `Query`, so a page can hold fewer than `limit`
    /// entries while a cursor remains.
    pub async fn imports_where(
        &self,
        workspace_id: &WorkspaceId,
        connector_id: Option<&ConnectorId>,
        status: Option<ImportStatus>,
        limit: i32,
        cursor: Option<&str>,
    ) -> Result<Result<Page<ImportRecord>, BadCursor>, StoreError> {
        let source = import_log(workspace_id, connector_id, None);
        let filter = status.map(|status| Filter::status(status.key()));
        self.page_where(source, filter, limit, cursor).await
    }

    /// Every entry of the import log from id `from` to id `to` (both included), in time
    /// order, without payloads: one `Query` on the workspace's partition, page by page.
    pub async fn import_lines(
        &self,
        workspace_id: &WorkspaceId,
        from: &ImportId,
        to: &ImportId,
    ) -> Result<Vec<ImportLine>, StoreError> {
        let source = import_log(workspace_id, None, Some((from, to)));
        let projection = [
            "id",
            "status",
            "connector_id",
            "provider",
            "source",
            "received_at",
        ];
        let items = self.all_items(source, None, Some(&projection)).await?;
        items.into_iter().map(from_item).collect()
    }

    /// A page of the failed entries `selection` names that were never retried, newest
    /// first (filtered on the `Query`: a page can be short while a cursor remains).
    pub async fn retryable_imports(
        &self,
        workspace_id: &WorkspaceId,
        selection: &RetrySelection,
        limit: i32,
        cursor: Option<&str>,
    ) -> Result<Result<Page<ImportRecord>, BadCursor>, StoreError> {
        let last = ImportId::from("~");
        let ids = selection.from.as_ref().map(|from| (from, &last));
        let source = import_log(workspace_id, selection.connector_id.as_ref(), ids);
        let mut filter = Filter::status(ImportStatus::Failed.key()).absent(RETRIED_BY);
        if let Some(reason) = &selection.reason {
            filter = filter.contains("reason", reason);
        }
        self.page_where(source, Some(filter), limit, cursor).await
    }

    /// Claims a failed entry for one retry, by the entry `retry_id` it will be. Once
    /// only: `false` when it is not failed or already claimed, unless its claim is by
    /// `replacing` (a retry that stopped before its entry was written).
    pub async fn claim_retry(
        &self,
        workspace_id: &WorkspaceId,
        import_id: &ImportId,
        retry_id: &ImportId,
        replacing: Option<&ImportId>,
    ) -> Result<bool, StoreError> {
        let mut condition = format!("#status = :failed AND (attribute_not_exists({RETRIED_BY})");
        let mut update = self.update(&keys::import(workspace_id, import_id));
        if let Some(previous) = replacing {
            condition.push_str(&format!(" OR {RETRIED_BY} = :previous"));
            update = update.expression_attribute_values(":previous", s(previous));
        }
        condition.push(')');
        let update = update
            .update_expression(format!("SET {RETRIED_BY} = :retry, retried_at = :at"))
            .condition_expression(condition)
            .expression_attribute_names("#status", "status")
            .expression_attribute_values(":failed", s(ImportStatus::Failed.key()))
            .expression_attribute_values(":retry", s(retry_id))
            .expression_attribute_values(":at", s(self.clock.stamp()));
        Ok(self.written(update.send().await)?.passed()?.is_some())
    }

    /// Gives back a retry claim that made no entry (the retry could not run).
    pub async fn release_retry(
        &self,
        workspace_id: &WorkspaceId,
        import_id: &ImportId,
        retry_id: &ImportId,
    ) -> Result<(), StoreError> {
        let update = self
            .update(&keys::import(workspace_id, import_id))
            .update_expression(format!("REMOVE {RETRIED_BY}, retried_at"))
            .condition_expression(format!("{RETRIED_BY} = :retry"))
            .expression_attribute_values(":retry", s(retry_id));
        self.written(update.send().await)?.passed()?;
        Ok(())
    }
}
