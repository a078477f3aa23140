//! Workspaces: the workspace item, its unique email slug and its settings.

use super::keys;
use super::page::Source;
use super::write::PRESENT;
use super::{attribute, to_item, Item, Store, StoreError};
use crate::domain::WorkspaceId;
use crate::domain::{Workspace, WorkspaceSettings};
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize)]
struct SlugTarget {
    workspace_id: WorkspaceId,
}

impl Store {
    pub async fn workspace(
        &self,
        workspace_id: &WorkspaceId,
    ) -> Result<Option<Workspace>, StoreError> {
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

    /// Replaces a workspace's follow-up settings; `false` when there is no such workspace.
    pub async fn set_workspace_settings(
        &self,
        workspace_id: &WorkspaceId,
        settings: &WorkspaceSettings,
    ) -> Result<bool, StoreError> {
        let updated = self
            .update(&keys::workspace(workspace_id))
            .update_expression("SET settings = :settings")
            .condition_expression(PRESENT)
            .expression_attribute_values(":settings", attribute(settings)?)
            .send()
            .await;
        Ok(self.written(updated)?.passed()?.is_some())
    }

    /// Every item of a workspace's own partition, as raw items (tests and tooling).
    pub async fn workspace_items(
        &self,
        workspace_id: &WorkspaceId,
    ) -> Result<Vec<Item>, StoreError> {
        self.all_items(Source::workspace(workspace_id, None), None, None)
            .await
    }
}
