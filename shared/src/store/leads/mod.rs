//! Leads and their clients: stored with one `TransactWriteItems` (see `transaction.rs`),
//! exactly once per external id, and read back one by one or newest first.

mod contacts;
mod search;
mod transaction;

pub use search::{Contact, LeadQuery, LeadsBy};

use super::condition::Written;
use super::keys;
use super::page::Source;
use super::settle::Settles;
use super::{BadCursor, Page, Store, StoreError};
use crate::domain::{ClientId, LeadId, WorkspaceId};
use crate::domain::{Email, ImportRecord, Lead, PhoneE164, Provider};
use contacts::Contacts;
use serde::{Deserialize, Serialize};

/// A validated lead ready to store, with the import-log entry that records it.
/// `lead.client_id` is a fresh id, used when no client matches the contacts.
#[derive(Debug, Clone)]
pub struct NewLead {
    pub lead: Lead,
    pub import: ImportRecord,
    /// The intake category stored on a new client.
    pub intake_category: String,
    /// What else the lead's transaction settles (an `Idempotency-Key`, a review).
    pub settles: Settles,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Created {
    pub lead_id: LeadId,
    pub client_id: ClientId,
    /// Whether the lead joined an existing client rather than creating one.
    pub merged: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Stored {
    Created(Created),
    /// The external id was seen before: this is the earlier lead.
    Duplicate {
        lead_id: LeadId,
        client_id: ClientId,
    },
}

/// What an external id led to: the guard item that makes a lead once per id.
#[derive(Serialize, Deserialize)]
struct ExternalIdGuard {
    lead_id: LeadId,
    client_id: ClientId,
    created_at: String,
}

/// How often the transaction is built again after a contact turned out to exist.
const MAX_ATTEMPTS: u32 = 8;

impl Store {
    /// Stores a lead exactly once per external id, merging it into the client its email
    /// or phone already belongs to, with its import entry and what it settles
    /// ([`StoreError::Superseded`] when another request settled that first). Optimistic:
    /// the first attempt assumes new contacts; a contact that turns out to exist costs
    /// one re-read and one more attempt. A conflict with a concurrent transaction is
    /// retried by the store's retry policy (`write.rs`).
    pub async fn create_lead(&self, mut new: NewLead) -> Result<Stored, StoreError> {
        let mut contacts = Contacts::of(&new.lead);
        let fresh_client_id = new.lead.client_id.clone();
        for _ in 0..MAX_ATTEMPTS {
            let existing = contacts.existing_client().cloned();
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
            if failed(layout.settles) {
                return Err(StoreError::Superseded);
            }
            if failed(layout.guard) {
                return self.duplicate(&new.lead).await;
            }
            if layout.contacts.iter().any(|&i| failed(Some(i))) || failed(layout.client) {
                contacts.known = self.read_contacts(&contacts.keys).await?;
            } else if refused.conflict() {
                // Still conflicting after the SDK's retries (`write.rs`).
                return Err(StoreError::Unavailable(
                    "the lead's transaction kept conflicting with concurrent writes".into(),
                ));
            } else {
                return Err(refused.into_error());
            }
        }
        Err(StoreError::Unavailable(
            "the lead's contacts kept changing under concurrent writes".into(),
        ))
    }

    async fn duplicate(&self, lead: &Lead) -> Result<Stored, StoreError> {
        let external_id = lead.external_id.as_deref().unwrap_or_default();
        let key = keys::external_id(
            &lead.workspace_id,
            lead.provider,
            external_id,
            lead.customer_email.as_ref(),
            lead.customer_phone.as_ref(),
        );
        let guard: ExternalIdGuard = self.get(&key).await?.ok_or_else(|| {
            StoreError::Unexpected("external id guard vanished after a conflict".into())
        })?;
        Ok(Stored::Duplicate {
            lead_id: guard.lead_id,
            client_id: guard.client_id,
        })
    }

    pub async fn lead(
        &self,
        workspace_id: &WorkspaceId,
        lead_id: &LeadId,
    ) -> Result<Option<Lead>, StoreError> {
        self.get(&keys::lead(workspace_id, lead_id)).await
    }

    /// A workspace's leads, newest first.
    pub async fn leads(
        &self,
        workspace_id: &WorkspaceId,
        limit: i32,
        cursor: Option<&str>,
    ) -> Result<Result<Page<Lead>, BadCursor>, StoreError> {
        let source = Source::index(keys::leads_index(workspace_id));
        self.page(source, limit, cursor).await
    }

    /// The lead an external id already produced for this provider (and, on a public
    /// door, for this email and phone), if any.
    pub async fn lead_for_external_id(
        &self,
        workspace_id: &WorkspaceId,
        provider: Provider,
        external_id: &str,
        contact: (Option<&Email>, Option<&PhoneE164>),
    ) -> Result<Option<LeadId>, StoreError> {
        let (email, phone) = contact;
        let key = keys::external_id(workspace_id, provider, external_id, email, phone);
        Ok(self
            .get::<ExternalIdGuard>(&key)
            .await?
            .map(|guard| guard.lead_id))
    }
}
