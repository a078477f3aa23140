//! Contact Form 7. CF7 itself posts nowhere; the usual bridge is the "CF7 to Webhook"
//! plugin (https://wordpress.org/plugins/cf7-to-zapier/), which POSTs the submission as
//! JSON keyed by the form's field names, CF7's defaults being `your-name`,
//! `your-email`, `your-subject` and `your-message` (https://contactform7.com/getting-started-with-contact-form-7/).
//! Those names already mean name, email and notes; others are aliased or kept as custom
//! fields. CF7's hidden `_wpcf7*` fields are left out. `samples/contact_form_7.json`.
//!
//! Nothing is signed and CF7 has no submission id: the connector's secret goes in the
//! webhook URL's `secret` parameter (or `X-Lead-Secret` where headers can be set),
//! compared in constant time; there is no external id and no test marker.

use super::body::{self, Flat};
use super::{Delivery, Request, Vendor, VendorError};

const VENDOR: Vendor = Vendor::ContactForm7;

const BODY: Flat = Flat {
    id: &[],
    context: &[],
    skip: |key| key.starts_with("_wpcf7"),
};

pub fn read(request: &Request) -> Result<Delivery, VendorError> {
    body::flat(VENDOR, body::form(VENDOR, request)?, &BODY)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn default_field_names_map_without_aliases() {
        let headers = [("Content-Type", "application/json")];
        let request = Request::post(&headers, include_bytes!("samples/contact_form_7.json"));
        let candidate = read(&request).unwrap().candidate(&BTreeMap::new()).unwrap();
        assert_eq!(candidate.customer_name.as_deref(), Some("Pat Example"));
        assert_eq!(candidate.customer_email.as_deref(), Some("pat@example.com"));
        assert_eq!(candidate.customer_phone.as_deref(), Some("717-555-0123"));
        assert_eq!(
            candidate.notes.as_deref(),
            Some("Please quote a roof wash.")
        );
        assert_eq!(candidate.custom_fields["your-subject"], "Estimate");
        assert_eq!(candidate.external_id, None);
        assert!(!candidate
            .custom_fields
            .keys()
            .any(|k| k.starts_with("_wpcf7")));
    }
}
