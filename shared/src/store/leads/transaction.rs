//! The one transaction that stores a lead: the external-id guard, the client (new, or
//! merged into), the new contact index items, the lead, its import-log entry, and what
//! it settles (an `Idempotency-Key`'s record, a review). Nothing in it is written by
//! every lead of a connector or a workspace: concurrent leads conflict only when they
//! share a client or an external id.

use super::super::keys;
use super::super::write::PRESENT;
use super::super::{n, s, to_item, Store, StoreError};
use super::contacts::{ContactIndex, Contacts};
use super::{ExternalIdGuard, NewLead};
use crate::domain::{name_key, Client, ImportStatus, Lead, Receipt};
use crate::store::Item;
use aws_sdk_dynamodb::types::TransactWriteItem;
use std::collections::HashMap;

/// Where in the transaction the items whose condition can fail sit.
#[derive(Default)]
pub(super) struct Layout {
    pub(super) guard: Option<usize>,
    pub(super) client: Option<usize>,
    pub(super) contacts: Vec<usize>,
    pub(super) settles: Option<usize>,
}

impl Store {
    /// The items of the lead transaction, and where the ones whose condition can fail sit.
    pub(super) fn lead_transaction(
        &self,
        new: &NewLead,
        contacts: &Contacts,
        merge: bool,
    ) -> Result<(Vec<TransactWriteItem>, Layout), StoreError> {
        let lead = &new.lead;
        let ws = &lead.workspace_id;
        let mut items = Vec::with_capacity(8);
        let mut layout = Layout::default();

        if let Some(external_id) = &lead.external_id {
            let guard = ExternalIdGuard {
                lead_id: lead.id.clone(),
                client_id: lead.client_id.clone(),
                created_at: lead.created_at.clone(),
            };
            let key = keys::external_id(
                ws,
                lead.provider,
                external_id,
                lead.customer_email.as_ref(),
                lead.customer_phone.as_ref(),
            );
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

        items.push(self.put_new(lead_item(lead)?)?);
        let receipt = Receipt::of(lead, ImportStatus::Imported, &new.import.id);
        let outcome = self.outcome_items(&new.import, &new.settles, Some(&receipt))?;
        layout.settles = outcome.settles.map(|at| items.len() + at);
        items.extend(outcome.items);
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
        self.tx_update(&client, |update| {
            update
                .update_expression(expression)
                .condition_expression(PRESENT)
                .set_expression_attribute_names(Some(names).filter(|names| !names.is_empty()))
                .set_expression_attribute_values(Some(values))
        })
    }
}

/// The lead with its places in the lead indexes: by time, by client, by name.
fn lead_item(lead: &Lead) -> Result<Item, StoreError> {
    let ws = &lead.workspace_id;
    let by_time = keys::lead_by_time(&lead.created_at, &lead.id);
    let name = keys::lead_by_name(&name_key(&lead.customer_name), &lead.created_at, &lead.id);
    let mut item = to_item(&keys::lead(ws, &lead.id), "lead", lead)?;
    item.extend([
        (keys::GSI1PK.into(), s(keys::leads_index(ws))),
        (keys::GSI1SK.into(), s(&by_time)),
        (
            keys::GSI2PK.into(),
            s(keys::client_leads_index(ws, &lead.client_id)),
        ),
        (keys::GSI2SK.into(), s(&by_time)),
        (keys::GSI3PK.into(), s(keys::lead_names_index(ws))),
        (keys::GSI3SK.into(), s(name)),
    ]);
    Ok(item)
}
