//! The `Idempotency-Key` header: same key and body → the stored response again;
//! same key, other body → refused; same key while the first is running → conflict.

use crate::domain::WorkspaceId;
use crate::store::{IdempotencyBegin, IdempotencyHold, Store, StoreError, StoredResponse};
use sha2::{Digest, Sha256};
use std::fmt;

/// How long a key and its response are kept.
pub const TTL_SECONDS: i64 = 24 * 60 * 60;
/// How long a request may hold a key before another may take it over (it died): past
/// the function's timeout, so a request still running is never taken over (and the
/// holder token keeps a late one from completing the key anyway).
pub const LOCK_SECONDS: i64 = 60;

/// A client-chosen key: 1 to 255 visible ASCII characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdempotencyKey(String);

impl IdempotencyKey {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let valid =
            !raw.is_empty() && raw.len() <= 255 && raw.chars().all(|c| c.is_ascii_graphic());
        if valid {
            Ok(Self(raw.to_owned()))
        } else {
            Err("Idempotency-Key must be 1 to 255 visible ASCII characters".to_owned())
        }
    }
}

impl AsRef<str> for IdempotencyKey {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for IdempotencyKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The fingerprint a key is bound to: the SHA-256 of the body.
pub fn request_hash(body: &[u8]) -> String {
    hex::encode(Sha256::digest(body))
}

/// Claims `key` for this body in the workspace.
pub async fn begin(
    store: &Store,
    workspace_id: &WorkspaceId,
    key: &IdempotencyKey,
    body: &[u8],
) -> Result<IdempotencyBegin, StoreError> {
    let now = store.clock().epoch();
    store
        .idempotency_begin(
            workspace_id,
            key.as_ref(),
            &request_hash(body),
            now,
            LOCK_SECONDS,
            TTL_SECONDS,
        )
        .await
}

/// Settles the key after a request that made no lead (a lead completes it in its own
/// transaction): a final answer is kept for replays; a server failure frees the key so
/// the caller's retry is processed afresh.
pub async fn finish(
    store: &Store,
    hold: &IdempotencyHold,
    response: StoredResponse,
) -> Result<(), StoreError> {
    if response.status >= 500 {
        store.idempotency_release(hold).await
    } else {
        if !store.idempotency_complete(hold, &response).await? {
            tracing::warn!("idempotency key taken over by another request; its answer stands");
        }
        Ok(())
    }
}
