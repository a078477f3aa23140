//! Workspaces: the workspace item, its unique email slug and its settings.

use super::cache::Missing;
use super::condition::Written;
use super::keys;
use super::page::Source;
use super::write::{ABSENT, PRESENT};
use super::{attribute, s, to_item, Item, Store, StoreError};
use crate::domain::WorkspaceId;
use crate::domain::{Workspace, WorkspaceSettings};
use serde::{Deserialize, Serialize};

/// What became of a change to a workspace.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WorkspaceSaved {
    Saved,
    /// Another workspace holds the new email slug.
    SlugTaken,
    /// The workspace is gone, or its slug changed since it was read.
    Stale,
}

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

    /// The workspace of an email slug, both as read within the configuration cache's
    /// time (the email door's configuration).
    pub async fn workspace_by_slug(&self, slug: &str) -> Result<Option<Workspace>, StoreError> {
        let slug = keys::email_slug(slug);
        let Some(target) = self
            .get_config::<SlugTarget>(&slug, Missing::ReadAgain)
            .await?
        else {
            return Ok(None);
        };
        let workspace = keys::workspace(&target.workspace_id);
        self.get_config(&workspace, Missing::ReadAgain).await
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

    /// Writes `after`'s name, email slug and settings over `before`, as it was read: only
    /// while the stored slug is still `before`'s. A new slug claims its `SLUG#` item and
    /// releases the old one in the same transaction, so the old address stops routing
    /// at once and two workspaces never share one.
    pub async fn save_workspace(
        &self,
        before: &Workspace,
        after: &Workspace,
    ) -> Result<WorkspaceSaved, StoreError> {
        let settings = attribute(&after.settings)?;
        let mut items = vec![self.tx_update(&keys::workspace(&before.id), |update| {
            update
                .update_expression("SET #name = :name, email_slug = :slug, settings = :settings")
                .condition_expression(format!("{PRESENT} AND email_slug = :before"))
                .expression_attribute_names("#name", "name")
                .expression_attribute_values(":name", s(&after.name))
                .expression_attribute_values(":slug", s(&after.email_slug))
                .expression_attribute_values(":settings", settings)
                .expression_attribute_values(":before", s(&before.email_slug))
        })?];
        let moved = before.email_slug != after.email_slug;
        if moved {
            let target = SlugTarget {
                workspace_id: before.id.clone(),
            };
            let slug = to_item(&keys::email_slug(&after.email_slug), "email_slug", &target)?;
            items.push(self.tx_put(slug, |put| put.condition_expression(ABSENT))?);
            items.push(
                self.tx_delete(&keys::email_slug(&before.email_slug), |delete| {
                    delete
                        .condition_expression("workspace_id = :ws")
                        .expression_attribute_values(":ws", s(&before.id))
                })?,
            );
        }
        match self.transact(items).await? {
            Written::Done(()) => Ok(WorkspaceSaved::Saved),
            Written::Refused(refused) if moved && refused.failed(1) => {
                Ok(WorkspaceSaved::SlugTaken)
            }
            Written::Refused(refused) if refused.any_failed() => Ok(WorkspaceSaved::Stale),
            Written::Refused(refused) => Err(refused.into_error()),
        }
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
