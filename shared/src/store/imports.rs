//! The import log: every attempt, whatever its outcome, with the connector's counters.

use super::keys;
use super::write::PRESENT;
use super::{n, s, to_item, Item, Store, StoreError};
use crate::domain::ImportRecord;
use aws_sdk_dynamodb::types::TransactWriteItem;
use std::collections::HashMap;

pub(crate) fn import_item(record: &ImportRecord) -> Result<Item, StoreError> {
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
    /// The connector counter update for one import: `count_<status>` and the time of the
    /// last delivery. Fails its condition when the connector no longer exists.
    pub(crate) fn count(&self, record: &ImportRecord) -> Result<TransactWriteItem, StoreError> {
        let connector_id = record.connector_id.as_deref().unwrap_or_default();
        let connector = keys::connector(&record.workspace_id, connector_id);
        self.update_item(&connector, |update| {
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

    /// Records an attempt that created no lead (replayed, failed, ignored, held for
    /// review), counting it on its connector when the connector still exists.
    pub async fn log_import(&self, record: &ImportRecord) -> Result<(), StoreError> {
        let import = self.put_new(import_item(record)?)?;
        if record.connector_id.is_some() {
            let counted = vec![import.clone(), self.count(record)?];
            if self.transact(counted).await?.passed()?.is_some() {
                return Ok(());
            }
        }
        self.transact(vec![import]).await?.done()
    }
}
