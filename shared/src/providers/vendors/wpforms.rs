//! WPForms, through its Webhooks addon:
//! https://wpforms.com/docs/how-to-install-and-use-the-webhooks-addon-with-wpforms/
//! The user builds the request: "Request Format" JSON or FORM, "Request Body" pairs of a
//! key they name and a form field or smart tag, and "Request Headers". So the body is
//! flat and its keys are theirs (`samples/wpforms.json` names them plainly); the
//! `{entry_id}` smart tag under `entry_id` gives the external id, `form_id` is context.
//!
//! WPForms signs nothing; the addon sets headers, so the connector's secret goes in
//! `X-Lead-Secret` (or the URL's `secret` parameter), compared in constant time. No
//! test marker is documented.

use super::body::{self, Flat};
use super::{Delivery, Request, Vendor, VendorError};

const VENDOR: Vendor = Vendor::Wpforms;

const BODY: Flat = Flat {
    id: &["entry_id"],
    context: &["form_id"],
    skip: |_| false,
};

pub fn read(request: &Request) -> Result<Delivery, VendorError> {
    body::flat(VENDOR, body::form(VENDOR, request)?, &BODY)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn read_body(content_type: &str, body: &[u8]) -> Delivery {
        let headers = [("Content-Type", content_type)];
        let request = Request::post(&headers, body);
        read(&request).unwrap()
    }

    #[test]
    fn json_and_form_bodies_map_by_the_keys_the_user_chose() {
        let json = read_body("application/json", include_bytes!("samples/wpforms.json"));
        let form = read_body(
            "application/x-www-form-urlencoded",
            b"name=Pat+Example&email=pat%40example.com&phone=7175550123&message=Call+after+5&entry_id=42&form_id=17",
        );
        for delivery in [json, form] {
            let candidate = delivery.candidate(&BTreeMap::new()).unwrap();
            assert_eq!(candidate.customer_name.as_deref(), Some("Pat Example"));
            assert_eq!(candidate.customer_email.as_deref(), Some("pat@example.com"));
            assert_eq!(candidate.notes.as_deref(), Some("Call after 5"));
            assert_eq!(candidate.external_id.as_deref(), Some("42"));
            assert_eq!(candidate.custom_fields["wpforms_form_id"], "17");
        }
    }
}
