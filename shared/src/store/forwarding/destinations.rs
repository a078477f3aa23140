//! A workspace's destinations: created once, changed only over the version read
//! (`updated_at`), listed and read whole for the forwarder.

use super::super::keys;
use super::super::page::{Filter, Source};
use super::super::write::PRESENT;
use super::super::{from_item, s, to_item, BadCursor, Page, Store, StoreError};
use crate::domain::{Destination, DestinationId, WorkspaceId};
use aws_sdk_dynamodb::types::ReturnValue;

const ENTITY: &str = "destination";

impl Store {
    /// Stores a new destination; `false` when its id is taken.
    pub async fn create_destination(&self, destination: &Destination) -> Result<bool, StoreError> {
        let key = keys::destination(&destination.workspace_id, &destination.id);
        self.put_if_absent(to_item(&key, ENTITY, destination)?)
            .await
    }

    pub async fn destination(
        &self,
        workspace_id: &WorkspaceId,
        destination_id: &DestinationId,
    ) -> Result<Option<Destination>, StoreError> {
        self.get(&keys::destination(workspace_id, destination_id))
            .await
    }

    /// Replaces a destination read at `seen` (its `updated_at` then); `false` when it
    /// changed or went since.
    pub async fn save_destination(
        &self,
        destination: &Destination,
        seen: &str,
    ) -> Result<bool, StoreError> {
        let key = keys::destination(&destination.workspace_id, &destination.id);
        let put = self
            .put(to_item(&key, ENTITY, destination)?)
            .condition_expression(format!("{PRESENT} AND updated_at = :seen"))
            .expression_attribute_values(":seen", s(seen));
        Ok(self.written(put.send().await)?.passed()?.is_some())
    }

    /// Removes a destination (its deliveries stay); `false` when there was none.
    pub async fn delete_destination(
        &self,
        workspace_id: &WorkspaceId,
        destination_id: &DestinationId,
    ) -> Result<bool, StoreError> {
        let output = self
            .delete(&keys::destination(workspace_id, destination_id))
            .return_values(ReturnValue::AllOld)
            .send()
            .await
            .map_err(|e| self.error(e))?;
        Ok(output.attributes.is_some_and(|old| !old.is_empty()))
    }

    /// A workspace's destinations, newest first.
    pub async fn destinations(
        &self,
        workspace_id: &WorkspaceId,
        limit: i32,
        cursor: Option<&str>,
    ) -> Result<Result<Page<Destination>, BadCursor>, StoreError> {
        let source = Source::workspace(workspace_id, Some(keys::DESTINATION_PREFIX));
        self.page(source, limit, cursor).await
    }

    /// Every active destination of a workspace, for a new lead to be forwarded to.
    pub async fn active_destinations(
        &self,
        workspace_id: &WorkspaceId,
    ) -> Result<Vec<Destination>, StoreError> {
        let source = Source::workspace(workspace_id, Some(keys::DESTINATION_PREFIX));
        let items = self
            .all_items(source, Some(Filter::status("active")), None)
            .await?;
        items.into_iter().map(from_item).collect()
    }
}
