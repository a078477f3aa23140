//! What every intake attempt writes in the transaction of its outcome (a lead, a review,
//! or nothing): its import-log entry, and its count on its connector. The lead
//! transaction, the review hold and the import log all use these; the counters are
//! read back with the connector.

use super::keys;
use super::write::PRESENT;
use super::{n, s, to_item, Item, Store, StoreError};
use crate::domain::{ImportRecord, ImportStatus};
use aws_sdk_dynamodb::types::TransactWriteItem;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// The delivery counters [`Store::count`] keeps on the connector item.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Counters {
    pub count_imported: u64,
    pub count_replayed: u64,
    pub count_review_required: u64,
    pub count_failed: u64,
    pub count_ignored: u64,
    pub last_received_at: Option<String>,
}

impl Counters {
    pub fn get(&self, status: ImportStatus) -> u64 {
        match status {
            ImportStatus::Imported => self.count_imported,
            ImportStatus::Replayed => self.count_replayed,
            ImportStatus::ReviewRequired => self.count_review_required,
            ImportStatus::Failed => self.count_failed,
            ImportStatus::Ignored => self.count_ignored,
        }
    }
}

fn entry_item(record: &ImportRecord) -> Result<Item, StoreError> {
    let key = keys::import(&record.workspace_id, &record.id);
    let mut item = to_item(&key, "import", record)?;
    if let Some(connector_id) = &record.connector_id {
        let index = keys::connector_imports_index(&record.workspace_id, connector_id);
        item.insert(keys::GSI1PK.into(), s(index));
        item.insert(keys::GSI1SK.into(), s(&record.id));
    }
    Ok(item)
}

impl Store {
    /// The transaction item that adds an attempt's entry to the import log (once).
    pub(super) fn log_entry(&self, record: &ImportRecord) -> Result<TransactWriteItem, StoreError> {
        self.put_new(entry_item(record)?)
    }

    /// The connector counter update for one attempt: `count_<status>` and the time of the
    /// last delivery. Fails its condition when the connector no longer exists.
    pub(super) fn count(&self, record: &ImportRecord) -> Result<TransactWriteItem, StoreError> {
        let connector_id = record.connector_id.clone().unwrap_or_else(|| "".into());
        let connector = keys::connector(&record.workspace_id, &connector_id);
        self.tx_update(&connector, |update| {
            update
                .update_expression("ADD #count :one SET last_received_at = :at")
                .condition_expression(PRESENT)
                .expression_attribute_names("#count", format!("count_{}", record.status.key()))
                .set_expression_attribute_values(Some(HashMap::from([
                    (":one".to_owned(), n(1)),
                    (":at".to_owned(), s(&record.received_at)),
                ])))
        })
    }
}
