//! Login `state`s already used: one conditional put per state, so a state (signed and
//! checked before it gets here) opens one callback only, however often it is replayed.

use super::{keys, n, s, Store, StoreError};

impl Store {
    /// Marks the state `nonce` used; `false` when it already was. The item goes by TTL at
    /// `expires_at`, when the state's own signature has expired too.
    pub async fn spend_oauth_state(
        &self,
        nonce: &str,
        expires_at: i64,
    ) -> Result<bool, StoreError> {
        let mut item = keys::oauth_state(nonce).to_item();
        item.insert("entity".into(), s("oauth_state"));
        item.insert(keys::EXPIRES_AT.into(), n(expires_at));
        self.put_if_absent(item).await
    }
}
