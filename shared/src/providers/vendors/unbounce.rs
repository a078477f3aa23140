//! Unbounce landing-page forms, through a webhook integration:
//! https://documentation.unbounce.com/hc/en-us/articles/203510044-Using-a-Webhook
//! Unbounce POSTs `application/x-www-form-urlencoded` with `page_id`, `page_name`,
//! `page_url`, `variant`, and the answers twice, as `data.json` and `data.xml`; `data.json`
//! maps each field id to a list of values (`{"email": ["pat@example.com"]}`) and adds
//! `ip_address`, `page_uuid`, `date_submitted` and `time_submitted`
//! (`samples/unbounce.txt`).
//!
//! Unbounce signs nothing and cannot set headers: the connector's secret goes in the
//! webhook URL's `secret` parameter (or `X-Lead-Secret`), compared in constant time.
//! Unbounce sends no submission id (no external id) and no test marker.

use super::body::{self, Flat};
use super::{Delivery, Request, Vendor, VendorError};
use crate::mapping::Payload;

const VENDOR: Vendor = Vendor::Unbounce;

const DATA: Flat = Flat {
    id: &[],
    context: &[
        "page_id",
        "page_name",
        "variant",
        "date_submitted",
        "time_submitted",
    ],
    skip: |key| matches!(key, "ip_address" | "page_uuid" | "page_url"),
};

pub fn read(request: &Request) -> Result<Delivery, VendorError> {
    let mut form = body::form(VENDOR, request)?;
    let data = form
        .take("data.json")
        .ok_or_else(|| VendorError::new(VENDOR, "it has no data.json field"))?;
    let data: serde_json::Value = serde_json::from_str(&data)
        .map_err(|_| VendorError::new(VENDOR, "data.json is not JSON"))?;
    let answers =
        Payload::from_json(&data).map_err(|err| VendorError::new(VENDOR, err.to_string()))?;
    // The page id is sent beside data.json, not in it.
    let page_id = form
        .get("page_id")
        .map(|id| ("page_id".to_owned(), id.to_owned()));
    let owned = answers
        .pairs()
        .map(|(label, value)| (label.to_owned(), value.to_owned()));
    let answers = Payload::from_pairs(owned.chain(page_id))
        .map_err(|err| VendorError::new(VENDOR, err.to_string()))?;
    body::flat(VENDOR, answers, &DATA)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn data_json_answers_map_and_the_page_is_context() {
        let headers = [("Content-Type", "application/x-www-form-urlencoded")];
        let request = Request::post(&headers, include_bytes!("samples/unbounce.txt"));
        let candidate = read(&request).unwrap().candidate(&BTreeMap::new()).unwrap();
        assert_eq!(candidate.customer_name.as_deref(), Some("Pat Example"));
        assert_eq!(candidate.customer_email.as_deref(), Some("pat@example.com"));
        assert_eq!(candidate.customer_phone.as_deref(), Some("717-555-0123"));
        assert_eq!(
            candidate.service_interest.as_deref(),
            Some("Roof cleaning, Gutters")
        );
        assert_eq!(
            candidate.custom_fields["unbounce_page_name"],
            "Free Estimate"
        );
        assert_eq!(candidate.custom_fields["unbounce_variant"], "a");
        let page_id = &candidate.custom_fields["unbounce_page_id"];
        assert_eq!(page_id, "a4f1b2c3-d4e5-46f7-8a9b-0c1d2e3f4a5b");
        assert!(!candidate.custom_fields.contains_key("ip_address"));
        assert!(!candidate.custom_fields.contains_key("data.xml"));
    }
}
