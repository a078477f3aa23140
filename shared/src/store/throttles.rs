//! Throttle windows: one atomic counter per scope, value and fixed window, gone by TTL.

use super::keys;
use super::{n, Store, StoreError};
use aws_sdk_dynamodb::types::{AttributeValue, ReturnValue};

const COUNT: &str = "count";

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
            .update(&keys::throttle(scope, value, window))
            .update_expression("ADD #count :one SET #expires_at = :expires_at, #entity = :entity")
            .expression_attribute_names("#count", COUNT)
            .expression_attribute_names("#expires_at", keys::EXPIRES_AT)
            .expression_attribute_names("#entity", "entity")
            .expression_attribute_values(":one", n(1))
            .expression_attribute_values(":expires_at", n(expires_at))
            .expression_attribute_values(":entity", super::s("throttle"))
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
        let update = self
            .update(&keys::throttle(scope, value, window))
            .update_expression("ADD #count :minus")
            .condition_expression(super::write::PRESENT)
            .expression_attribute_names("#count", COUNT)
            .expression_attribute_values(":minus", n(-1));
        self.written(update.send().await)?.passed()?;
        Ok(())
    }
}

fn count(value: &AttributeValue) -> Option<u64> {
    value.as_n().ok().and_then(|count| count.parse().ok())
}
