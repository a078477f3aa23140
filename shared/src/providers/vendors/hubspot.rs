//! HubSpot: a workflow's "Send a webhook" action.
//! Signature v3: https://developers.hubspot.com/docs/api/webhooks/validating-requests
//! (`X-HubSpot-Signature-v3`: base64 HMAC-SHA256, with the app's client secret, of
//! method + URI (listed escapes decoded) + body + `X-HubSpot-Request-Timestamp`, which is
//! in milliseconds; requests older than five minutes are refused). HubSpot's own client
//! library test vector is checked in `vendors/tests.rs`.
//! Payload: https://developers.hubspot.com/docs/methods/workflows/webhook_information —
//! "the exact same data you'd get when pulling that object using the relevant object
//! API": a contact-based workflow sends the contact record, `{"vid", "portal-id",
//! "properties": {"firstname": {"value": …, "versions": […]}}}`; other objects send
//! `{"objectId", "properties": {"name": "value"}}`; a customised request body is a flat
//! object of the keys the user chose. All three are read (`samples/hubspot.json`).
//!
//! Properties keep HubSpot's internal names (`firstname`, `email`, `phone`, `zip`, …);
//! HubSpot's own bookkeeping (`hs_*`, create and modify dates) is left out. External id:
//! the record's id (`vid`, `canonical-vid`, `objectId`, `id` or `hs_object_id`). The
//! webhooks API (app subscriptions) sends arrays of change events that carry ids only:
//! those are not leads. HubSpot documents no test marker.

use super::body::{self, Pairs};
use super::{Delivery, Request, Vendor, VendorError};
use crate::mapping::Payload;
use serde_json::{Map, Value};

const VENDOR: Vendor = Vendor::Hubspot;

/// Properties that are HubSpot's bookkeeping, not anything the lead said.
fn is_internal(name: &str) -> bool {
    name.starts_with("hs_") || matches!(name, "createdate" | "lastmodifieddate")
}

/// A property as sent: `{"value": …}` in contact records, the value itself elsewhere.
fn property(value: &Value) -> Option<String> {
    match value.get("value") {
        Some(inner) => body::text(inner),
        None => body::text(value),
    }
}

fn record_id(record: &Map<String, Value>) -> Option<String> {
    let properties = record.get("properties").and_then(Value::as_object);
    let object_id = properties
        .and_then(|p| p.get("hs_object_id"))
        .or_else(|| record.get("hs_object_id"))
        .and_then(property);
    ["vid", "canonical-vid", "objectId", "id"]
        .into_iter()
        .find_map(|key| body::id(record.get(key)))
        .or(object_id)
}

pub fn read(request: &Request) -> Result<Delivery, VendorError> {
    if let Ok(Value::Array(_)) = serde_json::from_slice::<Value>(request.body) {
        return Ok(Delivery::NotALead {
            reason: "HubSpot webhooks-API change events carry ids only: send leads with a \
                     workflow's Send a webhook action"
                .to_owned(),
        });
    }
    let record = body::json(VENDOR, request)?;
    let mut pairs = Pairs::new(VENDOR);
    match record.get("properties").and_then(Value::as_object) {
        Some(properties) => {
            for (name, value) in properties.iter().filter(|(name, _)| !is_internal(name)) {
                pairs.push(name.as_str(), property(value));
            }
            let portal =
                body::id(record.get("portal-id")).or_else(|| body::id(record.get("portalId")));
            pairs.context("portal_id", portal);
        }
        None => {
            let flat = Payload::from_json(&Value::Object(record.clone()))
                .map_err(|err| VendorError::new(VENDOR, err.to_string()))?;
            pairs.extend(&flat);
        }
    }
    Ok(Delivery::Lead {
        payload: pairs.finish()?,
        external_id: record_id(&record),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::collections::BTreeMap;

    fn read_body(body: &[u8]) -> Delivery {
        let request = Request::post(&[], body);
        read(&request).unwrap()
    }

    #[test]
    fn a_contact_workflow_sends_the_contact_record() {
        let delivery = read_body(include_bytes!("samples/hubspot.json"));
        let candidate = delivery.candidate(&BTreeMap::new()).unwrap();
        assert_eq!(candidate.customer_name.as_deref(), Some("Codey Huang"));
        assert_eq!(
            candidate.customer_email.as_deref(),
            Some("codey@example.com")
        );
        assert_eq!(candidate.customer_phone.as_deref(), Some("555-122-2323"));
        assert_eq!(candidate.zip.as_deref(), Some("02139"));
        assert_eq!(candidate.external_id.as_deref(), Some("3234574"));
        assert_eq!(candidate.custom_fields["company"], "HubSpot");
        assert_eq!(candidate.custom_fields["hubspot_portal_id"], "62515");
        assert!(!candidate.custom_fields.contains_key("lastmodifieddate"));
        assert!(!candidate.custom_fields.keys().any(|k| k.starts_with("hs_")));
    }

    #[test]
    fn object_records_and_customised_bodies_are_read_too() {
        let object =
            json!({"objectId": 512, "properties": {"email": "a@x.io", "firstname": "Ada"}});
        let Delivery::Lead {
            payload,
            external_id,
        } = read_body(object.to_string().as_bytes())
        else {
            panic!("a lead");
        };
        assert_eq!(
            (payload.get("email"), external_id.as_deref()),
            (Some("a@x.io"), Some("512"))
        );

        let custom = json!({"name": "Ada Lovelace", "email": "a@x.io", "hs_object_id": "77"});
        let Delivery::Lead {
            payload,
            external_id,
        } = read_body(custom.to_string().as_bytes())
        else {
            panic!("a lead");
        };
        assert_eq!(
            (payload.get("name"), external_id.as_deref()),
            (Some("Ada Lovelace"), Some("77"))
        );
    }

    #[test]
    fn webhooks_api_change_events_are_not_leads() {
        let events = br#"[{"eventId":1,"subscriptionType":"contact.creation","objectId":123}]"#;
        assert!(matches!(read_body(events), Delivery::NotALead { .. }));
    }
}
