//! A connector's delivery counts: one item beside the connector's that no intake writes
//! (no item every lead of a connector writes, so a burst on one connector never
//! conflicts on it). The table's stream counts instead: each import entry once as it is
//! logged (INSERT) and again when it settles (MODIFY: a held entry decided), one
//! `UpdateItem` per connector per batch. The item keeps the stream sequence number it
//! has counted through, so a batch delivered again counts nothing twice.

use super::super::keys::{self, Key};
use super::super::{image_text, n, s, Item, Store, StoreError};
use crate::domain::{ConnectorId, ImportStatus, WorkspaceId};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// How many times a batch's counts are read again when another counter moved them
/// first (two deliveries of overlapping batches).
const MAX_ATTEMPTS: u32 = 4;
/// Where the counts item keeps the last sequence number it counted.
const COUNTED_THROUGH: &str = "counted_through";

/// A connector's deliveries by status, as the stream counted them.
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

/// A count as stored; one moved below zero (a settle counted before its hold) is zero.
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

    /// These counts and `other`'s together (counts kept on the connector item by
    /// earlier versions, and the counts item).
    pub(super) fn plus(self, other: Counters) -> Counters {
        Counters {
            count_imported: self.count_imported + other.count_imported,
            count_replayed: self.count_replayed + other.count_replayed,
            count_review_required: self.count_review_required + other.count_review_required,
            count_failed: self.count_failed + other.count_failed,
            count_ignored: self.count_ignored + other.count_ignored,
            last_received_at: self.last_received_at.max(other.last_received_at),
        }
    }
}

/// One import entry's change on the table's stream, as the counter reads it.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportChange {
    workspace_id: WorkspaceId,
    connector_id: ConnectorId,
    /// The status counted before (a settled entry's), if any.
    from: Option<ImportStatus>,
    to: ImportStatus,
    received_at: String,
    /// The record's sequence number, padded so that text order is number order.
    sequence: String,
}

fn status(image: &serde_dynamo::Item) -> Option<ImportStatus> {
    let text = image_text(image, "status")?;
    ImportStatus::ALL.into_iter().find(|s| s.key() == text)
}

impl ImportChange {
    /// What a stream record (event name, sequence number, old and new images) changes
    /// in a connector's counts: `None` for any other item, an entry of no connector, or
    /// a change that keeps the entry's status.
    pub fn of(
        event_name: &str,
        sequence: &str,
        old: &serde_dynamo::Item,
        new: &serde_dynamo::Item,
    ) -> Option<Self> {
        let sk = image_text(new, keys::SK)?;
        if image_text(new, "entity") != Some("import") || !sk.starts_with(keys::IMPORT_PREFIX) {
            return None;
        }
        let from = match event_name {
            "INSERT" => None,
            "MODIFY" => Some(status(old)?),
            _ => return None,
        };
        let to = status(new)?;
        if from == Some(to) {
            return None;
        }
        Some(Self {
            workspace_id: image_text(new, "workspace_id")?.into(),
            connector_id: image_text(new, "connector_id")?.into(),
            from,
            to,
            received_at: image_text(new, "received_at")?.to_owned(),
            sequence: format!("{sequence:0>40}"),
        })
    }

    fn counts_key(&self) -> Key {
        keys::connector_counts(&self.workspace_id, &self.connector_id)
    }
}

impl Store {
    /// Counts `changes` (a stream batch's, in stream order) on their connectors' counts
    /// items: one `UpdateItem` per connector, skipping what an item already counted.
    pub async fn count_imports(&self, changes: &[ImportChange]) -> Result<(), StoreError> {
        let mut by_connector: Vec<(Key, Vec<&ImportChange>)> = Vec::new();
        for change in changes {
            let key = change.counts_key();
            match by_connector.iter_mut().find(|(k, _)| *k == key) {
                Some((_, batch)) => batch.push(change),
                None => by_connector.push((key, vec![change])),
            }
        }
        let keys: Vec<Key> = by_connector.iter().map(|(key, _)| key.clone()).collect();
        let mut stored = self.get_many(&keys).await?;
        for (key, batch) in by_connector {
            let mut through = stored.remove(&key).and_then(|item| counted_through(&item));
            for attempt in 0..MAX_ATTEMPTS {
                let fresh: Vec<&ImportChange> = batch
                    .iter()
                    .copied()
                    .filter(|c| through.as_ref().is_none_or(|t| c.sequence > *t))
                    .collect();
                if fresh.is_empty() || self.add_counts(&key, &fresh, through.as_deref()).await? {
                    break;
                }
                if attempt + 1 == MAX_ATTEMPTS {
                    return Err(StoreError::Unavailable(
                        "a connector's counts kept moving under concurrent counters".into(),
                    ));
                }
                let mut read = self.get_many(std::slice::from_ref(&key)).await?;
                through = read.remove(&key).and_then(|item| counted_through(&item));
            }
        }
        Ok(())
    }

    /// Adds `changes` to the counts at `key` if it has counted through `through` (and
    /// no further); `false` when another counter moved it first.
    async fn add_counts(
        &self,
        key: &Key,
        changes: &[&ImportChange],
        through: Option<&str>,
    ) -> Result<bool, StoreError> {
        let mut deltas: HashMap<&str, i64> = HashMap::new();
        let mut last_received_at = None;
        for change in changes {
            *deltas.entry(change.to.key()).or_default() += 1;
            match change.from {
                Some(from) => *deltas.entry(from.key()).or_default() -= 1,
                None => last_received_at = Some(change.received_at.as_str()),
            }
        }
        let last = changes
            .last()
            .map(|c| c.sequence.as_str())
            .unwrap_or_default();
        let mut values = HashMap::from([
            (":through".to_owned(), s(last)),
            (":entity".to_owned(), s("connector_counts")),
        ]);
        let mut set = vec![
            format!("{COUNTED_THROUGH} = :through"),
            "entity = :entity".into(),
        ];
        if let Some(at) = last_received_at {
            set.push("last_received_at = :at".into());
            values.insert(":at".into(), s(at));
        }
        let add: Vec<String> = deltas
            .iter()
            .map(|(status, delta)| {
                values.insert(format!(":{status}"), n(delta));
                format!("count_{status} :{status}")
            })
            .collect();
        let condition = match through {
            Some(seen) => {
                values.insert(":seen".into(), s(seen));
                format!("{COUNTED_THROUGH} = :seen")
            }
            None => format!("attribute_not_exists({COUNTED_THROUGH})"),
        };
        let update = self
            .update(key)
            .update_expression(format!("SET {} ADD {}", set.join(", "), add.join(", ")))
            .condition_expression(condition)
            .set_expression_attribute_values(Some(values))
            .send()
            .await;
        Ok(self.written(update)?.passed()?.is_some())
    }

    /// The counts items of a workspace's connectors, by connector.
    pub(super) async fn counts_of(
        &self,
        workspace_id: &WorkspaceId,
        connector_ids: &[&ConnectorId],
    ) -> Result<HashMap<ConnectorId, Counters>, StoreError> {
        let keys: Vec<Key> = connector_ids
            .iter()
            .map(|id| keys::connector_counts(workspace_id, id))
            .collect();
        let mut found = self.get_many(&keys).await?;
        let mut counts = HashMap::new();
        for (id, key) in connector_ids.iter().zip(&keys) {
            if let Some(item) = found.remove(key) {
                counts.insert((*id).clone(), super::super::from_item(item)?);
            }
        }
        Ok(counts)
    }
}

fn counted_through(item: &Item) -> Option<String> {
    item.get(COUNTED_THROUGH)
        .and_then(|value| value.as_s().ok())
        .cloned()
}
