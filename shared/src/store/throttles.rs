//! Throttle windows: one atomic counter per scope, value and fixed window, gone by TTL.

use super::counter::{count, COUNT};
use super::keys;
use super::{Store, StoreError};
use aws_sdk_dynamodb::types::ReturnValue;

impl Store {
    /// Adds one to the counter of `window` and answers the count with this hit.
    /// `expires_at` (epoch seconds) lets DynamoDB's TTL remove the item afterwards.
    pub async fn throttle_hit(
        &self,
        scope: &str,
        value: &str,
        window: u64,
        expires_at: u64,
    ) -> Result<u64, StoreError> {
        let output = self
            .count_up(
                &keys::throttle(scope, value, window),
                "throttle",
                expires_at,
            )
            .return_values(ReturnValue::UpdatedNew)
            .send()
            .await
            .map_err(|e| self.error(e))?;
        output
            .attributes
            .as_ref()
            .and_then(|attributes| attributes.get(COUNT))
            .and_then(count)
            .ok_or_else(|| StoreError::Unexpected("a throttle update returned no count".into()))
    }

    /// Takes one back from the counter of `window`, if it is still there.
    pub async fn throttle_release(
        &self,
        scope: &str,
        value: &str,
        window: u64,
    ) -> Result<(), StoreError> {
        let key = keys::throttle(scope, value, window);
        let update = self.count_down(&key, super::write::PRESENT);
        self.written(update.send().await)?.passed()?;
        Ok(())
    }
}
