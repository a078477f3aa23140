//! What every intake attempt writes in the transaction of its outcome (a lead, a review,
//! or nothing): its import-log entry (new, or a held one settled in place), its count on
//! its connector, and what it settles (`settle.rs`). The lead transaction, the review
//! hold and decisions and the import log all use these; the counters are read back with
//! the connector.

use super::keys;
use super::settle::{Settles, HELD_STATUS};
use super::write::PRESENT;
use super::{n, s, to_item, Item, Store, StoreError};
use crate::domain::{ImportRecord, ImportStatus, Receipt};
use aws_sdk_dynamodb::types::TransactWriteItem;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// The delivery counters [`Store::count`] keeps on the connector item.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Counters {
    #[serde(deserialize_with = "count")]
    pub count_imported: u64,
    #[serde(deserialize_with = "count")]
    pub count_replayed: u64,
    /// Held now: a decision moves the count to the decision's status.
    #[serde(deserialize_with = "count")]
    pub count_review_required: u64,
    #[serde(deserialize_with = "count")]
    pub count_failed: u64,
    #[serde(deserialize_with = "count")]
    pub count_ignored: u64,
    pub last_received_at: Option<String>,
}

/// A count as stored; one moved below zero (a hold counted before holds were) is zero.
fn count<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<u64, D::Error> {
    let stored = i64::deserialize(deserializer)?;
    Ok(stored.max(0).unsigned_abs())
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

/// The connector item an attempt is counted on.
fn counted_on(record: &ImportRecord) -> keys::Key {
    let connector_id = record.connector_id.clone().unwrap_or_else(|| "".into());
    keys::connector(&record.workspace_id, &connector_id)
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

/// The items of one attempt's outcome, and where in them the settle item sits.
pub(super) struct OutcomeItems {
    pub(super) items: Vec<TransactWriteItem>,
    /// The connector count's index, when counted.
    pub(super) count: Option<usize>,
    /// The index of what the attempt settles (see `settle.rs`), if anything.
    pub(super) settles: Option<usize>,
}

impl Store {
    /// What an attempt writes with its outcome: its entry (new, or the held one settled
    /// in place), its count on the connector (moved from `review_required` for a held
    /// one) when `counted`, and what it settles for the lead of `receipt`.
    pub(super) fn outcome_items(
        &self,
        record: &ImportRecord,
        settles: &Settles,
        receipt: Option<&Receipt>,
        counted: bool,
    ) -> Result<OutcomeItems, StoreError> {
        let held = settles.settles_held_entry();
        let mut items = vec![if held {
            self.settle_entry(record)?
        } else {
            self.log_entry(record)?
        }];
        let mut count = None;
        if counted && record.connector_id.is_some() {
            count = Some(items.len());
            items.push(if held {
                self.recount(record, HELD_STATUS)?
            } else {
                self.count(record)?
            });
        }
        let mut at = None;
        if let Some(item) = self.settle_item(settles, record, receipt)? {
            at = Some(items.len());
            items.push(item);
        }
        Ok(OutcomeItems {
            items,
            count,
            settles: at,
        })
    }

    /// The transaction item that adds an attempt's entry to the import log (once).
    pub(super) fn log_entry(&self, record: &ImportRecord) -> Result<TransactWriteItem, StoreError> {
        self.put_new(entry_item(record)?)
    }

    /// The connector counter update for one attempt: `count_<status>` and the time of the
    /// last delivery. Fails its condition when the connector no longer exists.
    pub(super) fn count(&self, record: &ImportRecord) -> Result<TransactWriteItem, StoreError> {
        self.tx_update(&counted_on(record), |update| {
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
        let key = keys::import(&record.workspace_id, &record.id);
        self.tx_update(&key, |update| {
            update
                .update_expression(expression)
                .condition_expression(PRESENT)
                .expression_attribute_names("#status", "status")
                .set_expression_attribute_values(Some(values))
        })
    }

    /// The connector counter update for an attempt that moves from `from` (a held entry
    /// settling) to its status now.
    pub(super) fn recount(
        &self,
        record: &ImportRecord,
        from: ImportStatus,
    ) -> Result<TransactWriteItem, StoreError> {
        self.tx_update(&counted_on(record), |update| {
            update
                .update_expression("ADD #to :one, #from :minus")
                .condition_expression(PRESENT)
                .expression_attribute_names("#to", format!("count_{}", record.status.key()))
                .expression_attribute_names("#from", format!("count_{}", from.key()))
                .set_expression_attribute_values(Some(HashMap::from([
                    (":one".to_owned(), n(1)),
                    (":minus".to_owned(), n(-1)),
                ])))
        })
    }
}
