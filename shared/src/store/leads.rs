//! Lead creation: one `TransactWriteItems` with the external-id guard, the client
//! merge-or-create, the lead, its import-log entry and the connector's counters.

use super::condition::Written;
use super::keys::{self, Key};
use super::write::PRESENT;
use super::{imports, n, s, to_item, Item, Store, StoreError};
use crate::domain::{Client, ImportRecord, Lead};
use aws_sdk_dynamodb::types::{KeysAndAttributes, TransactWriteItem};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::time::Duration;

/// A validated lead ready to store, with the import-log entry that records it.
/// `lead.client_id` is a fresh id, used when no client matches the contacts.
#[derive(Debug, Clone)]
pub struct NewLead {
    pub lead: Lead,
    pub import: ImportRecord,
    /// The intake category stored on a new client.
    pub intake_category: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Created {
    pub lead_id: String,
    pub client_id: String,
    /// Whether the lead joined an existing client rather than creating one.
    pub merged: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Stored {
    Created(Created),
    /// The external id was seen before: this is the earlier lead.
    Duplicate {
        lead_id: String,
        client_id: String,
    },
}

#[derive(Serialize, Deserialize)]
struct ExternalIdGuard {
    lead_id: String,
    client_id: String,
    created_at: String,
}

#[derive(Serialize, Deserialize)]
struct ContactIndex {
    client_id: String,
}

const MAX_ATTEMPTS: u32 = 8;

/// The contact keys of a lead and the client each already points to, if any.
struct Contacts {
    keys: Vec<Key>,
    known: HashMap<Key, String>,
}

impl Contacts {
    fn of(lead: &Lead) -> Self {
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
    fn existing_client(&self) -> Option<&str> {
        self.keys
            .iter()
            .find_map(|key| self.known.get(key))
            .map(String::as_str)
    }
}

impl Store {
    /// Stores a lead exactly once per external id, merging it into the client its email
    /// or phone already belongs to. Optimistic: the first attempt assumes new contacts;
    /// a contact that turns out to exist (or a concurrent writer) costs one re-read and
    /// one more attempt.
    pub async fn create_lead(&self, mut new: NewLead) -> Result<Stored, StoreError> {
        let mut contacts = Contacts::of(&new.lead);
        let fresh_client_id = new.lead.client_id.clone();
        for attempt in 0..MAX_ATTEMPTS {
            let existing = contacts.existing_client().map(str::to_owned);
            new.lead.client_id = existing.clone().unwrap_or_else(|| fresh_client_id.clone());
            new.import.client_id = Some(new.lead.client_id.clone());
            let (items, layout) = self.lead_transaction(&new, &contacts, existing.is_some())?;
            let refused = match self.transact(items).await? {
                Written::Done(()) => {
                    return Ok(Stored::Created(Created {
                        lead_id: new.lead.id,
                        client_id: new.lead.client_id,
                        merged: existing.is_some(),
                    }))
                }
                Written::Refused(refused) => refused,
            };
            let failed = |index: Option<usize>| index.is_some_and(|i| refused.failed(i));
            if failed(layout.guard) {
                return self.duplicate(&new.lead).await;
            }
            if layout.contacts.iter().any(|&i| failed(Some(i))) || failed(layout.client) {
                contacts.known = self.read_contacts(&contacts.keys).await?;
            } else if refused.conflict() {
                tokio::time::sleep(backoff(attempt)).await;
            } else {
                return Err(refused.into_error());
            }
        }
        Err(StoreError::Unavailable(
            "lead transaction kept conflicting with concurrent writes".into(),
        ))
    }

    fn lead_transaction(
        &self,
        new: &NewLead,
        contacts: &Contacts,
        merge: bool,
    ) -> Result<(Vec<TransactWriteItem>, Layout), StoreError> {
        let lead = &new.lead;
        let ws = &lead.workspace_id;
        let mut items = Vec::with_capacity(7);
        let mut layout = Layout::default();

        if let Some(external_id) = &lead.external_id {
            let guard = ExternalIdGuard {
                lead_id: lead.id.clone(),
                client_id: lead.client_id.clone(),
                created_at: lead.created_at.clone(),
            };
            let key = keys::external_id(ws, lead.provider, external_id);
            layout.guard = Some(items.len());
            items.push(self.put_new(to_item(&key, "external_id", &guard)?)?);
        }

        layout.client = Some(items.len());
        items.push(if merge {
            self.merge_client(lead)?
        } else {
            let client = Client {
                id: lead.client_id.clone(),
                workspace_id: ws.clone(),
                name: lead.customer_name.clone(),
                email: lead.customer_email.clone(),
                phone: lead.customer_phone.clone(),
                service_address: lead.service_address.clone(),
                city: lead.city.clone(),
                state: lead.state.clone(),
                zip: lead.zip.clone(),
                intake_category: new.intake_category.clone(),
                created_at: lead.created_at.clone(),
            };
            let mut item = to_item(&keys::client(ws, &client.id), "client", &client)?;
            item.insert("lead_count".into(), n(1));
            item.insert("updated_at".into(), s(&lead.created_at));
            self.put_new(item)?
        });

        let index = ContactIndex {
            client_id: lead.client_id.clone(),
        };
        for key in contacts
            .keys
            .iter()
            .filter(|key| !contacts.known.contains_key(*key))
        {
            layout.contacts.push(items.len());
            items.push(self.put_new(to_item(key, "contact", &index)?)?);
        }

        let mut lead_item = to_item(&keys::lead(ws, &lead.id), "lead", lead)?;
        lead_item.insert(keys::GSI1PK.into(), s(keys::leads_index(ws)));
        lead_item.insert(
            keys::GSI1SK.into(),
            s(format!("{}#{}", lead.created_at, lead.id)),
        );
        items.push(self.put_new(lead_item)?);
        items.push(self.put_new(imports::import_item(&new.import)?)?);
        items.push(self.count(&new.import)?);
        Ok((items, layout))
    }

    fn merge_client(&self, lead: &Lead) -> Result<TransactWriteItem, StoreError> {
        let mut expression = String::from(
            "SET updated_at = :now, lead_count = if_not_exists(lead_count, :zero) + :one",
        );
        let mut values = HashMap::from([
            (":now".to_owned(), s(&lead.created_at)),
            (":zero".to_owned(), n(0)),
            (":one".to_owned(), n(1)),
        ]);
        let fill = [
            (
                "email",
                lead.customer_email.as_ref().map(ToString::to_string),
            ),
            (
                "phone",
                lead.customer_phone.as_ref().map(ToString::to_string),
            ),
            ("service_address", lead.service_address.clone()),
            ("city", lead.city.clone()),
            ("state", lead.state.clone()),
            ("zip", lead.zip.as_ref().map(ToString::to_string)),
        ];
        let mut names = HashMap::new();
        for (attribute, value) in fill {
            let Some(value) = value else { continue };
            expression.push_str(&format!(
                ", #{attribute} = if_not_exists(#{attribute}, :{attribute})"
            ));
            names.insert(format!("#{attribute}"), attribute.to_owned());
            values.insert(format!(":{attribute}"), s(value));
        }
        let client = keys::client(&lead.workspace_id, &lead.client_id);
        self.update_item(&client, |update| {
            update
                .update_expression(expression)
                .condition_expression(PRESENT)
                .set_expression_attribute_names(Some(names).filter(|names| !names.is_empty()))
                .set_expression_attribute_values(Some(values))
        })
    }

    async fn duplicate(&self, lead: &Lead) -> Result<Stored, StoreError> {
        let external_id = lead.external_id.as_deref().unwrap_or_default();
        let key = keys::external_id(&lead.workspace_id, lead.provider, external_id);
        let guard: ExternalIdGuard = self.get(&key).await?.ok_or_else(|| {
            StoreError::Unexpected("external id guard vanished after a conflict".into())
        })?;
        Ok(Stored::Duplicate {
            lead_id: guard.lead_id,
            client_id: guard.client_id,
        })
    }

    async fn read_contacts(
        &self,
        contact_keys: &[Key],
    ) -> Result<HashMap<Key, String>, StoreError> {
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
            let index: ContactIndex = super::from_item(item)?;
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

/// Where in the transaction the items whose condition can fail sit.
#[derive(Default)]
struct Layout {
    guard: Option<usize>,
    client: Option<usize>,
    contacts: Vec<usize>,
}

fn backoff(attempt: u32) -> Duration {
    let base = 10u64 << attempt.min(6);
    Duration::from_millis(base + rand::random::<u64>() % base)
}
