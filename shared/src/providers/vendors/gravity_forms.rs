//! Gravity Forms, through its Webhooks Add-On: https://docs.gravityforms.com/webhooks-add-on/
//! The add-on posts JSON or a form (its "Request Format"); with "Request Body: All
//! Fields" the body is the Entry Object (https://docs.gravityforms.com/entry-object/):
//! entry properties (`id`, `form_id`, `source_url`, `ip`, …) and each answer under its
//! field id (`"2"`, and `"1.3"`/`"1.6"` for a name's first and last parts, `"4.1"`…`"4.5"`
//! for an address). Ids mean nothing by themselves: the connector's aliases name them
//! (`"1.3" → first_name`), or the user picks "Select Fields" and names the keys.
//! `samples/gravity_forms.json` is an entry in the documented shape.
//!
//! Gravity Forms signs nothing; the add-on sets request headers, so the connector's
//! secret goes in `X-Lead-Secret` (or the URL's `secret` parameter), compared in constant
//! time. External id: the entry `id`. No test marker is documented.

use super::body::{self, Flat};
use super::{Delivery, Request, Vendor, VendorError};

const VENDOR: Vendor = Vendor::GravityForms;

const ENTRY: Flat = Flat {
    id: &["id"],
    context: &["form_id", "source_url", "date_created"],
    skip: |key| {
        matches!(
            key,
            "status"
                | "ip"
                | "user_agent"
                | "currency"
                | "post_id"
                | "date_updated"
                | "is_starred"
                | "is_read"
                | "is_fulfilled"
                | "created_by"
                | "transaction_type"
                | "transaction_id"
                | "source_id"
        ) || key.starts_with("payment_")
    },
};

pub fn read(request: &Request) -> Result<Delivery, VendorError> {
    body::flat(VENDOR, body::form(VENDOR, request)?, &ENTRY)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn an_entry_maps_through_aliases_for_its_field_ids() {
        let headers = [("content-type", "application/json")];
        let request = Request::post(&headers, include_bytes!("samples/gravity_forms.json"));
        let delivery = read(&request).unwrap();
        let aliases: BTreeMap<String, String> = [
            ("1.3", "first_name"),
            ("1.6", "last_name"),
            ("2", "customer_email"),
            ("3", "customer_phone"),
            ("4.5", "zip"),
        ]
        .into_iter()
        .map(|(a, b)| (a.to_owned(), b.to_owned()))
        .collect();
        let candidate = delivery.candidate(&aliases).unwrap();
        assert_eq!(candidate.customer_name.as_deref(), Some("Pat Example"));
        assert_eq!(candidate.customer_email.as_deref(), Some("pat@example.com"));
        assert_eq!(candidate.customer_phone.as_deref(), Some("(717) 555-0123"));
        assert_eq!(candidate.zip.as_deref(), Some("17601"));
        assert_eq!(candidate.external_id.as_deref(), Some("28"));
        assert_eq!(candidate.custom_fields["5"], "Gutter cleaning");
        assert_eq!(candidate.custom_fields["gravity_forms_form_id"], "3");
        assert!(!candidate.custom_fields.contains_key("ip"));
        assert!(!candidate.custom_fields.contains_key("payment_status"));
    }
}
