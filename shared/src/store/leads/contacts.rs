//! A lead's contacts: the index items (email, phone) that point to the client a new
//! lead merges into, and reading them back after a conflict.

use super::super::keys::{self, Key};
use super::super::{from_item, Item, Store, StoreError};
use crate::domain::ClientId;
use crate::domain::Lead;
use aws_sdk_dynamodb::types::KeysAndAttributes;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// A contact index item: the client an email or a phone belongs to.
#[derive(Serialize, Deserialize)]
pub(super) struct ContactIndex {
    pub(super) client_id: ClientId,
}

/// The contact keys of a lead and the client each already points to, if any.
pub(super) struct Contacts {
    pub(super) keys: Vec<Key>,
    pub(super) known: HashMap<Key, ClientId>,
}

impl Contacts {
    pub(super) fn of(lead: &Lead) -> Self {
        let ws = &lead.workspace_id;
        let keys = lead
            .customer_email
            .iter()
            .map(|email| keys::contact_email(ws, email))
            .chain(
                lead.customer_phone
                    .iter()
                    .map(|phone| keys::contact_phone(ws, phone)),
            )
            .collect();
        Self {
            keys,
            known: HashMap::new(),
        }
    }

    /// The client to merge into: the one the email points to, else the phone's.
    pub(super) fn existing_client(&self) -> Option<&ClientId> {
        self.keys.iter().find_map(|key| self.known.get(key))
    }
}

impl Store {
    /// The clients the contact items at `contact_keys` point to, by key.
    pub(super) async fn read_contacts(
        &self,
        contact_keys: &[Key],
    ) -> Result<HashMap<Key, ClientId>, StoreError> {
        let request = KeysAndAttributes::builder()
            .set_keys(Some(contact_keys.iter().map(Key::to_item).collect()))
            .consistent_read(true)
            .build()
            .map_err(|e| StoreError::Unexpected(Box::new(e)))?;
        let output = self
            .client
            .batch_get_item()
            .request_items(&self.table, request)
            .send()
            .await
            .map_err(|e| self.error(e))?;
        let mut known = HashMap::new();
        for item in output
            .responses
            .unwrap_or_default()
            .remove(&self.table)
            .unwrap_or_default()
        {
            let key = Key {
                pk: string_attribute(&item, keys::PK),
                sk: string_attribute(&item, keys::SK),
            };
            let index: ContactIndex = from_item(item)?;
            known.insert(key, index.client_id);
        }
        Ok(known)
    }
}

fn string_attribute(item: &Item, name: &str) -> String {
    item.get(name)
        .and_then(|value| value.as_s().ok())
        .cloned()
        .unwrap_or_default()
}
