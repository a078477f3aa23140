//! Calendly: webhook subscriptions (API v2).
//! Signature: https://developer.calendly.com/api-docs/overview/webhooks/webhook-signatures
//! (`Calendly-Webhook-Signature: t=<epoch seconds>,v1=<hex HMAC-SHA256 of "t.body">` with
//! the subscription's signing key; Calendly's own example rejects anything older than
//! three minutes, and so do we).
//! Payload: `{"event": "invitee.created", "created_at", "payload": <Invitee>}` as in the
//! developer docs' webhook payload example (`samples/calendly.json`).
//!
//! Only `invitee.created` is a lead; cancellations, no-shows and the rest are not.
//! External id: the invitee's `uri`. Calendly's fields are fixed, so the preset names
//! them: `text_reminder_number` (the SMS number) is the phone. Booking questions keep
//! their wording. Calendly documents no test marker (its sample data is fetched by hand).

use super::body::{self, Pairs};
use super::signature::Scheme;
use super::{Delivery, Request, Vendor, VendorError};
use serde_json::Value;

pub const SCHEME: Scheme = Scheme::Timestamped {
    header: "Calendly-Webhook-Signature",
    key: "v1",
    tolerance: 3 * 60,
};

const VENDOR: Vendor = Vendor::Calendly;

pub fn read(request: &Request) -> Result<Delivery, VendorError> {
    let event = body::json(VENDOR, request)?;
    let kind = event
        .get("event")
        .and_then(Value::as_str)
        .ok_or_else(|| VendorError::new(VENDOR, "it has no event"))?;
    if kind != "invitee.created" {
        return Ok(Delivery::NotALead {
            reason: format!("Calendly event {kind:?} is not a new booking"),
        });
    }
    let invitee = event
        .get("payload")
        .and_then(Value::as_object)
        .ok_or_else(|| VendorError::new(VENDOR, "it has no payload"))?;
    let field = |key: &str| invitee.get(key).and_then(body::text);

    let mut pairs = Pairs::new(VENDOR);
    for (label, key) in [
        ("name", "name"),
        ("first_name", "first_name"),
        ("last_name", "last_name"),
        ("email", "email"),
        ("phone", "text_reminder_number"),
    ] {
        pairs.push(label, field(key));
    }
    let answers = invitee
        .get("questions_and_answers")
        .and_then(Value::as_array);
    for answer in answers.into_iter().flatten() {
        let question = answer.get("question").and_then(body::text);
        pairs.push(
            question.unwrap_or_default(),
            answer.get("answer").and_then(body::text),
        );
    }
    if let Some(tracking) = invitee.get("tracking").and_then(Value::as_object) {
        for (name, value) in tracking {
            pairs.push(name.as_str(), body::text(value));
        }
    }
    let scheduled = invitee.get("scheduled_event");
    let scheduled_text = |key: &str| scheduled.and_then(|s| s.get(key)).and_then(body::text);
    pairs.context("event_name", scheduled_text("name"));
    pairs.context("start_time", scheduled_text("start_time"));
    pairs.context("event", scheduled_text("uri").or_else(|| field("event")));
    pairs.context("timezone", field("timezone"));
    pairs.context("rescheduled_from", field("old_invitee"));
    Ok(Delivery::Lead {
        payload: pairs.finish()?,
        external_id: field("uri"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::collections::BTreeMap;

    fn read_json(value: &Value) -> Delivery {
        let body = value.to_string();
        let request = Request::post(&[], body.as_bytes());
        read(&request).unwrap()
    }

    #[test]
    fn the_documented_invitee_created_payload_is_a_lead_keyed_by_the_invitee_uri() {
        let sample: Value =
            serde_json::from_slice(include_bytes!("samples/calendly.json")).unwrap();
        let candidate = read_json(&sample).candidate(&BTreeMap::new()).unwrap();
        assert_eq!(candidate.customer_name.as_deref(), Some("John Doe"));
        assert_eq!(
            candidate.customer_email.as_deref(),
            Some("test@example.com")
        );
        assert_eq!(
            candidate.external_id.as_deref(),
            Some("https://api.calendly.com/scheduled_events/AAAAAAAAAAAAAAAA/invitees/AAAAAAAAAAAAAAAA")
        );
        assert_eq!(
            candidate.custom_fields["calendly_timezone"],
            "America/New_York"
        );
    }

    #[test]
    fn sms_number_and_booking_questions_are_read() {
        let candidate = read_json(&json!({
            "event": "invitee.created",
            "payload": {
                "uri": "https://api.calendly.com/scheduled_events/E/invitees/I",
                "first_name": "Pat", "last_name": "Example", "email": "pat@example.com",
                "text_reminder_number": "+1 717-555-0123",
                "questions_and_answers": [
                    {"question": "Service address", "answer": "1 Main St", "position": 0},
                    {"question": "What do you need?", "answer": "Roof wash", "position": 1}
                ],
                "tracking": {"utm_source": "google", "utm_campaign": null},
                "scheduled_event": {"name": "Estimate", "start_time": "2026-01-05T15:00:00Z"}
            }
        }))
        .candidate(&BTreeMap::new())
        .unwrap();
        assert_eq!(candidate.customer_name.as_deref(), Some("Pat Example"));
        assert_eq!(candidate.customer_phone.as_deref(), Some("+1 717-555-0123"));
        assert_eq!(candidate.service_address.as_deref(), Some("1 Main St"));
        assert_eq!(candidate.custom_fields["What do you need?"], "Roof wash");
        assert_eq!(candidate.custom_fields["utm_source"], "google");
        assert_eq!(candidate.custom_fields["calendly_event_name"], "Estimate");
    }

    #[test]
    fn cancellations_are_not_leads() {
        let canceled = json!({"event": "invitee.canceled", "payload": {"email": "a@b.c"}});
        assert!(matches!(read_json(&canceled), Delivery::NotALead { .. }));
    }
}
