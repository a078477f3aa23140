//! A workspace's API keys by id: the key item lives under the key's hash (that is how
//! a request finds it), so each key also has a pointer item in its workspace's
//! partition that lists it and leads back to the hash for revocation.

use super::cache::Missing;
use super::keys;
use super::page::Source;
use super::{s, to_item, BadCursor, Item, Page, Store, StoreError};
use crate::domain::ApiKey;
use crate::domain::WorkspaceId;
use aws_sdk_dynamodb::types::TransactWriteItem;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// One of a workspace's keys as its admins see it, plus the hash that finds its key
/// item (never shown).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ApiKeyEntry {
    #[serde(flatten)]
    pub key: ApiKey,
    #[serde(default)]
    pub name: Option<String>,
    pub key_hash: String,
}

/// What revoking a key did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Revoked {
    Now,
    Already,
    NotFound,
}

fn ref_item(key_hash: &str, key: &ApiKey, name: Option<&str>) -> Result<Item, StoreError> {
    let entry = ApiKeyEntry {
        key: key.clone(),
        name: name.map(str::to_owned),
        key_hash: key_hash.to_owned(),
    };
    to_item(
        &keys::api_key_ref(&key.workspace_id, &key.id),
        "api_key_ref",
        &entry,
    )
}

impl Store {
    /// The key stored under the SHA-256 of an API key, if any.
    /// The key stored under `key_hash`, as read within the configuration cache's time.
    pub async fn api_key(&self, key_hash: &str) -> Result<Option<ApiKey>, StoreError> {
        let key = keys::api_key(key_hash);
        self.get_config(&key, Missing::ReadAgain).await
    }

    pub async fn create_api_key(&self, key_hash: &str, key: &ApiKey) -> Result<bool, StoreError> {
        self.create_named_api_key(key_hash, key, None).await
    }

    /// Stores a new key (by hash) and its workspace pointer in one transaction;
    /// `false` when the hash is already taken.
    pub async fn create_named_api_key(
        &self,
        key_hash: &str,
        key: &ApiKey,
        name: Option<&str>,
    ) -> Result<bool, StoreError> {
        let items = [
            to_item(&keys::api_key(key_hash), "api_key", key)?,
            ref_item(key_hash, key, name)?,
        ];
        self.put_all_new(items).await
    }

    /// A workspace's keys, newest first.
    pub async fn api_keys(
        &self,
        workspace_id: &WorkspaceId,
        limit: i32,
        cursor: Option<&str>,
    ) -> Result<Result<Page<ApiKeyEntry>, BadCursor>, StoreError> {
        let source = Source::workspace(workspace_id, Some(keys::API_KEY_REF_PREFIX));
        self.page(source, limit, cursor).await
    }

    /// Revokes a key at once: the key item (what authentication reads) and its pointer
    /// both get `revoked_at`, in one transaction.
    pub async fn revoke_api_key(
        &self,
        workspace_id: &WorkspaceId,
        key_id: &str,
        at: &str,
    ) -> Result<Revoked, StoreError> {
        let Some(entry) = self
            .get::<ApiKeyEntry>(&keys::api_key_ref(workspace_id, key_id))
            .await?
        else {
            return Ok(Revoked::NotFound);
        };
        if entry.key.revoked_at.is_some() {
            return Ok(Revoked::Already);
        }
        let revoke = |key: keys::Key| -> Result<TransactWriteItem, StoreError> {
            self.tx_update(&key, |update| {
                update
                    .update_expression("SET revoked_at = :at")
                    .condition_expression("attribute_exists(pk) AND workspace_id = :ws")
                    .set_expression_attribute_values(Some(HashMap::from([
                        (":at".to_owned(), s(at)),
                        (":ws".to_owned(), s(workspace_id)),
                    ])))
            })
        };
        let items = vec![
            revoke(keys::api_key(&entry.key_hash))?,
            revoke(keys::api_key_ref(workspace_id, key_id))?,
        ];
        Ok(match self.transact(items).await?.passed()? {
            Some(()) => Revoked::Now,
            None => Revoked::NotFound,
        })
    }
}
