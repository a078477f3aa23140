//! A Meta connector's "needs reconnect" mark: set by the token-health check, cleared by
//! connecting the page again. One `UpdateItem` that also moves the revision, so an admin
//! save read before it does not build on the old value.

use super::super::{attribute, keys, n, Store, StoreError};
use crate::domain::{ConnectorId, NeedsReconnect, WorkspaceId};

const FIELD: &str = "needs_reconnect";

impl Store {
    /// Sets the mark (`Some`) or clears it (`None`); `false` when the connector is gone.
    pub async fn mark_reconnect(
        &self,
        workspace_id: &WorkspaceId,
        connector_id: &ConnectorId,
        mark: Option<&NeedsReconnect>,
    ) -> Result<bool, StoreError> {
        let update = self
            .update(&keys::connector(workspace_id, connector_id))
            .condition_expression(super::super::write::PRESENT)
            .expression_attribute_names("#mark", FIELD)
            .expression_attribute_names("#revision", "revision")
            .expression_attribute_values(":one", n(1));
        let update = match mark {
            Some(mark) => update
                .update_expression("SET #mark = :mark ADD #revision :one")
                .expression_attribute_values(":mark", attribute(mark)?),
            None => update.update_expression("REMOVE #mark ADD #revision :one"),
        };
        Ok(self.written(update.send().await)?.passed()?.is_some())
    }
}
