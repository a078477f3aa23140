//! Jotform: form webhooks.
//! https://www.jotform.com/help/245-how-to-setup-a-webhook-with-jotform/ and
//! https://api.jotform.com/docs/#form-id-webhooks: each submission is POSTed as
//! `multipart/form-data` with `formID`, `formTitle`, `submissionID`, a `pretty` summary
//! and `rawRequest`, a JSON string of the answers keyed `q<order>_<uniqueName>`
//! (`q3_fullName: {"first", "last"}`, `q5_phoneNumber: {"full"}`). Jotform publishes no
//! sample body; `samples/jotform.txt` follows a captured delivery's shape.
//!
//! Jotform signs nothing, so the connector's secret travels with the request: the
//! `secret` query parameter of the webhook URL (Jotform cannot set headers) or the
//! `X-Lead-Secret` header, compared in constant time. Answers are labelled by their
//! unique name in snake case (`fullName` → `full_name`); compound answers by their
//! parts (`address.address_line_1`, `full_name.first`), a phone by its `full` number.
//! Jotform's own keys (`slug`, `event_id`, `temp_upload`, …) are left out. External id:
//! `submissionID`. Jotform documents no test marker.

use super::body::{self, Pairs};
use super::{Delivery, Request, Vendor, VendorError};
use serde_json::{Map, Value};

const VENDOR: Vendor = Vendor::Jotform;

/// `q12_fullName` → `fullName`; Jotform's own keys have no `q<n>_` prefix.
fn unique_name(key: &str) -> Option<&str> {
    let rest = key.strip_prefix('q')?;
    let (order, name) = rest.split_once('_')?;
    let numbered = !order.is_empty() && order.chars().all(|c| c.is_ascii_digit());
    (numbered && !name.is_empty()).then_some(name)
}

/// `phoneNumber` → `phone_number`.
fn snake_case(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    let mut previous_lower = false;
    for c in name.chars() {
        if c.is_uppercase() && previous_lower {
            out.push('_');
        }
        previous_lower = c.is_lowercase() || c.is_ascii_digit();
        out.extend(c.to_lowercase());
    }
    out
}

/// Jotform's names for the parts of an address, as the standard synonyms spell them.
fn part_label(part: &str) -> &str {
    match part {
        "addr_line1" => "address_line_1",
        "addr_line2" => "address_line_2",
        other => other,
    }
}

fn push_answer(pairs: &mut Pairs, label: &str, value: &Value) {
    let Value::Object(parts) = value else {
        pairs.push(label, body::text(value));
        return;
    };
    if let Some(full) = parts.get("full").and_then(body::text) {
        pairs.push(label, Some(full));
        return;
    }
    if let (Some(area), Some(phone)) = (parts.get("area"), parts.get("phone")) {
        let number = [body::text(area), body::text(phone)].into_iter().flatten();
        pairs.push(label, Some(number.collect::<Vec<_>>().join(" ")));
        return;
    }
    for (part, value) in parts {
        pairs.push(format!("{label}.{}", part_label(part)), body::text(value));
    }
}

pub fn read(request: &Request) -> Result<Delivery, VendorError> {
    let form = body::form(VENDOR, request)?;
    let raw = form
        .get("rawRequest")
        .ok_or_else(|| VendorError::new(VENDOR, "it has no rawRequest field"))?;
    let answers: Map<String, Value> = serde_json::from_str(raw)
        .map_err(|_| VendorError::new(VENDOR, "rawRequest is not a JSON object"))?;
    let mut pairs = Pairs::new(VENDOR);
    for (key, value) in &answers {
        if let Some(name) = unique_name(key) {
            push_answer(&mut pairs, &snake_case(name), value);
        }
    }
    pairs.context("form_id", form.get("formID").map(str::to_owned));
    pairs.context("form_title", form.get("formTitle").map(str::to_owned));
    let external_id = form
        .get("submissionID")
        .map(str::trim)
        .filter(|id| !id.is_empty())
        .map(str::to_owned);
    Ok(Delivery::Lead {
        payload: pairs.finish()?,
        external_id,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    const SAMPLE: &str = include_str!("samples/jotform.txt");
    const CONTENT_TYPE: &str =
        "multipart/form-data; boundary=------------------------J1JNT4vbVO4FCC1qLG4HSv";

    fn read_body(body: &str) -> Result<Delivery, VendorError> {
        let headers = [("Content-Type", CONTENT_TYPE)];
        read(&Request::post(&headers, body.as_bytes()))
    }

    #[test]
    fn a_multipart_submission_maps_by_unique_name() {
        for body in [SAMPLE.to_owned(), SAMPLE.replace('\n', "\r\n")] {
            let delivery = read_body(&body).unwrap();
            let candidate = delivery.candidate(&BTreeMap::new()).unwrap();
            assert_eq!(candidate.customer_name.as_deref(), Some("Pat Example"));
            assert_eq!(candidate.customer_email.as_deref(), Some("pat@example.com"));
            assert_eq!(candidate.customer_phone.as_deref(), Some("(717) 555-0123"));
            assert_eq!(candidate.service_address.as_deref(), Some("123 Main St"));
            assert_eq!(candidate.city.as_deref(), Some("Lancaster"));
            assert_eq!(candidate.zip.as_deref(), Some("17601"));
            assert_eq!(
                candidate.notes.as_deref(),
                Some("Gutters overflow at the back.")
            );
            assert_eq!(
                candidate.external_id.as_deref(),
                Some("6084250982513018472")
            );
            assert_eq!(candidate.custom_fields["which_service"], "Gutter cleaning");
            assert_eq!(
                candidate.custom_fields["jotform_form_id"],
                "243231271343446"
            );
            assert!(!candidate
                .custom_fields
                .keys()
                .any(|k| k.contains("slug") || k.contains("event_id")));
        }
    }

    #[test]
    fn names_and_keys_are_read_as_jotform_writes_them() {
        assert_eq!(unique_name("q12_fullName"), Some("fullName"));
        assert_eq!(unique_name("q_x"), None);
        assert_eq!(unique_name("quiz_x"), None);
        assert_eq!(unique_name("slug"), None);
        assert_eq!(snake_case("phoneNumber"), "phone_number");
        assert_eq!(snake_case("address1Line"), "address1_line");
        assert_eq!(snake_case("email"), "email");
    }

    #[test]
    fn a_post_without_raw_request_is_not_jotform() {
        let body = SAMPLE.replace("name=\"rawRequest\"", "name=\"other\"");
        assert!(read_body(&body).is_err());
    }
}
