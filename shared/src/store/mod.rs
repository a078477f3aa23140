//! The one DynamoDB table: the only module that knows items and keys.
//!
//! One module per thing stored (the entity modules) over a few base modules. An entity
//! module uses base modules and never another entity module (inside a folder, its files
//! use their own `mod.rs`); a base module uses only the base modules below it. Imports
//! therefore run one way, downward, and never in a circle:
//!
//! ```text
//! entities   workspaces  api_keys  connectors/  leads/  imports  reviews  territories
//!            throttles  caps  followups/  inbound_email  idempotency  forwarding/
//!            bulk_imports  oauth_states
//!  ─────────────────────────────────────────────────────────────────────────────────
//! base       attempt    an intake attempt's import-log entry (written with a lead,
//!                       a review, or alone)
//!            settle     what an attempt settles in its transaction: an
//!                       Idempotency-Key's record, an inbound email, a review
//!            cache      configuration kept per warm container for a short time
//!            counter    an expiring counter item: one atomic `ADD` a hit
//!            claim      take / settle / release a claim whose hold may lapse
//!            page       `Query` paging and cursors, whole-partition reads
//!            filter     the conditions a `Query` keeps items by
//!            write      single writes, transaction items, put if absent, the runner
//!            condition  how a refused write is read
//!            limits     DynamoDB's key and item limits, checked before a request
//!            keys, error, and this file (Store, item mapping)
//! ```
//!
//! `attempt` uses `settle`; `attempt`, `settle` and `claim` use `write`; `write` uses
//! `condition` and `limits`; all of them use `keys`, `error` and this file, which only
//! re-exports from the others.

mod api_keys;
mod attempt;
mod bulk_imports;
mod cache;
mod caps;
mod claim;
mod condition;
mod connectors;
mod counter;
mod error;
mod filter;
mod followups;
mod forwarding;
mod idempotency;
mod imports;
mod inbound_email;
pub mod keys;
mod leads;
pub mod limits;
mod oauth_states;
mod page;
mod reviews;
mod settle;
mod territories;
mod throttles;
mod workspaces;
mod write;

pub use api_keys::{ApiKeyEntry, Revoked};
pub use bulk_imports::Lease;
pub use caps::CapDay;
pub use connectors::{ConnectorRecord, Counters, ImportChange, RouteTarget, RoutedPage, Saved};
pub use error::StoreError;
pub use followups::{change, Change, Claim, DigestRecord, PendingReview};
pub use forwarding::{forwarding, Forwarding};
pub use idempotency::{IdempotencyBegin, Replay, StoredResponse};
pub use imports::{ImportLine, RetrySelection};
pub use inbound_email::EmailClaim;
pub use leads::{Contact, Created, LeadQuery, LeadsBy, NewLead, Stored};
pub use page::{BadCursor, Page};
pub use reviews::AlreadyDecided;
pub use settle::{EmailSettle, IdempotencyHold, ReviewApproval, Settles};
pub use territories::Territory;
pub use workspaces::WorkspaceSaved;

use crate::clock::Clock;
use aws_sdk_dynamodb::types::{AttributeValue, KeysAndAttributes};
use aws_sdk_dynamodb::Client;
use keys::Key;
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::collections::HashMap;

pub type Item = HashMap<String, AttributeValue>;

/// The most keys one `BatchGetItem` takes, and how often unprocessed keys are asked for.
const BATCH_GET_LIMIT: usize = 100;
const BATCH_GET_ROUNDS: u32 = 8;

/// The table, the client that reaches it, and the clock its records are stamped by.
/// Cheap to clone.
#[derive(Debug, Clone)]
pub struct Store {
    client: Client,
    table: String,
    clock: Clock,
    /// Configuration kept per warm container (`cache.rs`), when on.
    cache: Option<std::sync::Arc<cache::ConfigCache>>,
}

impl Store {
    /// The store of `table` through `client`, whose calls then follow the store's one
    /// retry policy (`write.rs`): conflicts, throttling and faults retried with jitter.
    pub fn new(client: Client, table: impl Into<String>) -> Self {
        let config = client
            .config()
            .to_builder()
            .retry_config(write::retry_config())
            .retry_classifier(write::Conflicts)
            .build();
        Self {
            client: Client::from_conf(config),
            table: table.into(),
            clock: Clock::system(),
            cache: None,
        }
    }

    /// The same store reading `clock` for the time (tests set it).
    pub fn with_clock(self, clock: Clock) -> Self {
        Self { clock, ..self }
    }

    /// The time every use case stamps, locks and expires by.
    pub fn clock(&self) -> &Clock {
        &self.clock
    }

    pub fn table(&self) -> &str {
        &self.table
    }

    pub fn client(&self) -> &Client {
        &self.client
    }

    /// Reads one item with a strongly consistent read. A key DynamoDB would refuse names
    /// nothing that can be stored: not found.
    async fn get<T: DeserializeOwned>(&self, key: &Key) -> Result<Option<T>, StoreError> {
        self.get_item(key).await?.map(from_item).transpose()
    }

    /// [`Store::get`] of the item as stored.
    async fn get_item(&self, key: &Key) -> Result<Option<Item>, StoreError> {
        if !key.fits() {
            return Ok(None);
        }
        let output = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(key.to_item()))
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| self.error(e))?;
        Ok(output.item)
    }

    /// Reads the items at `keys` (strongly consistent, a `BatchGetItem` per hundred),
    /// asking again for the keys DynamoDB left unprocessed; answers the items found. A
    /// key DynamoDB would refuse names nothing that can be stored: not found.
    async fn get_many(&self, keys: &[Key]) -> Result<HashMap<Key, Item>, StoreError> {
        let mut found = HashMap::new();
        let keys: Vec<&Key> = keys.iter().filter(|key| key.fits()).collect();
        for chunk in keys.chunks(BATCH_GET_LIMIT) {
            let mut pending = Some(chunk.iter().map(|key| key.to_item()).collect::<Vec<_>>());
            for attempt in 0..BATCH_GET_ROUNDS {
                let Some(wanted) = pending.take().filter(|keys| !keys.is_empty()) else {
                    break;
                };
                if attempt > 0 {
                    tokio::time::sleep(write::backoff(attempt)).await;
                }
                let request = KeysAndAttributes::builder()
                    .set_keys(Some(wanted))
                    .consistent_read(true)
                    .build()
                    .map_err(|e| StoreError::Unexpected(Box::new(e)))?;
                let mut output = self
                    .client
                    .batch_get_item()
                    .request_items(&self.table, request)
                    .send()
                    .await
                    .map_err(|e| self.error(e))?;
                let items = output.responses.take().unwrap_or_default();
                for item in items.into_values().flatten() {
                    found.insert(Key::of(&item), item);
                }
                pending = output
                    .unprocessed_keys
                    .and_then(|mut unprocessed| unprocessed.remove(&self.table))
                    .map(|left| left.keys);
            }
            if pending.is_some_and(|keys| !keys.is_empty()) {
                return Err(StoreError::Unavailable(
                    "DynamoDB left keys of a batch read unprocessed".into(),
                ));
            }
        }
        Ok(found)
    }

    fn error<E, R>(&self, err: aws_sdk_dynamodb::error::SdkError<E, R>) -> StoreError
    where
        E: aws_sdk_dynamodb::error::ProvideErrorMetadata
            + std::error::Error
            + Send
            + Sync
            + 'static,
        R: std::fmt::Debug + Send + Sync + 'static,
    {
        StoreError::from_sdk(&self.table, err)
    }
}

/// An entity as an item: its own attributes plus the key and an `entity` tag that
/// says what it is when someone reads the table by hand.
fn to_item<T: Serialize>(key: &Key, entity: &str, value: &T) -> Result<Item, StoreError> {
    let mut item: Item = serde_dynamo::to_item(value).map_err(StoreError::Encoding)?;
    item.extend(key.to_item());
    item.insert("entity".into(), AttributeValue::S(entity.into()));
    Ok(item)
}

/// A value as one attribute (a map, a list…).
fn attribute<T: Serialize>(value: &T) -> Result<AttributeValue, StoreError> {
    serde_dynamo::to_attribute_value(value).map_err(StoreError::Encoding)
}

fn from_item<T: DeserializeOwned>(item: Item) -> Result<T, StoreError> {
    serde_dynamo::from_item(item).map_err(StoreError::Encoding)
}

/// A text attribute of an item's image on the table's stream.
fn image_text<'a>(image: &'a serde_dynamo::Item, name: &str) -> Option<&'a str> {
    match image.get(name) {
        Some(serde_dynamo::AttributeValue::S(value)) => Some(value),
        _ => None,
    }
}

fn s(value: impl AsRef<str>) -> AttributeValue {
    AttributeValue::S(value.as_ref().to_owned())
}

fn n(value: impl ToString) -> AttributeValue {
    AttributeValue::N(value.to_string())
}
