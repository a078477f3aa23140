//! The import log: every attempt, whatever its outcome. Entries of attempts that made a
//! lead or a review are written with it (see `attempt.rs`); this module logs the others
//! and reads the log (Recent Imports).

use super::condition::Written;
use super::keys;
use super::page::{Filter, Source};
use super::settle::Settles;
use super::{BadCursor, Page, Store, StoreError};
use crate::domain::{ConnectorId, ImportId, WorkspaceId};
use crate::domain::{ImportRecord, ImportStatus, Receipt};

/// A workspace's import log, or one connector's through the index.
fn import_log<'a>(workspace_id: &WorkspaceId, connector_id: Option<&ConnectorId>) -> Source<'a> {
    match connector_id {
        Some(connector_id) => {
            Source::index(keys::connector_imports_index(workspace_id, connector_id))
        }
        None => Source::workspace(workspace_id, Some(keys::IMPORT_PREFIX)),
    }
}

impl Store {
    /// Records an attempt that created no lead (replayed, failed, ignored), counting it
    /// on its connector when the connector still exists.
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
        let outcome = self.outcome_items(record, settles, receipt, true)?;
        let refused = match self.transact(outcome.items).await? {
            Written::Done(()) => return Ok(()),
            Written::Refused(refused) => refused,
        };
        if outcome.settles.is_some_and(|at| refused.failed(at)) {
            return Err(StoreError::Superseded);
        }
        if !outcome.count.is_some_and(|at| refused.failed(at)) {
            return Err(refused.into_error());
        }
        // The connector is gone (deleted): the attempt is logged uncounted.
        let uncounted = self.outcome_items(record, settles, receipt, false)?;
        self.transact(uncounted.items).await?.done()
    }

    pub async fn import(
        &self,
        workspace_id: &WorkspaceId,
        import_id: &ImportId,
    ) -> Result<Option<ImportRecord>, StoreError> {
        self.get(&keys::import(workspace_id, import_id)).await
    }

    /// A workspace's import log, newest first; with `connector_id`, that connector's only.
    pub async fn imports(
        &self,
        workspace_id: &WorkspaceId,
        connector_id: Option<&ConnectorId>,
        limit: i32,
        cursor: Option<&str>,
    ) -> Result<Result<Page<ImportRecord>, BadCursor>, StoreError> {
        let source = import_log(workspace_id, connector_id);
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
        let source = import_log(workspace_id, connector_id);
        let filter = status.map(|status| Filter::status(status.key()));
        self.page_where(source, filter, limit, cursor).await
    }
}
