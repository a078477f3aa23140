//! A counter item that expires: one atomic `ADD` a hit, gone by DynamoDB's TTL. Daily
//! caps and throttle windows are both one; each adds its own condition or return value.

use super::keys::{self, Key};
use super::{n, s, Store};
use aws_sdk_dynamodb::operation::update_item::builders::UpdateItemFluentBuilder;
use aws_sdk_dynamodb::types::AttributeValue;

/// The counter's attribute, `#count` in the expressions below.
pub(super) const COUNT: &str = "count";

impl Store {
    /// Adds one to the counter at `key` (creating it as an `entity` item that DynamoDB's
    /// TTL may remove after `expires_at`, epoch seconds). A condition may name `#count`.
    pub(super) fn count_up(
        &self,
        key: &Key,
        entity: &str,
        expires_at: impl ToString,
    ) -> UpdateItemFluentBuilder {
        self.update(key)
            .update_expression("ADD #count :one SET #expires_at = :expires_at, #entity = :entity")
            .expression_attribute_names("#count", COUNT)
            .expression_attribute_names("#expires_at", keys::EXPIRES_AT)
            .expression_attribute_names("#entity", "entity")
            .expression_attribute_values(":one", n(1))
            .expression_attribute_values(":expires_at", n(expires_at))
            .expression_attribute_values(":entity", s(entity))
    }

    /// Takes one back from the counter at `key`, only while `condition` (naming
    /// `#count`) holds: a counter that expired meanwhile is not made again.
    pub(super) fn count_down(&self, key: &Key, condition: &str) -> UpdateItemFluentBuilder {
        self.update(key)
            .update_expression("ADD #count :minus_one")
            .condition_expression(condition)
            .expression_attribute_names("#count", COUNT)
            .expression_attribute_values(":minus_one", n(-1))
    }
}

/// A counter's value as DynamoDB returned it.
pub(super) fn count(value: &AttributeValue) -> Option<u64> {
    value.as_n().ok().and_then(|count| count.parse().ok())
}
