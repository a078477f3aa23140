//! What a delivery reads as before the pipeline takes it, and taking a reading through
//! the pipeline under a given import entry: how a retry re-runs a stored payload
//! exactly as its door first ran it.

use super::{fail, hold_for_review_as, ignore, import_as, needs_review, Doubt, Outcome};
use crate::domain::{Connector, ImportRecord, LeadCandidate};
use crate::email::{parse_email, ParsedEmail};
use crate::store::{Store, StoreError};

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
        candidate.external_id = parsed.message_id.or_else(|| fallback_id.map(str::to_owned));
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
) -> Result<Outcome, StoreError> {
    match reading {
        Reading::Lead(candidate) => import_as(store, connector, candidate, entry).await,
        Reading::Email(candidate, doubt) if needs_review(connector, doubt.confidence) => {
            hold_for_review_as(store, connector, candidate, doubt, entry).await
        }
        Reading::Email(candidate, _) => import_as(store, connector, candidate, entry).await,
        Reading::NotALead(reason) => ignore(store, entry, reason).await,
        Reading::Unreadable(reason) => fail(store, entry, reason, Vec::new()).await,
    }
}
