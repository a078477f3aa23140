//! Idempotency records: claimed with one conditional write, completed with the
//! response, released when the request failed in a way a retry could fix.

use super::claim::{Check, ClaimItem, ClaimKind, Hold};
use super::keys;
use super::{attribute, s, Item, Store, StoreError};
use crate::domain::WorkspaceId;
use serde::{Deserialize, Serialize};

/// A response kept for replay.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredResponse {
    pub status: u16,
    pub body: String,
}

/// What to do with a request that carries an idempotency key.
#[derive(Debug, Clone, PartialEq)]
pub enum IdempotencyBegin {
    /// This request holds the key now: process it.
    Started,
    /// The same request was answered before: send that answer again.
    Replay(StoredResponse),
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
}

const COMPLETED: &str = "completed";

/// A key's record: held while its request runs, for at most the lock; gone after its TTL.
const RECORD: ClaimKind = ClaimKind {
    entity: "idempotency",
    state: "status",
    held: "in_progress",
};

impl Store {
    fn idempotency_record(&self, workspace_id: &WorkspaceId, key: &str) -> ClaimItem<'_> {
        self.claim(&RECORD, keys::idempotency(workspace_id, key))
    }

    /// Claims `key` for a request with `request_hash`. A record past `expires_at`, or one
    /// left in progress past `locked_until` by a request that died, may be taken over.
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
        let attributes = Item::from([("request_hash".to_owned(), s(request_hash))]);
        if record.take(hold, attributes).await? {
            return Ok(IdempotencyBegin::Started);
        }
        let Some(record) = record.read::<Record>().await? else {
            return Ok(IdempotencyBegin::InProgress);
        };
        Ok(match record {
            Record {
                request_hash: stored,
                ..
            } if stored != request_hash => IdempotencyBegin::Mismatch,
            Record {
                status,
                response: Some(response),
                ..
            } if status == COMPLETED => IdempotencyBegin::Replay(response),
            _ => IdempotencyBegin::InProgress,
        })
    }

    /// Stores the response of the request that holds `key`, for later replays.
    pub async fn idempotency_complete(
        &self,
        workspace_id: &WorkspaceId,
        key: &str,
        response: &StoredResponse,
    ) -> Result<(), StoreError> {
        self.idempotency_record(workspace_id, key)
            .settle(COMPLETED, vec![("response", attribute(response)?)])
            .await
    }

    /// Lets the key be used again at once: the request failed and a retry may succeed.
    pub async fn idempotency_release(
        &self,
        workspace_id: &WorkspaceId,
        key: &str,
    ) -> Result<(), StoreError> {
        self.idempotency_record(workspace_id, key).forget().await
    }
}
