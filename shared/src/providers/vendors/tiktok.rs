//! TikTok lead generation (Instant Form leads).
//! Signature: https://developers.tiktok.com/doc/webhooks-verification
//! (`TikTok-Signature: t=<epoch seconds>,s=<hex HMAC-SHA256 of "t.body">` with the app's
//! client secret; TikTok leaves the age limit to the receiver: five minutes here).
//!
//! TikTok publishes no public sample of a lead delivery's body (its Marketing API lead
//! subscription is documented only inside the Ads Manager portal), so this reader takes
//! the shapes TikTok's lead APIs return and says so: a lead object, at the top or under
//! `lead`/`data`, with `lead_id` (the external id), ad context ids, and its answers as a
//! list of `{"name"|"field_name", "value"|"values"}` under `fields`, `field_data` or
//! `user_info` (or a flat object there). A lead id without answers is a notice to
//! fetch it. Developer-platform events (`{"client_key", "event", "content"}`, e.g.
//! `authorization.removed`) are not leads. `samples/tiktok.json` is such a lead.
//! TikTok documents no test marker; an `is_test` or `test_lead` flag on the lead is read
//! as one (the vendors' test convention, `vendors/mod.rs`).

use super::body::{self, Pairs};
use super::signature::Scheme;
use super::{Delivery, Request, Vendor, VendorError};
use serde_json::{Map, Value};

pub const SCHEME: Scheme = Scheme::Timestamped {
    header: "TikTok-Signature",
    key: "s",
    tolerance: 5 * 60,
};

const VENDOR: Vendor = Vendor::Tiktok;

fn first<'a>(object: &'a Map<String, Value>, keys: &[&str]) -> Option<&'a Value> {
    keys.iter()
        .find_map(|key| object.get(*key).filter(|v| !v.is_null()))
}

fn push_answers(pairs: &mut Pairs, answers: &Value) {
    match answers {
        Value::Array(items) => {
            for item in items.iter().filter_map(Value::as_object) {
                let name =
                    first(item, &["name", "field_name", "key", "question"]).and_then(body::text);
                let value =
                    first(item, &["value", "values", "field_value", "answer"]).and_then(body::text);
                pairs.push(name.unwrap_or_default(), value);
            }
        }
        Value::Object(fields) => {
            for (name, value) in fields {
                pairs.push(name.as_str(), body::text(value));
            }
        }
        _ => {}
    }
}

pub fn read(request: &Request) -> Result<Delivery, VendorError> {
    let object = body::json(VENDOR, request)?;
    if let (Some(event), true) = (
        object.get("event").and_then(Value::as_str),
        object.contains_key("client_key"),
    ) {
        return Ok(Delivery::NotALead {
            reason: format!("TikTok event {event:?} is not a lead"),
        });
    }
    let lead = ["lead", "data"]
        .iter()
        .find_map(|key| object.get(*key).and_then(Value::as_object))
        .unwrap_or(&object);
    let external_id = body::id(first(lead, &["lead_id", "id"]));
    let mut pairs = Pairs::new(VENDOR);
    if let Some(answers) = first(lead, &["fields", "field_data", "user_info"]) {
        push_answers(&mut pairs, answers);
    }
    let payload = pairs.finish()?;
    if payload.is_empty() {
        return match external_id {
            Some(external_id) => Ok(Delivery::Notice { external_id }),
            None => Err(VendorError::new(
                VENDOR,
                "it has neither a lead id nor answers",
            )),
        };
    }
    let mut pairs = Pairs::new(VENDOR);
    pairs.extend(&payload);
    for name in [
        "advertiser_id",
        "page_id",
        "form_id",
        "campaign_id",
        "adgroup_id",
        "ad_id",
    ] {
        pairs.context(name, body::id(lead.get(name)));
    }
    pairs.context("create_time", lead.get("create_time").and_then(body::text));
    // A flag on the lead itself (TikTok's test-lead tool; not in TikTok's public docs).
    let flagged = ["is_test", "test_lead"]
        .iter()
        .any(|flag| lead.get(*flag).and_then(body::text).as_deref() == Some("true"));
    if flagged {
        pairs.push("is_test", Some("true".to_owned()));
    }
    Ok(Delivery::Lead {
        payload: pairs.finish()?,
        external_id,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::collections::BTreeMap;

    fn read_json(value: &Value) -> Result<Delivery, VendorError> {
        let body = value.to_string();
        read(&Request::post(&[], body.as_bytes()))
    }

    #[test]
    fn a_lead_with_answers_maps_by_field_name() {
        let sample: Value = serde_json::from_slice(include_bytes!("samples/tiktok.json")).unwrap();
        let candidate = read_json(&sample)
            .unwrap()
            .candidate(&BTreeMap::new())
            .unwrap();
        assert_eq!(candidate.customer_name.as_deref(), Some("Pat Example"));
        assert_eq!(candidate.customer_email.as_deref(), Some("pat@example.com"));
        assert_eq!(candidate.customer_phone.as_deref(), Some("+17175550123"));
        assert_eq!(candidate.zip.as_deref(), Some("17601"));
        assert_eq!(
            candidate.external_id.as_deref(),
            Some("7301234567890123456")
        );
        assert_eq!(candidate.custom_fields["tiktok_ad_id"], "1790000000000002");
    }

    #[test]
    fn flat_answers_ids_alone_and_account_events_are_read_for_what_they_are() {
        let flat = json!({"data": {"lead_id": 9, "user_info": {"email": "a@x.io"}}});
        let Ok(Delivery::Lead {
            payload,
            external_id,
        }) = read_json(&flat)
        else {
            panic!("a lead");
        };
        assert_eq!(
            (payload.get("email"), external_id.as_deref()),
            (Some("a@x.io"), Some("9"))
        );
        let bare = json!({"lead_id": "9", "page_id": "1"});
        assert_eq!(
            read_json(&bare),
            Ok(Delivery::Notice {
                external_id: "9".into()
            })
        );
        let event = json!({"client_key": "k", "event": "authorization.removed", "content": "{}"});
        assert!(matches!(read_json(&event), Ok(Delivery::NotALead { .. })));
        assert!(read_json(&json!({"page_id": "1"})).is_err());
    }
}
