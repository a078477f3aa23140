//! Connectors: the profile item (with its delivery counters), the route items and the
//! active slot that find it (`routes.rs`), and the transactions that create, save and
//! delete them together (`save.rs`).

mod changes;
mod routes;
mod save;

pub use routes::RouteTarget;
pub use save::Saved;

use super::attempt::Counters;
use super::keys;
use super::page::Source;
use super::{to_item, BadCursor, Page, Store, StoreError};
use crate::domain::Connector;
use crate::domain::{ConnectorId, WorkspaceId};
use routes::routes;
use serde::Deserialize;

/// A connector as stored: its profile, its counters and the revision of its profile.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct ConnectorRecord {
    #[serde(flatten)]
    pub connector: Connector,
    #[serde(flatten)]
    pub counters: Counters,
    #[serde(default)]
    pub revision: u64,
}

impl Store {
    pub async fn connector(
        &self,
        workspace_id: &WorkspaceId,
        connector_id: &ConnectorId,
    ) -> Result<Option<Connector>, StoreError> {
        self.get(&keys::connector(workspace_id, connector_id)).await
    }

    pub async fn connector_record(
        &self,
        workspace_id: &WorkspaceId,
        connector_id: &ConnectorId,
    ) -> Result<Option<ConnectorRecord>, StoreError> {
        self.get(&keys::connector(workspace_id, connector_id)).await
    }

    /// A workspace's connectors, newest first.
    pub async fn connectors(
        &self,
        workspace_id: &WorkspaceId,
        limit: i32,
        cursor: Option<&str>,
    ) -> Result<Result<Page<ConnectorRecord>, BadCursor>, StoreError> {
        let source = Source::workspace(workspace_id, Some(keys::CONNECTOR_PREFIX));
        self.page(source, limit, cursor).await
    }

    /// Creates a connector with its routes and, when active, its workspace's active slot
    /// for the provider and transport. `false` when any of them is already taken.
    pub async fn create_connector(&self, connector: &Connector) -> Result<bool, StoreError> {
        let target = RouteTarget::of(connector);
        let key = keys::connector(&connector.workspace_id, &connector.id);
        let mut items = vec![to_item(&key, "connector", connector)?];
        for (kind, value) in routes(connector) {
            items.push(to_item(&keys::route(kind, &value), "route", &target)?);
        }
        if connector.is_active() {
            items.push(to_item(&routes::slot(connector), "active_slot", &target)?);
        }
        self.put_all_new(items).await
    }
}
