//! Daily caps: one counter item per connector and UTC day, gone by TTL. It is written
//! alone, before a lead's transaction and never inside one, so the lead path writes no
//! item every lead of a connector shares within a transaction.

use super::keys;
use super::{n, Store, StoreError};
use crate::domain::{ConnectorId, WorkspaceId};
use serde::Deserialize;

/// One day's counter of one connector.
#[derive(Debug, Clone)]
pub struct CapDay<'a> {
    pub workspace_id: &'a WorkspaceId,
    pub connector_id: &'a ConnectorId,
    /// `2026-01-05`
    pub day: String,
    /// Epoch seconds after which DynamoDB's TTL may remove the counter.
    pub expires_at: i64,
}

impl CapDay<'_> {
    fn key(&self) -> keys::Key {
        keys::daily_cap(self.workspace_id, self.connector_id, &self.day)
    }
}

impl Store {
    /// Counts one more lead of the day unless `cap` are counted already: one
    /// conditional `ADD`, so concurrent deliveries never pass the cap together.
    /// `false` when the cap is reached.
    pub async fn take_cap_slot(&self, day: &CapDay<'_>, cap: u32) -> Result<bool, StoreError> {
        let result = self
            .count_up(&day.key(), "daily_cap", day.expires_at)
            .condition_expression("attribute_not_exists(#count) OR #count < :cap")
            .expression_attribute_values(":cap", n(cap))
            .send()
            .await;
        Ok(self.written(result)?.passed()?.is_some())
    }

    /// Gives back a slot taken for a lead that was not made (a replay, a failed write).
    pub async fn release_cap_slot(&self, day: &CapDay<'_>) -> Result<(), StoreError> {
        let result = self
            .count_down(&day.key(), "#count > :zero")
            .expression_attribute_values(":zero", n(0))
            .send()
            .await;
        self.written(result)?.passed()?;
        Ok(())
    }

    /// How many leads the day has counted.
    pub async fn cap_count(&self, day: &CapDay<'_>) -> Result<u64, StoreError> {
        #[derive(Deserialize)]
        struct Counter {
            count: u64,
        }
        let counter = self.get::<Counter>(&day.key()).await?;
        Ok(counter.map_or(0, |c| c.count))
    }
}
