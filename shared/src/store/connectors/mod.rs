//! Connectors: the profile item, its delivery counts (`counts.rs`, kept off the intake's
//! path), the route items and the active slot that find it (`routes.rs`), and the
//! transactions that create, save and delete them together (`save.rs`).

mod changes;
mod counts;
mod reconnect;
mod routes;
mod save;

pub use counts::{Counters, ImportChange};
pub use routes::{RouteTarget, RoutedPage};
pub use save::Saved;

use super::keys;
use super::page::Source;
use super::{from_item, to_item, BadCursor, Page, Store, StoreError};
use crate::domain::Connector;
use crate::domain::{ConnectorId, WorkspaceId};
use routes::routes;
use serde::Deserialize;

/// A connector as stored: its profile, its counts and the revision of its profile.
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

    /// A connector with its counts, read together.
    pub async fn connector_record(
        &self,
        workspace_id: &WorkspaceId,
        connector_id: &ConnectorId,
    ) -> Result<Option<ConnectorRecord>, StoreError> {
        let key = keys::connector(workspace_id, connector_id);
        let counts = keys::connector_counts(workspace_id, connector_id);
        let mut found = self.get_many(&[key.clone(), counts.clone()]).await?;
        let Some(item) = found.remove(&key) else {
            return Ok(None);
        };
        let mut record: ConnectorRecord = from_item(item)?;
        if let Some(counted) = found.remove(&counts) {
            record.counters = record.counters.plus(from_item(counted)?);
        }
        Ok(Some(record))
    }

    /// A workspace's connectors, newest first.
    pub async fn connectors(
        &self,
        workspace_id: &WorkspaceId,
        limit: i32,
        cursor: Option<&str>,
    ) -> Result<Result<Page<ConnectorRecord>, BadCursor>, StoreError> {
        let source = Source::workspace(workspace_id, Some(keys::CONNECTOR_PREFIX));
        let mut page: Page<ConnectorRecord> = match self.page(source, limit, cursor).await? {
            Ok(page) => page,
            Err(bad) => return Ok(Err(bad)),
        };
        let ids: Vec<&ConnectorId> = page.items.iter().map(|r| &r.connector.id).collect();
        let mut counts = self.counts_of(workspace_id, &ids).await?;
        for record in &mut page.items {
            if let Some(counted) = counts.remove(&record.connector.id) {
                record.counters = std::mem::take(&mut record.counters).plus(counted);
            }
        }
        Ok(Ok(page))
    }

    /// Creates a connector with its routes and, when active, its workspace's active slot
    /// for the provider and transport. `false` when any of them is already taken.
    pub async fn create_connector(&self, connector: &Connector) -> Result<bool, StoreError> {
        let target = RouteTarget::of(connector);
        let key = keys::connector(&connector.workspace_id, &connector.id);
        let mut items = vec![to_item(&key, "connector", connector)?];
        for (kind, value) in routes(connector) {
            items.push(routes::route_item(kind, &value, connector)?);
        }
        if connector.is_active() {
            items.push(to_item(&routes::slot(connector), "active_slot", &target)?);
        }
        self.put_all_new(items).await
    }
}
