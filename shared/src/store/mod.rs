//! The one DynamoDB table: the only module that knows items and keys.
//!
//! One module per thing stored (the entity modules) over a few base modules. An entity
//! module uses base modules and never another entity module (inside a folder, its files
//! use their own `mod.rs`); a base module uses only the base modules below it. Imports
//! therefore run one way, downward, and never in a circle:
//!
//! ```text
//! entities   workspaces  api_keys  connectors/  leads/  imports  reviews  territories
//!            throttles  caps  followups/  inbound_email  idempotency
//!  ─────────────────────────────────────────────────────────────────────────────────
//! base       attempt    an intake attempt's import-log entry and connector count
//!                       (written with a lead, a review, or alone); the Counters
//!            settle     what an attempt settles in its transaction: an
//!                       Idempotency-Key's record, an inbound email, a review
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
mod caps;
mod claim;
mod condition;
mod connectors;
mod error;
mod filter;
mod followups;
mod idempotency;
mod imports;
mod inbound_email;
pub mod keys;
mod leads;
pub mod limits;
mod page;
mod reviews;
mod settle;
mod territories;
mod throttles;
mod workspaces;
mod write;

pub use api_keys::{ApiKeyEntry, Revoked};
pub use attempt::Counters;
pub use caps::CapDay;
pub use connectors::{ConnectorRecord, RouteTarget, Saved};
pub use error::StoreError;
pub use followups::{change, Change, Claim, DigestRecord, PendingReview};
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
use aws_sdk_dynamodb::types::AttributeValue;
use aws_sdk_dynamodb::Client;
use keys::Key;
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::collections::HashMap;

pub type Item = HashMap<String, AttributeValue>;

/// The table, the client that reaches it, and the clock its records are stamped by.
/// Cheap to clone.
#[derive(Debug, Clone)]
pub struct Store {
    client: Client,
    table: String,
    clock: Clock,
}

impl Store {
    pub fn new(client: Client, table: impl Into<String>) -> Self {
        Self {
            client,
            table: table.into(),
            clock: Clock::system(),
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
        output.item.map(from_item).transpose()
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

fn s(value: impl AsRef<str>) -> AttributeValue {
    AttributeValue::S(value.as_ref().to_owned())
}

fn n(value: impl ToString) -> AttributeValue {
    AttributeValue::N(value.to_string())
}
