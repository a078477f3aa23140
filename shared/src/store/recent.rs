//! Recent Imports for admins: one entry, the log filtered by status, and whether an
//! external id was seen before (read only: Run Test Import creates nothing).

use super::keys;
use super::queries::{Filter, Source};
use super::{BadCursor, Page, Store, StoreError};
use crate::domain::{ImportRecord, ImportStatus, Provider};
use serde::Deserialize;

#[derive(Deserialize)]
struct Guard {
    lead_id: String,
}

impl Store {
    pub async fn import(
        &self,
        workspace_id: &str,
        import_id: &str,
    ) -> Result<Option<ImportRecord>, StoreError> {
        self.get(&keys::import(workspace_id, import_id)).await
    }

    /// The import log, newest first, narrowed to one connector and/or one status. The
    /// status is a filter on the same `Query`, so a page can hold fewer than `limit`
    /// entries while a cursor remains.
    pub async fn imports_where(
        &self,
        workspace_id: &str,
        connector_id: Option<&str>,
        status: Option<ImportStatus>,
        limit: i32,
        cursor: Option<&str>,
    ) -> Result<Result<Page<ImportRecord>, BadCursor>, StoreError> {
        let Some(status) = status else {
            return self
                .imports(workspace_id, connector_id, limit, cursor)
                .await;
        };
        let source = Source::import_log(workspace_id, connector_id);
        let filter = Filter::status(status.key());
        self.page_where(source, Some(filter), limit, cursor).await
    }

    /// The lead an external id already produced for this provider, if any.
    pub async fn lead_for_external_id(
        &self,
        workspace_id: &str,
        provider: Provider,
        external_id: &str,
    ) -> Result<Option<String>, StoreError> {
        let key = keys::external_id(workspace_id, provider, external_id);
        Ok(self.get::<Guard>(&key).await?.map(|guard| guard.lead_id))
    }
}
