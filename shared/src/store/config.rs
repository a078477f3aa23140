//! Workspaces, API keys, connectors, their routes and territories: what the doors
//! read before a lead arrives.

use super::keys::{self, RouteKind};
use super::{to_item, Store, StoreError};
use crate::domain::{ApiKey, Connector, Workspace};
use serde::{Deserialize, Serialize};

/// Where a route item points.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RouteTarget {
    pub workspace_id: String,
    pub connector_id: String,
}

#[derive(Serialize, Deserialize)]
struct SlugTarget {
    workspace_id: String,
}

/// A ZIP (its territory key) and the rep who covers it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Territory {
    pub zip: String,
    pub rep: String,
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
        routes.push((RouteKind::GoogleConnector, connector.id.clone()));
    }
    routes
}

impl Store {
    pub async fn workspace(&self, workspace_id: &str) -> Result<Option<Workspace>, StoreError> {
        self.get(&keys::workspace(workspace_id)).await
    }

    pub async fn workspace_by_slug(&self, slug: &str) -> Result<Option<Workspace>, StoreError> {
        let Some(target) = self.get::<SlugTarget>(&keys::email_slug(slug)).await? else {
            return Ok(None);
        };
        self.workspace(&target.workspace_id).await
    }

    /// Creates a workspace and claims its email slug; `false` when the slug is taken.
    pub async fn create_workspace(&self, workspace: &Workspace) -> Result<bool, StoreError> {
        let slug = SlugTarget {
            workspace_id: workspace.id.clone(),
        };
        let items = [
            to_item(&keys::workspace(&workspace.id), "workspace", workspace)?,
            to_item(
                &keys::email_slug(&workspace.email_slug),
                "email_slug",
                &slug,
            )?,
        ];
        self.put_all_new(items).await
    }

    /// The key stored under the SHA-256 of an API key, if any.
    pub async fn api_key(&self, key_hash: &str) -> Result<Option<ApiKey>, StoreError> {
        self.get(&keys::api_key(key_hash)).await
    }

    pub async fn create_api_key(&self, key_hash: &str, key: &ApiKey) -> Result<bool, StoreError> {
        self.create_named_api_key(key_hash, key, None).await
    }

    pub async fn connector(
        &self,
        workspace_id: &str,
        connector_id: &str,
    ) -> Result<Option<Connector>, StoreError> {
        self.get(&keys::connector(workspace_id, connector_id)).await
    }

    /// The connector a public identifier (connector key, form id, page id) points at.
    pub async fn connector_by_route(
        &self,
        kind: RouteKind,
        value: &str,
    ) -> Result<Option<Connector>, StoreError> {
        let Some(target) = self.get::<RouteTarget>(&keys::route(kind, value)).await? else {
            return Ok(None);
        };
        self.connector(&target.workspace_id, &target.connector_id)
            .await
    }

    /// Creates a connector with its routes and, when active, its workspace's active slot
    /// for the provider and transport. `false` when any of them is already taken.
    pub async fn create_connector(&self, connector: &Connector) -> Result<bool, StoreError> {
        let target = RouteTarget {
            workspace_id: connector.workspace_id.clone(),
            connector_id: connector.id.clone(),
        };
        let mut items = vec![to_item(
            &keys::connector(&connector.workspace_id, &connector.id),
            "connector",
            connector,
        )?];
        for (kind, value) in routes(connector) {
            items.push(to_item(&keys::route(kind, &value), "route", &target)?);
        }
        if connector.is_active() {
            let slot = keys::active_slot(
                &connector.workspace_id,
                connector.provider,
                connector.transport,
            );
            items.push(to_item(&slot, "active_slot", &target)?);
        }
        self.put_all_new(items).await
    }

    /// The rep covering a ZIP (its five-digit form for US codes), if one is set.
    pub async fn territory_rep(
        &self,
        workspace_id: &str,
        zip: &str,
    ) -> Result<Option<String>, StoreError> {
        let territory = self
            .get::<Territory>(&keys::territory(workspace_id, zip))
            .await?;
        Ok(territory.map(|t| t.rep))
    }

    pub async fn put_territory(
        &self,
        workspace_id: &str,
        zip: &str,
        rep: &str,
    ) -> Result<(), StoreError> {
        let territory = Territory {
            zip: zip.to_owned(),
            rep: rep.to_owned(),
        };
        self.client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(to_item(
                &keys::territory(workspace_id, zip),
                "territory",
                &territory,
            )?))
            .send()
            .await
            .map_err(|e| self.error(e))?;
        Ok(())
    }
}
