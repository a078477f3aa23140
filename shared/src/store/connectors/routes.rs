//! What finds a connector: its route items (connector key, form id, Meta page id, the
//! Google or vendor connector id) and its workspace's active slot for its provider and transport.

use super::super::cache::Missing;
use super::super::keys::{self, Key, RouteKind};
use super::super::{from_item, page, s, to_item, Item, Page, Store, StoreError};
use crate::domain::{Connector, Provider, Transport};
use crate::domain::{ConnectorId, Workspace, WorkspaceId};
use serde::{Deserialize, Serialize};

/// Where a route item points.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RouteTarget {
    pub workspace_id: WorkspaceId,
    pub connector_id: ConnectorId,
}

impl RouteTarget {
    /// What the routes and the slot of `connector` point to.
    pub(super) fn of(connector: &Connector) -> Self {
        RouteTarget {
            workspace_id: connector.workspace_id.clone(),
            connector_id: connector.id.clone(),
        }
    }
}

/// The route items a connector owns, from its provider settings.
pub(super) fn routes(connector: &Connector) -> Vec<(RouteKind, String)> {
    let settings = &connector.settings;
    let mut routes = Vec::new();
    if let Some(key) = &settings.connector_key {
        routes.push((RouteKind::ConnectorKey, key.clone()));
    }
    if let Some(form_id) = &settings.form_id {
        routes.push((RouteKind::FormId, form_id.clone()));
    }
    if let Some(page_id) = &settings.page_id {
        routes.push((RouteKind::MetaPage, page_id.clone()));
    }
    if settings.google_key.is_some() {
        routes.push((RouteKind::GoogleConnector, connector.id.to_string()));
    }
    if connector.provider.vendor().is_some() {
        routes.push((RouteKind::VendorConnector, connector.id.to_string()));
    }
    routes
}

/// The route item of `value` for `connector`. A Meta page's is also listed in
/// [`keys::META_PAGES_INDEX`], for the token-health check.
pub(super) fn route_item(
    kind: RouteKind,
    value: &str,
    connector: &Connector,
) -> Result<Item, StoreError> {
    let mut item = to_item(
        &keys::route(kind, value),
        "route",
        &RouteTarget::of(connector),
    )?;
    if kind == RouteKind::MetaPage {
        item.insert(keys::GSI1PK.into(), s(keys::META_PAGES_INDEX));
        item.insert(keys::GSI1SK.into(), s(value));
        item.insert("page_id".into(), s(value));
    }
    Ok(item)
}

/// A routed Meta page: the page id and the connector it routes to.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct RoutedPage {
    pub page_id: String,
    pub workspace_id: WorkspaceId,
    pub connector_id: ConnectorId,
}

/// The active slot of `connector`'s provider and transport in its workspace.
pub(super) fn slot(connector: &Connector) -> Key {
    keys::active_slot(
        &connector.workspace_id,
        connector.provider,
        connector.transport,
    )
}

impl Store {
    /// One page of every routed Meta page of the deployment, by page id.
    pub async fn routed_meta_pages(
        &self,
        limit: i32,
        cursor: Option<&str>,
    ) -> Result<Result<Page<RoutedPage>, page::BadCursor>, StoreError> {
        let source = page::Source::index(keys::META_PAGES_INDEX.to_owned()).ascending();
        self.page(source, limit, cursor).await
    }

    /// The connector a public identifier (connector key, form id, page id) points at.
    pub async fn connector_by_route(
        &self,
        kind: RouteKind,
        value: &str,
    ) -> Result<Option<Connector>, StoreError> {
        self.connector_at(&keys::route(kind, value)).await
    }

    /// The workspace's active connector for a provider and transport, if any.
    pub async fn active_connector(
        &self,
        workspace_id: &WorkspaceId,
        provider: Provider,
        transport: Transport,
    ) -> Result<Option<Connector>, StoreError> {
        let slot = keys::active_slot(workspace_id, provider, transport);
        self.connector_at(&slot).await
    }

    /// The connector holding a workspace's active slot for its provider and transport.
    pub async fn active_connector_id(
        &self,
        connector: &Connector,
    ) -> Result<Option<ConnectorId>, StoreError> {
        let target = self.get::<RouteTarget>(&slot(connector)).await?;
        Ok(target.map(|t| t.connector_id))
    }

    /// The connector a route or slot item points at, both as read within the
    /// configuration cache's time, the connector read in one round trip with its
    /// workspace (whose retention a door's import needs next).
    async fn connector_at(&self, pointer: &Key) -> Result<Option<Connector>, StoreError> {
        let target = self.get_config::<RouteTarget>(pointer, Missing::ReadAgain);
        let Some(target) = target.await? else {
            return Ok(None);
        };
        let connector_key = keys::connector(&target.workspace_id, &target.connector_id);
        let workspace_key = keys::workspace(&target.workspace_id);
        let both = [connector_key.clone(), workspace_key.clone()];
        let mut items = self.get_configs(&both, Missing::ReadAgain).await?;
        let Some(item) = items.remove(&connector_key) else {
            return Ok(None);
        };
        let mut connector: Connector = from_item(item)?;
        connector.workspace_retention_days = items
            .remove(&workspace_key)
            .and_then(|item| from_item::<Workspace>(item).ok())
            .map(|w| w.settings.retention_days);
        Ok(Some(connector))
    }
}
