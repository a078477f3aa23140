//! A lead's contacts: the index items (email, phone) that point to the client a new
//! lead merges into, and reading them back after a conflict.

use super::super::keys::{self, Key};
use super::super::{from_item, Store, StoreError};
use crate::domain::ClientId;
use crate::domain::Lead;
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
        let mut known = HashMap::new();
        for (key, item) in self.get_many(contact_keys).await? {
            let index: ContactIndex = from_item(item)?;
            known.insert(key, index.client_id);
        }
        Ok(known)
    }
}
