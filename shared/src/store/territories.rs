//! Territories: a ZIP's rep, listed with one `Query` on the workspace partition.

use super::cache::Missing;
use super::keys;
use super::page::Source;
use super::{to_item, BadCursor, Page, Store, StoreError};
use crate::domain::WorkspaceId;
use aws_sdk_dynamodb::types::ReturnValue;
use serde::{Deserialize, Serialize};

/// A ZIP (its territory key) and the rep who covers it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Territory {
    pub zip: String,
    pub rep: String,
}

impl Store {
    /// The rep covering a ZIP (its five-digit form for US codes), if one is set.
    pub async fn territory_rep(
        &self,
        workspace_id: &WorkspaceId,
        zip: &str,
    ) -> Result<Option<String>, StoreError> {
        let key = keys::territory(workspace_id, zip);
        let territory = self.get_config::<Territory>(&key, Missing::Kept).await?;
        Ok(territory.map(|t| t.rep))
    }

    pub async fn put_territory(
        &self,
        workspace_id: &WorkspaceId,
        zip: &str,
        rep: &str,
    ) -> Result<(), StoreError> {
        let territory = Territory {
            zip: zip.to_owned(),
            rep: rep.to_owned(),
        };
        let key = keys::territory(workspace_id, zip);
        self.put(to_item(&key, "territory", &territory)?)
            .send()
            .await
            .map_err(|e| self.error(e))?;
        Ok(())
    }

    /// A workspace's territories (by ZIP, descending).
    pub async fn territories(
        &self,
        workspace_id: &WorkspaceId,
        limit: i32,
        cursor: Option<&str>,
    ) -> Result<Result<Page<Territory>, BadCursor>, StoreError> {
        let source = Source::workspace(workspace_id, Some(keys::TERRITORY_PREFIX));
        self.page(source, limit, cursor).await
    }

    /// Removes a territory; `false` when there was none.
    pub async fn delete_territory(
        &self,
        workspace_id: &WorkspaceId,
        zip: &str,
    ) -> Result<bool, StoreError> {
        let output = self
            .delete(&keys::territory(workspace_id, zip))
            .return_values(ReturnValue::AllOld)
            .send()
            .await
            .map_err(|e| self.error(e))?;
        Ok(output.attributes.is_some_and(|old| !old.is_empty()))
    }
}
