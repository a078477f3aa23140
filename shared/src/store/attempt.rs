//! What every intake attempt writes in the transaction of its outcome (a lead, a review,
//! or nothing): its import-log entry (new, or a held one settled in place) and what it
//! settles (`settle.rs`). The lead transaction, the review hold and decisions and the
//! import log all use these. Nothing here is shared by the attempts of a connector: its
//! counts follow the log through the table's stream (`connectors/counts.rs`).

use super::keys;
use super::settle::Settles;
use super::write::PRESENT;
use super::{n, s, to_item, Item, Store, StoreError};
use crate::domain::{ImportRecord, Receipt};
use aws_sdk_dynamodb::types::TransactWriteItem;
use serde::Deserialize;
use std::collections::HashMap;

/// The attribute of an entry's payload, kept on a payload item of its own.
const PAYLOAD: &str = "payload";

fn entry_item(record: &ImportRecord) -> Result<Item, StoreError> {
    let key = keys::import(&record.workspace_id, &record.id);
    let mut item = to_item(&key, "import", record)?;
    item.remove(PAYLOAD);
    if let Some(connector_id) = &record.connector_id {
        let index = keys::connector_imports_index(&record.workspace_id, connector_id);
        item.insert(keys::GSI1PK.into(), s(index));
        item.insert(keys::GSI1SK.into(), s(&record.id));
    }
    Ok(item)
}

/// The items of one attempt's outcome, and where in them the settle item sits.
pub(super) struct OutcomeItems {
    pub(super) items: Vec<TransactWriteItem>,
    /// The index of what the attempt settles (see `settle.rs`), if anything.
    pub(super) settles: Option<usize>,
}

impl Store {
    /// What an attempt writes with its outcome: its entry (new, or the held one settled
    /// in place) and what it settles for the lead of `receipt`.
    pub(super) fn outcome_items(
        &self,
        record: &ImportRecord,
        settles: &Settles,
        receipt: Option<&Receipt>,
    ) -> Result<OutcomeItems, StoreError> {
        let held = settles.settles_held_entry();
        let mut items = vec![if held {
            self.settle_entry(record)?
        } else {
            self.log_entry(record)?
        }];
        if !held && !record.payload.is_empty() {
            items.push(self.payload_item(record)?);
        }
        let mut at = None;
        if let Some(item) = self.settle_item(settles, record, receipt)? {
            at = Some(items.len());
            items.push(item);
        }
        Ok(OutcomeItems { items, settles: at })
    }

    /// The transaction item that adds an attempt's entry to the import log (once).
    pub(super) fn log_entry(&self, record: &ImportRecord) -> Result<TransactWriteItem, StoreError> {
        self.put_new(entry_item(record)?)
    }

    /// The transaction item that keeps an entry's payload beside it, gone (DynamoDB's
    /// TTL) at `payload_expires_at`.
    fn payload_item(&self, record: &ImportRecord) -> Result<TransactWriteItem, StoreError> {
        let mut item = keys::import_payload(&record.workspace_id, &record.id).to_item();
        item.insert("entity".into(), s("import_payload"));
        item.insert(PAYLOAD.into(), s(&record.payload));
        if let Some(at) = record.payload_expires_at {
            item.insert(keys::EXPIRES_AT.into(), n(at));
        }
        self.put_new(item)
    }

    /// `entry` with its payload, when the payload is kept on an item of its own (an
    /// entry written before keeps it inline); empty once the payload expired.
    pub async fn with_payload(&self, mut entry: ImportRecord) -> Result<ImportRecord, StoreError> {
        #[derive(Deserialize)]
        struct Payload {
            payload: String,
        }
        if entry.payload.is_empty() {
            let key = keys::import_payload(&entry.workspace_id, &entry.id);
            if let Some(Payload { payload }) = self.get(&key).await? {
                entry.payload = payload;
            }
        }
        Ok(entry)
    }
}

impl Store {
    /// The transaction item that settles an entry held before (for review) with the
    /// outcome `record` now has: its status, reason, lead and client.
    pub(super) fn settle_entry(
        &self,
        record: &ImportRecord,
    ) -> Result<TransactWriteItem, StoreError> {
        let mut expression = String::from("SET #status = :status");
        let mut values = HashMap::from([(":status".to_owned(), s(record.status.key()))]);
        let fields = [
            ("reason", record.reason.as_deref()),
            ("lead_id", record.lead_id.as_deref()),
            ("client_id", record.client_id.as_deref()),
            ("external_id", record.external_id.as_deref()),
        ];
        for (name, value) in fields {
            let Some(value) = value else { continue };
            expression.push_str(&format!(", {name} = :{name}"));
            values.insert(format!(":{name}"), s(value));
        }
        // A held entry that made no lead after all (rejected, replayed) expires now.
        if let Some(at) = record.expires_at {
            expression.push_str(&format!(", {0} = :{0}", keys::EXPIRES_AT));
            values.insert(format!(":{}", keys::EXPIRES_AT), n(at));
        }
        let key = keys::import(&record.workspace_id, &record.id);
        self.tx_update(&key, |update| {
            update
                .update_expression(expression)
                .condition_expression(PRESENT)
                .expression_attribute_names("#status", "status")
                .set_expression_attribute_values(Some(values))
        })
    }
}
