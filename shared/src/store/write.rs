//! Writing items: single writes and transaction items against this table, "put if
//! absent", the one runner of transactions, and the one retry policy of every call.

use super::condition::{ConditionalWrite, Reason, Written};
use super::keys::Key;
use super::limits;
use super::{Item, Store, StoreError};
use aws_sdk_dynamodb::config::interceptors::InterceptorContext;
use aws_sdk_dynamodb::config::retry::{ClassifyRetry, RetryAction, RetryConfig};
use aws_sdk_dynamodb::error::BuildError;
use aws_sdk_dynamodb::error::ProvideErrorMetadata;
use aws_sdk_dynamodb::operation::delete_item::builders::DeleteItemFluentBuilder;
use aws_sdk_dynamodb::operation::delete_item::DeleteItemError;
use aws_sdk_dynamodb::operation::put_item::builders::PutItemFluentBuilder;
use aws_sdk_dynamodb::operation::put_item::PutItemError;
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::operation::update_item::builders::UpdateItemFluentBuilder;
use aws_sdk_dynamodb::operation::update_item::UpdateItemError;
use aws_sdk_dynamodb::types::builders::{DeleteBuilder, PutBuilder, UpdateBuilder};
use aws_sdk_dynamodb::types::{Delete, Put, TransactWriteItem, Update};
use std::time::Duration;

/// The condition of a write that never overwrites: the item's key is new.
pub(super) const ABSENT: &str = "attribute_not_exists(pk)";
/// The condition of a write that never creates: the item is there.
pub(super) const PRESENT: &str = "attribute_exists(pk)";

/// How often a call is made before its error is answered, and the backoff between
/// attempts: exponential from 25 ms (DynamoDB's own SDKs' base), capped at one second,
/// each drawn at random below its bound (full jitter), as the SDK's standard mode does.
pub(super) const MAX_ATTEMPTS: u32 = 8;
const FIRST_BACKOFF: Duration = Duration::from_millis(25);
const MAX_BACKOFF: Duration = Duration::from_secs(1);

/// The retry policy of every call of the store: throttling, transient faults and
/// transaction conflicts, retried by the SDK with jittered backoff.
pub(super) fn retry_config() -> RetryConfig {
    RetryConfig::standard()
        .with_max_attempts(MAX_ATTEMPTS)
        .with_initial_backoff(FIRST_BACKOFF)
        .with_max_backoff(MAX_BACKOFF)
}

/// The wait before attempt `attempt` (from 1) of something the store repeats itself
/// (a batch read's unprocessed keys): the same jittered backoff.
pub(super) fn backoff(attempt: u32) -> Duration {
    let bound = FIRST_BACKOFF
        .saturating_mul(1 << attempt.min(6))
        .min(MAX_BACKOFF);
    bound.mul_f64(rand::random::<f64>())
}

/// Marks DynamoDB's conflicts retryable: a transaction cancelled only because another
/// one held its items (`TransactionConflict`, nothing written), and a single-item write
/// to an item inside a running transaction (`TransactionConflictException`). The SDK
/// leaves both to the caller; sent again, either is safe. A transaction a condition
/// refused is an answer, never retried.
#[derive(Debug)]
pub(super) struct Conflicts;

impl ClassifyRetry for Conflicts {
    fn classify_retry(&self, ctx: &InterceptorContext) -> RetryAction {
        let Some(Err(err)) = ctx.output_or_error() else {
            return RetryAction::NoActionIndicated;
        };
        let conflicted = err.as_operation_error().is_some_and(|err| {
            if let Some(err) = err.downcast_ref::<TransactWriteItemsError>() {
                return ConditionalWrite::reasons(err).is_some_and(|reasons| {
                    reasons.contains(&Reason::Conflict) && !reasons.contains(&Reason::Condition)
                });
            }
            let code = (err.downcast_ref::<PutItemError>().and_then(|e| e.code()))
                .or_else(|| err.downcast_ref::<UpdateItemError>().and_then(|e| e.code()))
                .or_else(|| err.downcast_ref::<DeleteItemError>().and_then(|e| e.code()));
            code == Some("TransactionConflictException")
        });
        if conflicted {
            RetryAction::throttling_error()
        } else {
            RetryAction::NoActionIndicated
        }
    }

    fn name(&self) -> &'static str {
        "DynamoDB transaction conflicts"
    }
}

fn unbuilt(err: BuildError) -> StoreError {
    StoreError::Unexpected(Box::new(err))
}

impl Store {
    /// A `PutItem` of `item`.
    pub(super) fn put(&self, item: Item) -> PutItemFluentBuilder {
        let put = self.client.put_item().table_name(&self.table);
        put.set_item(Some(item))
    }

    /// An `UpdateItem` of the item at `key`.
    pub(super) fn update(&self, key: &Key) -> UpdateItemFluentBuilder {
        let update = self.client.update_item().table_name(&self.table);
        update.set_key(Some(key.to_item()))
    }

    /// A `DeleteItem` of the item at `key`.
    pub(super) fn delete(&self, key: &Key) -> DeleteItemFluentBuilder {
        let delete = self.client.delete_item().table_name(&self.table);
        delete.set_key(Some(key.to_item()))
    }

    /// A transaction item that puts `item`, as `build` conditions it.
    pub(super) fn tx_put(
        &self,
        item: Item,
        build: impl FnOnce(PutBuilder) -> PutBuilder,
    ) -> Result<TransactWriteItem, StoreError> {
        let what = item
            .get("entity")
            .and_then(|v| v.as_s().ok())
            .map_or("item", String::as_str);
        limits::check_item(&item, what)?;
        let put = Put::builder().table_name(&self.table).set_item(Some(item));
        let put = build(put).build().map_err(unbuilt)?;
        Ok(TransactWriteItem::builder().put(put).build())
    }

    /// A transaction item that updates the item at `key` as `build` says.
    pub(super) fn tx_update(
        &self,
        key: &Key,
        build: impl FnOnce(UpdateBuilder) -> UpdateBuilder,
    ) -> Result<TransactWriteItem, StoreError> {
        key.checked("updated")?;
        let update = Update::builder()
            .table_name(&self.table)
            .set_key(Some(key.to_item()));
        let update = build(update).build().map_err(unbuilt)?;
        Ok(TransactWriteItem::builder().update(update).build())
    }

    /// A transaction item that deletes the item at `key`, as `build` conditions it.
    pub(super) fn tx_delete(
        &self,
        key: &Key,
        build: impl FnOnce(DeleteBuilder) -> DeleteBuilder,
    ) -> Result<TransactWriteItem, StoreError> {
        key.checked("deleted")?;
        let delete = Delete::builder()
            .table_name(&self.table)
            .set_key(Some(key.to_item()));
        let delete = build(delete).build().map_err(unbuilt)?;
        Ok(TransactWriteItem::builder().delete(delete).build())
    }

    /// A transaction item that puts `item` only if its key is new.
    pub(super) fn put_new(&self, item: Item) -> Result<TransactWriteItem, StoreError> {
        self.tx_put(item, |put| put.condition_expression(ABSENT))
    }

    /// Writes `items` in one transaction: all of them, or none and why.
    pub(super) async fn transact(
        &self,
        items: Vec<TransactWriteItem>,
    ) -> Result<Written<()>, StoreError> {
        let bytes = items.iter().map(transaction_item_size).sum();
        limits::check_transaction(items.len(), bytes)?;
        let result = self
            .client
            .transact_write_items()
            .set_transact_items(Some(items))
            .send()
            .await;
        self.written(result.map(|_| ()))
    }

    /// Puts every item in one transaction, each only if its key is new.
    /// `false` (and nothing written) when any key already exists.
    pub(super) async fn put_all_new(
        &self,
        items: impl IntoIterator<Item = Item>,
    ) -> Result<bool, StoreError> {
        let items = items
            .into_iter()
            .map(|item| self.put_new(item))
            .collect::<Result<_, _>>()?;
        Ok(self.transact(items).await?.passed()?.is_some())
    }

    /// Puts one item with a single `PutItem`, only if its key is new; `false` when it
    /// exists.
    pub(super) async fn put_if_absent(&self, item: Item) -> Result<bool, StoreError> {
        let put = self.put(item).condition_expression(ABSENT).send().await;
        Ok(self.written(put)?.passed()?.is_some())
    }
}

/// What one transaction item counts toward the transaction's size: a put's item, an
/// update's values.
fn transaction_item_size(item: &TransactWriteItem) -> usize {
    if let Some(put) = item.put() {
        return limits::item_size(put.item());
    }
    let values = item
        .update()
        .and_then(|update| update.expression_attribute_values());
    values.map_or(0, limits::item_size)
}
