//! Meta Webhooks for Pages: the subscription handshake, the `X-Hub-Signature-256`
//! check, and the `leadgen` notification as Meta sends it.

use super::super::ids::Id;
use hmac::{Hmac, KeyInit, Mac};
use serde::Deserialize;
use sha2::Sha256;
use subtle::ConstantTimeEq;

/// A webhook notification: `{"object": "page", "entry": [{"id", "time", "changes": [...]}]}`.
/// Unknown fields are ignored; a missing list is an empty one.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Notification {
    pub object: String,
    pub entry: Vec<Entry>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Entry {
    pub id: Option<Id>,
    pub time: Option<serde_json::Value>,
    pub changes: Vec<Change>,
}

/// One change. Its value stays raw until the field says what it is, so one odd change
/// cannot make the whole delivery unreadable.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Change {
    pub field: String,
    pub value: serde_json::Value,
}

/// The value of a `leadgen` change. Organic and test-tool leads have no `ad_id`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct LeadgenChange {
    pub leadgen_id: Option<Id>,
    pub page_id: Option<Id>,
    pub form_id: Option<Id>,
    pub adgroup_id: Option<Id>,
    pub ad_id: Option<Id>,
    pub created_time: Option<serde_json::Value>,
}

impl Notification {
    /// Every `leadgen` change, with the entry's page id standing in for a missing
    /// `page_id`. A change whose value is not an object is passed on empty, so that
    /// it is reported rather than dropped.
    pub fn leadgen_changes(&self) -> Vec<(LeadgenChange, &serde_json::Value)> {
        self.entry
            .iter()
            .flat_map(|entry| entry.changes.iter().map(move |change| (entry, change)))
            .filter(|(_, change)| change.field == "leadgen")
            .map(|(entry, change)| {
                let mut leadgen: LeadgenChange = match &change.value {
                    value @ serde_json::Value::Object(_) => {
                        LeadgenChange::deserialize(value).unwrap_or_default()
                    }
                    _ => LeadgenChange::default(),
                };
                if leadgen.page_id.is_none() {
                    leadgen.page_id = entry.id.clone();
                }
                (leadgen, &change.value)
            })
            .collect()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    #[error("the X-Hub-Signature-256 header is missing")]
    Missing,
    #[error("the X-Hub-Signature-256 header is not `sha256=` and a hex digest")]
    Malformed,
    #[error("the X-Hub-Signature-256 signature does not match the body")]
    Mismatch,
}

/// Checks `X-Hub-Signature-256: sha256=<hex>` against the HMAC-SHA256 of the raw body
/// bytes with the app secret, in constant time.
pub fn verify_signature(
    app_secret: &str,
    header: Option<&str>,
    body: &[u8],
) -> Result<(), SignatureError> {
    let header = header.map(str::trim).filter(|h| !h.is_empty());
    let header = header.ok_or(SignatureError::Missing)?;
    let (scheme, digest) = header.split_once('=').ok_or(SignatureError::Malformed)?;
    if !scheme.eq_ignore_ascii_case("sha256") {
        return Err(SignatureError::Malformed);
    }
    let digest = hex::decode(digest).map_err(|_| SignatureError::Malformed)?;
    let mut mac = Hmac::<Sha256>::new_from_slice(app_secret.as_bytes())
        .map_err(|_| SignatureError::Mismatch)?;
    mac.update(body);
    mac.verify_slice(&digest)
        .map_err(|_| SignatureError::Mismatch)
}

/// `sha256=<hex>` for `body`: what Meta sends (tests and sample events use it).
pub fn sign(app_secret: &str, body: &[u8]) -> String {
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(app_secret.as_bytes()) else {
        return String::new();
    };
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

/// The subscription handshake: the challenge to echo when `hub.mode` is `subscribe`
/// and `hub.verify_token` is the configured token (compared in constant time).
pub fn handshake<'a>(
    verify_token: &str,
    mode: Option<&str>,
    token: Option<&str>,
    challenge: Option<&'a str>,
) -> Option<&'a str> {
    let token_matches: bool = token
        .unwrap_or_default()
        .as_bytes()
        .ct_eq(verify_token.as_bytes())
        .into();
    let ok = mode == Some("subscribe") && !verify_token.is_empty() && token_matches;
    challenge.filter(|_| ok)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "app-secret";

    #[test]
    fn a_signature_over_the_raw_bytes_is_accepted_and_anything_else_refused() {
        let body = br#"{"object": "page",  "entry": []}"#;
        let header = sign(SECRET, body);
        assert_eq!(verify_signature(SECRET, Some(&header), body), Ok(()));
        assert_eq!(
            verify_signature(SECRET, Some(&header.to_uppercase()), body),
            Ok(())
        );
        let reserialised = br#"{"object":"page","entry":[]}"#;
        assert_eq!(
            verify_signature(SECRET, Some(&header), reserialised),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify_signature("other", Some(&header), body),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify_signature(SECRET, None, body),
            Err(SignatureError::Missing)
        );
        assert_eq!(
            verify_signature(SECRET, Some("sha1=abcd"), body),
            Err(SignatureError::Malformed)
        );
        assert_eq!(
            verify_signature(SECRET, Some("sha256=zz"), body),
            Err(SignatureError::Malformed)
        );
    }

    #[test]
    fn the_handshake_echoes_the_challenge_only_for_the_right_token() {
        let ok = handshake("tok", Some("subscribe"), Some("tok"), Some("123"));
        assert_eq!(ok, Some("123"));
        assert_eq!(
            handshake("tok", Some("subscribe"), Some("bad"), Some("1")),
            None
        );
        assert_eq!(
            handshake("tok", Some("unsubscribe"), Some("tok"), Some("1")),
            None
        );
        assert_eq!(handshake("tok", Some("subscribe"), None, Some("1")), None);
        assert_eq!(handshake("", Some("subscribe"), Some(""), Some("1")), None);
    }

    #[test]
    fn leadgen_changes_are_read_with_ids_as_strings_or_numbers() {
        let notification: Notification = serde_json::from_str(
            r#"{"object":"page","entry":[{"id":"111","time":1700000000,"changes":[
                {"field":"leadgen","value":{"leadgen_id":444,"page_id":"111","form_id":555,
                 "created_time":1700000000,"extra":"ignored"}},
                {"field":"feed","value":{"item":"post"}},
                {"field":"leadgen","value":{"leadgen_id":"445"}},
                {"field":"leadgen","value":"garbled"}]}]}"#,
        )
        .unwrap();
        let changes = notification.leadgen_changes();
        assert_eq!(changes.len(), 3);
        let first = &changes[0].0;
        assert_eq!(first.leadgen_id.as_ref().unwrap().as_str(), "444");
        assert_eq!(first.form_id.as_ref().unwrap().as_str(), "555");
        assert_eq!(first.ad_id, None);
        assert_eq!(changes[1].0.page_id.as_ref().unwrap().as_str(), "111");
        assert_eq!(changes[2].0.leadgen_id, None);
    }
}
