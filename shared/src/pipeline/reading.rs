//! What a delivery reads as before the pipeline takes it, and taking a reading through
//! the pipeline under a given import entry: how a retry re-runs a stored payload
//! exactly as its door first ran it.

use super::{fail_settling, hold_for_review_as, ignore_settling, import_as, needs_review, Options};
use super::{Doubt, Outcome, MAX_EXTERNAL_ID_BYTES};
use crate::domain::{Connector, ImportRecord, LeadCandidate};
use crate::email::{parse_email, ParsedEmail};
use crate::store::{Settles, Store, StoreError};
use sha2::{Digest, Sha256};

/// A delivery as its provider's preset read it.
#[derive(Debug, Clone, PartialEq)]
pub enum Reading {
    /// A candidate for the pipeline.
    Lead(LeadCandidate),
    /// A parsed email: its candidate and how sure the parser is of it.
    Email(LeadCandidate, Doubt),
    /// No lead, on purpose (a test lead, a honeypot, another form's lead), for this reason.
    NotALead(String),
    /// No lead: the delivery cannot become one, for this reason.
    Unreadable(String),
}

/// A forwarded email as the email door reads it: the parser's candidate, with the
/// message id (else `fallback_id`) as its external id when the body names none.
pub fn read_email(connector: &Connector, raw: &[u8], fallback_id: Option<&str>) -> Reading {
    let parsed = parse_email(raw, &connector.field_aliases);
    let (candidate, doubt) = email_doubt(parsed, fallback_id);
    Reading::Email(candidate, doubt)
}

/// The candidate of a parsed email and the doubt a reviewer would see.
pub fn email_doubt(parsed: ParsedEmail, fallback_id: Option<&str>) -> (LeadCandidate, Doubt) {
    let mut candidate = parsed.candidate;
    if candidate.external_id.is_none() {
        candidate.external_id = parsed
            .message_id
            .or_else(|| fallback_id.map(str::to_owned))
            .map(message_external_id);
    }
    let doubt = Doubt {
        confidence: parsed.confidence,
        reasons: parsed.reasons,
        sender: parsed.sender,
        subject: parsed.subject,
        preview: parsed.preview,
        rule: None,
    };
    (candidate, doubt)
}

/// Takes `reading` through the pipeline on `connector` under `entry` (its id, payload
/// and origin): imported, held for review (an email the connector wants a person to
/// judge), ignored or failed.
pub async fn settle(
    store: &Store,
    connector: &Connector,
    reading: Reading,
    entry: ImportRecord,
    settles: Settles,
) -> Result<Outcome, StoreError> {
    let entry = super::payload_expiring(store, connector, entry).await?;
    match reading {
        Reading::Email(candidate, doubt) if needs_review(connector, doubt.confidence) => {
            hold_for_review_as(store, connector, candidate, doubt, entry, &settles).await
        }
        Reading::Lead(candidate) | Reading::Email(candidate, _) => {
            import_as(
                store,
                connector,
                candidate,
                entry,
                Options::settling(settles),
            )
            .await
        }
        Reading::NotALead(reason) => ignore_settling(store, entry, reason, &settles).await,
        Reading::Unreadable(reason) => {
            fail_settling(store, entry, reason, Vec::new(), &settles).await
        }
    }
}

/// A message's external id: its Message-ID, or a SHA-256 of it when it is too long to
/// be a key (still the same for every copy of the message).
fn message_external_id(message_id: String) -> String {
    if message_id.len() <= MAX_EXTERNAL_ID_BYTES {
        return message_id;
    }
    format!(
        "sha256:{}",
        hex::encode(Sha256::digest(message_id.as_bytes()))
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_message_id_too_long_for_a_key_is_hashed_the_same_way_every_time() {
        assert_eq!(message_external_id("<a@b>".into()), "<a@b>");
        let long = format!("<{}@example.com>", "x".repeat(3000));
        let hashed = message_external_id(long.clone());
        assert!(
            hashed.starts_with("sha256:") && hashed.len() == 71,
            "{hashed}"
        );
        assert_eq!(hashed, message_external_id(long));
    }
}
