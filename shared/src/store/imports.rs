//! The import log: every attempt, whatever its outcome. Entries of attempts that made a
//! lead or a review are written with it (see `attempt.rs`); this module logs the others,
//! reads the log (Recent Imports) and settles held entries.

use super::keys;
use super::page::{Filter, Source};
use super::write::PRESENT;
use super::{s, BadCursor, Page, Store, StoreError};
use crate::domain::{ConnectorId, ImportId, LeadId, WorkspaceId};
use crate::domain::{ImportRecord, ImportStatus};
use std::collections::HashMap;

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
    /// Records an attempt that created no lead (replayed, failed, ignored, held for
    /// review), counting it on its connector when the connector still exists.
    pub async fn log_import(&self, record: &ImportRecord) -> Result<(), StoreError> {
        let entry = self.log_entry(record)?;
        if record.connector_id.is_some() {
            let counted = vec![entry.clone(), self.count(record)?];
            if self.transact(counted).await?.passed()?.is_some() {
                return Ok(());
            }
        }
        self.transact(vec![entry]).await?.done()
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

    /// Records what became of a held import: its status, reason and lead.
    pub async fn settle_import(
        &self,
        workspace_id: &WorkspaceId,
        import_id: &ImportId,
        status: ImportStatus,
        reason: &str,
        lead_id: Option<&LeadId>,
    ) -> Result<(), StoreError> {
        let mut expression = String::from("SET #status = :status, reason = :reason");
        let mut values = HashMap::from([
            (":status".to_owned(), s(status.key())),
            (":reason".to_owned(), s(reason)),
        ]);
        if let Some(lead_id) = lead_id {
            expression.push_str(", lead_id = :lead");
            values.insert(":lead".to_owned(), s(lead_id));
        }
        self.update(&keys::import(workspace_id, import_id))
            .update_expression(expression)
            .condition_expression(PRESENT)
            .expression_attribute_names("#status", "status")
            .set_expression_attribute_values(Some(values))
            .send()
            .await
            .map_err(|e| self.error(e))?;
        Ok(())
    }
}
