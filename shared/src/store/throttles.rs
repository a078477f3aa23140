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

    /// The count of `window` so far, without adding to it.
    pub async fn throttle_count(
        &self,
        scope: &str,
        value: &str,
        window: u64,
    ) -> Result<u64, StoreError> {
        let output = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(keys::throttle(scope, value, window).to_item()))
            .projection_expression("#count")
            .expression_attribute_names("#count", COUNT)
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| self.error(e))?;
        Ok(output
            .item
            .as_ref()
            .and_then(|item| item.get(COUNT))
            .and_then(count)
            .unwrap_or(0))
    }
}

fn count(value: &AttributeValue) -> Option<u64> {
    value.as_n().ok().and_then(|count| count.parse().ok())
}
