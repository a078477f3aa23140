//! API keys: `lc_live_…`, shown once, found by their SHA-256, checked for scope.

use crate::domain::{random_token, ApiKey, Scope, WorkspaceId};
use crate::store::{Store, StoreError};
use sha2::{Digest, Sha256};

pub const KEY_PREFIX: &str = "lc_live_";

#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error("missing bearer credentials")]
    Missing,
    #[error("the API key is not valid")]
    Invalid,
    #[error("the API key lacks the `{0}` scope")]
    Forbidden(&'static str),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The SHA-256 (hex) a key is stored under.
pub fn key_hash(key: &str) -> String {
    hex::encode(Sha256::digest(key.as_bytes()))
}

/// Creates an API key for a workspace and answers it in plain text: the only time it
/// is ever seen, since only its hash is stored.
pub async fn issue_key(
    store: &Store,
    workspace_id: &WorkspaceId,
    scopes: Vec<Scope>,
) -> Result<(String, ApiKey), StoreError> {
    issue_named_key(store, workspace_id, scopes, None).await
}

/// [`issue_key`] with a name a person gave the key, shown when keys are listed.
pub async fn issue_named_key(
    store: &Store,
    workspace_id: &WorkspaceId,
    scopes: Vec<Scope>,
    name: Option<&str>,
) -> Result<(String, ApiKey), StoreError> {
    // 190 random bits never collide in practice; a bounded loop still never spins.
    for _ in 0..3 {
        let plain = random_token(KEY_PREFIX);
        let key = ApiKey {
            id: crate::domain::new_id(),
            workspace_id: workspace_id.clone(),
            scopes: scopes.clone(),
            prefix: plain.chars().take(KEY_PREFIX.len() + 4).collect(),
            created_at: store.clock().stamp(),
            revoked_at: None,
        };
        if store
            .create_named_api_key(&key_hash(&plain), &key, name)
            .await?
        {
            return Ok((plain, key));
        }
    }
    Err(StoreError::Unexpected(
        "three generated API keys collided with stored ones".into(),
    ))
}

/// The token of an `Authorization: Bearer <token>` header value.
pub fn bearer_token(header: Option<&str>) -> Option<&str> {
    let (scheme, token) = header?.trim().split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

/// The stored key behind a bearer header, if it is live and has `scope`.
pub async fn authenticate(
    store: &Store,
    authorization: Option<&str>,
    scope: Scope,
) -> Result<ApiKey, AuthError> {
    let token = bearer_token(authorization).ok_or(AuthError::Missing)?;
    let key = store
        .api_key(&key_hash(token))
        .await?
        .filter(|key| key.revoked_at.is_none())
        .ok_or(AuthError::Invalid)?;
    if !key.allows(scope) {
        return Err(AuthError::Forbidden(scope.key()));
    }
    Ok(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bearer_tokens_are_read_case_insensitively() {
        assert_eq!(bearer_token(Some("Bearer lc_live_x")), Some("lc_live_x"));
        assert_eq!(bearer_token(Some("bearer   lc_live_x ")), Some("lc_live_x"));
        assert_eq!(bearer_token(Some("Basic abc")), None);
        assert_eq!(bearer_token(Some("Bearer ")), None);
        assert_eq!(bearer_token(None), None);
    }

    #[test]
    fn keys_are_long_random_and_prefixed() {
        let (a, b) = (random_token(KEY_PREFIX), random_token(KEY_PREFIX));
        assert!(a.starts_with("lc_live_") && a.len() == 40);
        assert_ne!(a, b);
        assert_eq!(key_hash(&a).len(), 64);
    }
}
