//! Idempotency records: claimed with one conditional write, completed with the
//! response, released when the request failed in a way a retry could fix.

use super::keys;
use super::{n, s, Store, StoreError};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

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

const IN_PROGRESS: &str = "in_progress";
const COMPLETED: &str = "completed";

impl Store {
    /// Claims `key` for a request with `request_hash`. A record past `expires_at`, or one
    /// left in progress past `locked_until` by a request that died, may be taken over.
    pub async fn idempotency_begin(
        &self,
        workspace_id: &str,
        key: &str,
        request_hash: &str,
        now: i64,
        lock_seconds: i64,
        ttl_seconds: i64,
    ) -> Result<IdempotencyBegin, StoreError> {
        let record_key = keys::idempotency(workspace_id, key);
        let mut item = record_key.to_item();
        item.insert("entity".into(), s("idempotency"));
        item.insert("request_hash".into(), s(request_hash));
        item.insert("status".into(), s(IN_PROGRESS));
        item.insert("locked_until".into(), n(now + lock_seconds));
        item.insert(keys::EXPIRES_AT.into(), n(now + ttl_seconds));
        let claimed = self
            .client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item))
            .condition_expression(
                "attribute_not_exists(pk) OR expires_at < :now \
                 OR (#status = :in_progress AND locked_until < :now AND request_hash = :hash)",
            )
            .expression_attribute_names("#status", "status")
            .set_expression_attribute_values(Some(HashMap::from([
                (":now".to_owned(), n(now)),
                (":in_progress".to_owned(), s(IN_PROGRESS)),
                (":hash".to_owned(), s(request_hash)),
            ])))
            .send()
            .await;
        if self.written(claimed)?.passed()?.is_some() {
            return Ok(IdempotencyBegin::Started);
        }
        let Some(record) = self.get::<Record>(&record_key).await? else {
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
        workspace_id: &str,
        key: &str,
        response: &StoredResponse,
    ) -> Result<(), StoreError> {
        let response = serde_dynamo::to_attribute_value(response).map_err(StoreError::Encoding)?;
        self.client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(keys::idempotency(workspace_id, key).to_item()))
            .update_expression("SET #status = :completed, #response = :response")
            .expression_attribute_names("#status", "status")
            .expression_attribute_names("#response", "response")
            .expression_attribute_values(":completed", s(COMPLETED))
            .expression_attribute_values(":response", response)
            .send()
            .await
            .map_err(|e| self.error(e))?;
        Ok(())
    }

    /// Lets the key be used again at once: the request failed and a retry may succeed.
    pub async fn idempotency_release(
        &self,
        workspace_id: &str,
        key: &str,
    ) -> Result<(), StoreError> {
        self.client
            .delete_item()
            .table_name(&self.table)
            .set_key(Some(keys::idempotency(workspace_id, key).to_item()))
            .send()
            .await
            .map_err(|e| self.error(e))?;
        Ok(())
    }
}
