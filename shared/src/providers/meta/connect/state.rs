//! The login handoff's `state`: which workspace and connector a Facebook Login answer is
//! for, signed with a key derived from the Meta app secret (HMAC-SHA256, checked in
//! constant time), valid for [`STATE_TTL`], and used once (the store keeps used nonces).
//! `{workspace}.{connector}.{nonce}.{expires_at}.{mac}`: URL-safe as it is.

use crate::domain::{ConnectorId, WorkspaceId};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

/// How long a person has from asking for the login dialog to coming back.
pub const STATE_TTL: i64 = 15 * 60;
/// Separates the state key from every other use of the app secret.
const KEY_LABEL: &[u8] = b"lead-connectors/meta-login-state/v1";
const LONGEST_PART: usize = 64;

/// What a verified state says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoginState {
    pub workspace_id: WorkspaceId,
    pub connector_id: ConnectorId,
    pub nonce: String,
    pub expires_at: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum StateError {
    #[error("the login link carries no state")]
    Missing,
    #[error("the login link's state is not one this deployment issued")]
    Forged,
    #[error("the login link has expired: start Connect Meta again")]
    Expired,
    #[error("the login link was already used: start Connect Meta again")]
    Used,
}

type HmacSha256 = Hmac<Sha256>;

fn mac(app_secret: &str, signed: &str) -> HmacSha256 {
    let mut key = HmacSha256::new_from_slice(app_secret.as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC takes a key of any length"));
    key.update(KEY_LABEL);
    let key = key.finalize().into_bytes();
    let mut mac = HmacSha256::new_from_slice(&key)
        .unwrap_or_else(|_| unreachable!("HMAC takes a key of any length"));
    mac.update(signed.as_bytes());
    mac
}

impl LoginState {
    /// A new state for `workspace_id`'s `connector_id`, valid until `now + STATE_TTL`.
    pub fn new(workspace_id: &WorkspaceId, connector_id: &ConnectorId, now: i64) -> Self {
        let nonce = crate::domain::random_token("");
        Self {
            workspace_id: workspace_id.clone(),
            connector_id: connector_id.clone(),
            nonce,
            expires_at: now + STATE_TTL,
        }
    }

    fn signed(&self) -> String {
        format!(
            "{}.{}.{}.{}",
            self.workspace_id.as_str(),
            self.connector_id.as_str(),
            self.nonce,
            self.expires_at
        )
    }

    /// The state as the login dialog carries it.
    pub fn sign(&self, app_secret: &str) -> String {
        let signed = self.signed();
        let tag = mac(app_secret, &signed).finalize().into_bytes();
        format!("{signed}.{}", URL_SAFE_NO_PAD.encode(tag))
    }

    /// The state `text` says, if this deployment signed it and it has not expired at
    /// `now`. Whether it was used already is the store's to say.
    pub fn verify(app_secret: &str, text: Option<&str>, now: i64) -> Result<Self, StateError> {
        let text = text.map(str::trim).filter(|t| !t.is_empty());
        let text = text.ok_or(StateError::Missing)?;
        let (signed, tag) = text.rsplit_once('.').ok_or(StateError::Forged)?;
        let tag = URL_SAFE_NO_PAD
            .decode(tag)
            .map_err(|_| StateError::Forged)?;
        mac(app_secret, signed)
            .verify_slice(&tag)
            .map_err(|_| StateError::Forged)?;
        let parts: Vec<&str> = signed.split('.').collect();
        let [workspace, connector, nonce, expires_at] = parts[..] else {
            return Err(StateError::Forged);
        };
        let plain = |part: &str| {
            !part.is_empty()
                && part.len() <= LONGEST_PART
                && part.bytes().all(|b| b.is_ascii_alphanumeric())
        };
        if ![workspace, connector, nonce].into_iter().all(plain) {
            return Err(StateError::Forged);
        }
        let expires_at: i64 = expires_at.parse().map_err(|_| StateError::Forged)?;
        if expires_at <= now {
            return Err(StateError::Expired);
        }
        Ok(Self {
            workspace_id: workspace.into(),
            connector_id: connector.into(),
            nonce: nonce.to_owned(),
            expires_at,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "app-secret";

    fn state() -> LoginState {
        LoginState::new(&"01WS".into(), &"01CONN".into(), 1_000)
    }

    #[test]
    fn a_signed_state_verifies_until_it_expires() {
        let state = state();
        let text = state.sign(SECRET);
        assert_eq!(LoginState::verify(SECRET, Some(&text), 1_000), Ok(state));
        let late = 1_000 + STATE_TTL;
        assert_eq!(
            LoginState::verify(SECRET, Some(&text), late),
            Err(StateError::Expired)
        );
    }

    #[test]
    fn a_state_changed_or_signed_with_another_secret_is_forged() {
        let text = state().sign(SECRET);
        assert_eq!(
            LoginState::verify("other", Some(&text), 1_000),
            Err(StateError::Forged)
        );
        let other_workspace = text.replacen("01WS", "01WX", 1);
        assert_eq!(
            LoginState::verify(SECRET, Some(&other_workspace), 1_000),
            Err(StateError::Forged)
        );
        let later = text.replace(&format!(".{}.", 1_000 + STATE_TTL), ".99999999999.");
        assert_eq!(
            LoginState::verify(SECRET, Some(&later), 1_000),
            Err(StateError::Forged)
        );
        for junk in ["", "x", "a.b.c.d.e", "....", "a.b.c.1.%%%"] {
            assert!(
                LoginState::verify(SECRET, Some(junk), 1_000).is_err(),
                "{junk}"
            );
        }
        assert_eq!(
            LoginState::verify(SECRET, None, 1_000),
            Err(StateError::Missing)
        );
    }
}
