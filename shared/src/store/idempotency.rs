//! Idempotency records: claimed with one conditional write that hands the request a
//! holder token; completed in the lead's own transaction (`settle.rs`) when the request
//! made or found a lead, or with the rendered answer otherwise; released when the request
//! failed in a way a retry could fix.

use super::claim::{Check, ClaimItem, ClaimKind, Hold};
use super::keys;
use super::settle::{
    IdempotencyHold, HOLDER, IDEMPOTENCY_COMPLETED, IDEMPOTENCY_HELD, IDEMPOTENCY_STATE,
};
use super::{attribute, s, Item, Store, StoreError};
use crate::domain::{new_id, Receipt, WorkspaceId};
use serde::{Deserialize, Serialize};

/// A response kept for replay.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredResponse {
    pub status: u16,
    pub body: String,
}

/// The first answer to a key, to give again.
#[derive(Debug, Clone, PartialEq)]
pub enum Replay {
    /// A refusal or a failure, as the door rendered it.
    Response(StoredResponse),
    /// The lead the request made or found, as its receipt.
    Lead(Receipt),
}

/// What to do with a request that carries an idempotency key.
#[derive(Debug, Clone, PartialEq)]
pub enum IdempotencyBegin {
    /// This request holds the key now: process it.
    Started(IdempotencyHold),
    /// The same request was answered before: send that answer again.
    Replay(Replay),
    /// The same key is being processed by another request right now.
    InProgress,
    /// The key was used for a different body.
    Mismatch,
}

#[derive(Deserialize)]
struct Record {
    request_hash: String,
    status: String,
    #[serde(default)]
    response: Option<StoredResponse>,
    #[serde(default)]
    receipt: Option<Receipt>,
}

/// A key's record: held while its request runs, for at most the lock; gone after its TTL.
const RECORD: ClaimKind = ClaimKind {
    entity: "idempotency",
    state: IDEMPOTENCY_STATE,
    held: IDEMPOTENCY_HELD,
};

impl Store {
    fn idempotency_record(&self, workspace_id: &WorkspaceId, key: &str) -> ClaimItem<'_> {
        self.claim(&RECORD, keys::idempotency(workspace_id, key))
    }

    /// Claims `key` for a request with `request_hash`. A record past `expires_at`, or one
    /// left in progress past `locked_until` by a request that died, may be taken over;
    /// only the latest holder's token completes it.
    pub async fn idempotency_begin(
        &self,
        workspace_id: &WorkspaceId,
        key: &str,
        request_hash: &str,
        now: i64,
        lock_seconds: i64,
        ttl_seconds: i64,
    ) -> Result<IdempotencyBegin, StoreError> {
        let record = self.idempotency_record(workspace_id, key);
        let hold = Hold::Lapsing {
            now,
            seconds: lock_seconds,
            ttl_seconds: Some(ttl_seconds),
            check: Check {
                expression: "request_hash = :hash",
                values: vec![(":hash", s(request_hash))],
            },
        };
        let holder = new_id();
        let attributes = Item::from([
            ("request_hash".to_owned(), s(request_hash)),
            (HOLDER.to_owned(), s(&holder)),
        ]);
        if record.take(hold, attributes).await? {
            return Ok(IdempotencyBegin::Started(IdempotencyHold {
                workspace_id: workspace_id.clone(),
                key: key.to_owned(),
                holder,
            }));
        }
        let Some(record) = record.read::<Record>().await? else {
            return Ok(IdempotencyBegin::InProgress);
        };
        if record.request_hash != request_hash {
            return Ok(IdempotencyBegin::Mismatch);
        }
        if record.status != IDEMPOTENCY_COMPLETED {
            return Ok(IdempotencyBegin::InProgress);
        }
        Ok(match (record.receipt, record.response) {
            (Some(receipt), _) => IdempotencyBegin::Replay(Replay::Lead(receipt)),
            (None, Some(response)) => IdempotencyBegin::Replay(Replay::Response(response)),
            (None, None) => IdempotencyBegin::InProgress,
        })
    }

    /// Stores the answer of a request that made no lead, for later replays, if the
    /// request still holds the key; `false` when another took it over meanwhile.
    pub async fn idempotency_complete(
        &self,
        hold: &IdempotencyHold,
        response: &StoredResponse,
    ) -> Result<bool, StoreError> {
        let completed = self
            .update(&keys::idempotency(&hold.workspace_id, &hold.key))
            .update_expression("SET #state = :completed, #response = :response REMOVE locked_until")
            .condition_expression(format!("#state = :held AND {HOLDER} = :holder"))
            .expression_attribute_names("#state", IDEMPOTENCY_STATE)
            .expression_attribute_names("#response", "response")
            .expression_attribute_values(":completed", s(IDEMPOTENCY_COMPLETED))
            .expression_attribute_values(":held", s(IDEMPOTENCY_HELD))
            .expression_attribute_values(":holder", s(&hold.holder))
            .expression_attribute_values(":response", attribute(response)?)
            .send()
            .await;
        Ok(self.written(completed)?.passed()?.is_some())
    }

    /// Lets the key be used again at once: the request failed and a retry may succeed.
    /// A record another request holds now is left alone.
    pub async fn idempotency_release(&self, hold: &IdempotencyHold) -> Result<(), StoreError> {
        let released = self
            .delete(&keys::idempotency(&hold.workspace_id, &hold.key))
            .condition_expression(format!("#state = :held AND {HOLDER} = :holder"))
            .expression_attribute_names("#state", IDEMPOTENCY_STATE)
            .expression_attribute_values(":held", s(IDEMPOTENCY_HELD))
            .expression_attribute_values(":holder", s(&hold.holder))
            .send()
            .await;
        self.written(released)?.passed()?;
        Ok(())
    }
}
