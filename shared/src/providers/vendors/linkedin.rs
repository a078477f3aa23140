//! LinkedIn Lead Gen Forms: Lead Sync lead notifications.
//! Signature: https://learn.microsoft.com/en-us/linkedin/shared/api-guide/webhook-validation
//! (`X-LI-Signature`: hex HMAC-SHA256, with the app's client secret, of the body
//! prefixed by `hmacsha256=`; the same page's endpoint validation answers
//! `challengeCode` with [`challenge_response`]).
//! Payload: https://learn.microsoft.com/en-us/linkedin/marketing/lead-sync/leadsync —
//! `{"type": "LEAD_ACTION", "leadGenFormResponse": <urn>, "leadGenForm", "owner",
//! "leadType", "leadAction": "CREATED" | "DELETED", "occurredAt"}` (`samples/linkedin.json`;
//! LinkedIn lists the fields, the values there are made up).
//!
//! The notification carries no answers: a created lead is a [`Delivery::Notice`] whose
//! external id is the `leadGenFormResponse` URN, to be fetched from
//! `/rest/leadFormResponses` by the door. A deleted lead is not a new one. LinkedIn
//! documents no test marker on notifications (test leads are flagged only on the
//! fetched response, `testLead`).

use super::body;
use super::signature::{self, Scheme};
use super::{Delivery, Request, Vendor, VendorError};
use serde_json::Value;

pub const SCHEME: Scheme = Scheme::PrefixedBodyHex {
    header: "X-LI-Signature",
    prefix: "hmacsha256=",
};

const VENDOR: Vendor = Vendor::Linkedin;

/// The answer to LinkedIn's endpoint validation (`GET ?challengeCode=…`): the hex
/// HMAC-SHA256 of the challenge code with the app's client secret.
pub fn challenge_response(client_secret: &str, challenge_code: &str) -> String {
    signature::hex_hmac(client_secret, challenge_code)
}

pub fn read(request: &Request) -> Result<Delivery, VendorError> {
    let notification = body::json(VENDOR, request)?;
    let text = |key: &str| notification.get(key).and_then(Value::as_str).map(str::trim);
    match text("type") {
        Some("LEAD_ACTION") => {}
        Some(other) => {
            return Ok(Delivery::NotALead {
                reason: format!("LinkedIn notification {other:?} is not about a lead"),
            })
        }
        None => return Err(VendorError::new(VENDOR, "it has no type")),
    }
    let action = text("leadAction").unwrap_or_default();
    if action != "CREATED" {
        return Ok(Delivery::NotALead {
            reason: format!("LinkedIn lead action {action:?} is not a new lead"),
        });
    }
    let external_id = text("leadGenFormResponse")
        .filter(|urn| !urn.is_empty())
        .ok_or_else(|| VendorError::new(VENDOR, "it has no leadGenFormResponse"))?;
    Ok(Delivery::Notice {
        external_id: external_id.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_body(body: &[u8]) -> Result<Delivery, VendorError> {
        read(&Request::post(&[], body))
    }

    #[test]
    fn a_created_lead_is_a_notice_to_fetch_by_its_response_urn() {
        let delivery = read_body(include_bytes!("samples/linkedin.json")).unwrap();
        assert_eq!(
            delivery,
            Delivery::Notice {
                external_id: "urn:li:leadGenFormResponse:c0d1e2f3-4a5b-6c7d-8e9f-a0b1c2d3e4f5"
                    .into()
            }
        );
    }

    #[test]
    fn deletions_and_other_notifications_are_not_leads() {
        let deleted =
            br#"{"type":"LEAD_ACTION","leadAction":"DELETED","leadGenFormResponse":"urn:x"}"#;
        assert!(matches!(read_body(deleted), Ok(Delivery::NotALead { .. })));
        let social = br#"{"type":"ORGANIZATION_SOCIAL_ACTION_NOTIFICATIONS","notifications":[]}"#;
        assert!(matches!(read_body(social), Ok(Delivery::NotALead { .. })));
        assert!(read_body(br#"{"type":"LEAD_ACTION","leadAction":"CREATED"}"#).is_err());
    }

    #[test]
    fn the_challenge_is_answered_with_the_hex_hmac() {
        // Computed independently: printf %s code | openssl dgst -sha256 -hmac secret
        assert_eq!(
            challenge_response("secret", "code"),
            "bc5c1537e9ad84b5a5fd98f91a9b890320b9f917a23769599be221bf195ca242"
        );
    }
}
