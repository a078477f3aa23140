//! Typeform: `form_response` webhooks.
//! Signature: https://www.typeform.com/developers/webhooks/secure-your-webhooks/
//! (`Typeform-Signature: sha256=<base64 HMAC-SHA256 of the raw body>`, no timestamp).
//! Payload: https://www.typeform.com/developers/webhooks/example-payload/ (`samples/typeform.json`).
//!
//! Each answer is labelled by its field's `ref` when the form's author gave it one, else
//! by the question's title (a generated `ref` is a UUID that says nothing); an `email`
//! or `phone_number` answer whose label means nothing standard is marked with its type,
//! so it still lands in the lead's email or phone (after any connector alias).
//! External id: `form_response.token`, Typeform's id of the response (`event_id` names
//! the delivery). Partial responses are not leads. Typeform documents no test marker.

use super::body::{self, Pairs};
use super::signature::Scheme;
use super::{is_uuid, Delivery, Request, Vendor, VendorError};
use crate::mapping::Field;
use serde_json::{Map, Value};

pub const SCHEME: Scheme = Scheme::BodyBase64 {
    header: "Typeform-Signature",
};

const VENDOR: Vendor = Vendor::Typeform;

pub fn read(request: &Request) -> Result<Delivery, VendorError> {
    let event = body::json(VENDOR, request)?;
    match event.get("event_type").and_then(Value::as_str) {
        Some("form_response") => {}
        Some("form_response_partial") => {
            return Ok(Delivery::NotALead {
                reason: "a partial Typeform response: only submitted responses are leads"
                    .to_owned(),
            })
        }
        Some(other) => {
            return Ok(Delivery::NotALead {
                reason: format!("Typeform event {other:?} is not a form response"),
            })
        }
        None => return Err(VendorError::new(VENDOR, "it has no event_type")),
    }
    let response = event
        .get("form_response")
        .and_then(Value::as_object)
        .ok_or_else(|| VendorError::new(VENDOR, "it has no form_response"))?;

    let definitions = fields(response);
    let mut pairs = Pairs::new(VENDOR);
    for answer in list(response, "answers").filter_map(Value::as_object) {
        let kind = answer
            .get("type")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let field = answer.get("field").and_then(Value::as_object);
        let label = label(field, &definitions, kind);
        pairs.push(label, answer_text(kind, answer.get(kind)));
    }
    if let Some(hidden) = response.get("hidden").and_then(Value::as_object) {
        for (name, value) in hidden {
            pairs.push(name.as_str(), body::text(value));
        }
    }
    pairs.context("form_id", body::id(response.get("form_id")));
    pairs.context(
        "submitted_at",
        response.get("submitted_at").and_then(body::text),
    );
    let external_id = body::id(response.get("token")).or_else(|| body::id(event.get("event_id")));
    Ok(Delivery::Lead {
        payload: pairs.finish()?,
        external_id,
    })
}

fn list<'a>(object: &'a Map<String, Value>, key: &str) -> impl Iterator<Item = &'a Value> {
    object
        .get(key)
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
}

/// The form's fields as its definition (sent with the response) describes them.
fn fields(response: &Map<String, Value>) -> Vec<&Map<String, Value>> {
    let definition = response.get("definition").and_then(Value::as_object);
    definition
        .into_iter()
        .flat_map(|definition| list(definition, "fields"))
        .filter_map(Value::as_object)
        .collect()
}

fn get<'a>(field: Option<&'a Map<String, Value>>, key: &str) -> Option<&'a str> {
    field
        .and_then(|f| f.get(key))
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

/// The answer's `ref`, else its field's `ref` or title in the definition, else its id.
fn label(
    field: Option<&Map<String, Value>>,
    definitions: &[&Map<String, Value>],
    kind: &str,
) -> String {
    let id = get(field, "id").unwrap_or_default();
    let defined = definitions
        .iter()
        .find(|definition| get(Some(definition), "id") == Some(id))
        .copied();
    let reference = get(field, "ref")
        .or_else(|| get(defined, "ref"))
        .filter(|r| !is_uuid(r));
    let label = reference.or_else(|| get(defined, "title")).unwrap_or(id);
    let typed = matches!(kind, "email" | "phone_number");
    if typed && Field::from_label(label).is_none() {
        // The last dotted part is read as a synonym, after aliases and standard names.
        format!("{label}.{kind}")
    } else {
        label.to_owned()
    }
}

/// The answer's value, found under the key its `type` names.
fn answer_text(kind: &str, value: Option<&Value>) -> Option<String> {
    let value = value?;
    let key = |key: &str| value.get(key).and_then(body::text);
    match kind {
        "choice" => key("label").or_else(|| key("other")),
        "choices" => {
            let all = [key("labels"), key("other")].into_iter().flatten();
            Some(all.collect::<Vec<_>>().join(", "))
        }
        "payment" => key("amount"),
        _ => body::text(value),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    const SAMPLE: &[u8] = include_bytes!("samples/typeform.json");

    fn read_body(body: &[u8]) -> Delivery {
        let request = Request::post(&[], body);
        read(&request).unwrap()
    }

    #[test]
    fn the_documented_example_payload_maps_by_ref_and_type() {
        let delivery = read_body(SAMPLE);
        let Delivery::Lead {
            payload,
            external_id,
        } = &delivery
        else {
            panic!("a lead: {delivery:?}");
        };
        assert_eq!(
            external_id.as_deref(),
            Some("a3a12ec67a1365927098a606107fac15")
        );
        assert_eq!(payload.get("readable_ref_short_text"), Some("Laura"));
        assert_eq!(
            payload.get("readable_ref_picture_choice"),
            Some("London, Sydney")
        );
        assert_eq!(payload.get("readable_ref_multiple_choice"), Some("London"));
        assert_eq!(payload.get("readable_ref_yes_no"), Some("false"));
        assert_eq!(
            payload.get("user_id"),
            Some("abc123456"),
            "hidden fields keep their names"
        );
        assert_eq!(payload.get("typeform_form_id"), Some("lT4Z3j"));

        let aliases = BTreeMap::from([("readable_ref_short_text".into(), "first_name".into())]);
        let candidate = delivery.candidate(&aliases).unwrap();
        assert_eq!(candidate.customer_name.as_deref(), Some("Laura"));
        assert_eq!(
            candidate.customer_email.as_deref(),
            Some("laura@example.com")
        );
        assert_eq!(
            candidate.external_id.as_deref(),
            Some("a3a12ec67a1365927098a606107fac15")
        );
    }

    #[test]
    fn generated_refs_give_way_to_question_titles() {
        let body = serde_json::json!({
            "event_id": "01E", "event_type": "form_response",
            "form_response": {
                "token": "tok",
                "definition": {"fields": [
                    {"id": "a", "title": "Your name", "ref": "ecbb3121-1bc9-42f0-ae29-29aeee5d39d3"},
                    {"id": "b", "title": "Where can we call you?", "ref": "9a489f17-8765-494b-933e-3624c645bd0c"}
                ]},
                "answers": [
                    {"type": "text", "text": "Pat Example", "field": {"id": "a", "type": "short_text", "ref": "ecbb3121-1bc9-42f0-ae29-29aeee5d39d3"}},
                    {"type": "phone_number", "phone_number": "+17175550123", "field": {"id": "b", "type": "phone_number", "ref": "9a489f17-8765-494b-933e-3624c645bd0c"}}
                ]
            }
        });
        let delivery = read_body(body.to_string().as_bytes());
        let candidate = delivery.candidate(&BTreeMap::new()).unwrap();
        assert_eq!(candidate.customer_name.as_deref(), Some("Pat Example"));
        assert_eq!(candidate.customer_phone.as_deref(), Some("+17175550123"));
        assert_eq!(candidate.external_id.as_deref(), Some("tok"));
    }

    #[test]
    fn partial_and_other_events_are_not_leads() {
        let partial =
            br#"{"event_id":"1","event_type":"form_response_partial","form_response":{}}"#;
        assert!(matches!(read_body(partial), Delivery::NotALead { .. }));
        let request = Request::post(&[], br#"{"form_response":{}}"#);
        assert!(read(&request).is_err());
    }
}
