//! Territories: a ZIP's rep, listed with one `Query` on the workspace partition.

use super::keys;
use super::queries::Source;
use super::{BadCursor, Page, Store, StoreError, Territory};
use aws_sdk_dynamodb::types::ReturnValue;

impl Store {
    /// A workspace's territories (by ZIP, descending).
    pub async fn territories(
        &self,
        workspace_id: &str,
        limit: i32,
        cursor: Option<&str>,
    ) -> Result<Result<Page<Territory>, BadCursor>, StoreError> {
        let source = Source {
            index: None,
            pk: keys::workspace_partition(workspace_id),
            prefix: Some(keys::TERRITORY_PREFIX),
        };
        self.page(source, limit, cursor).await
    }

    /// Removes a territory; `false` when there was none.
    pub async fn delete_territory(
        &self,
        workspace_id: &str,
        zip: &str,
    ) -> Result<bool, StoreError> {
        let output = self
            .client
            .delete_item()
            .table_name(&self.table)
            .set_key(Some(keys::territory(workspace_id, zip).to_item()))
            .return_values(ReturnValue::AllOld)
            .send()
            .await
            .map_err(|e| self.error(e))?;
        Ok(output.attributes.is_some_and(|old| !old.is_empty()))
    }
}
