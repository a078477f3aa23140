//! The standard CE Pro lead fields and the names outside systems commonly give them.

/// A field of [`crate::domain::LeadCandidate`], plus the two name halves that are
/// joined into `customer_name`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Field {
    CustomerName,
    FirstName,
    LastName,
    CustomerEmail,
    CustomerPhone,
    ServiceAddress,
    City,
    State,
    Zip,
    ServiceInterest,
    Notes,
    ExternalId,
    TrustedformCertUrl,
    JornayaLeadid,
}

impl Field {
    pub const ALL: [Field; 14] = [
        Field::CustomerName,
        Field::FirstName,
        Field::LastName,
        Field::CustomerEmail,
        Field::CustomerPhone,
        Field::ServiceAddress,
        Field::City,
        Field::State,
        Field::Zip,
        Field::ServiceInterest,
        Field::Notes,
        Field::ExternalId,
        Field::TrustedformCertUrl,
        Field::JornayaLeadid,
    ];

    /// The standard name, as API callers send it and aliases point at it.
    pub fn name(self) -> &'static str {
        match self {
            Field::CustomerName => "customer_name",
            Field::FirstName => "first_name",
            Field::LastName => "last_name",
            Field::CustomerEmail => "customer_email",
            Field::CustomerPhone => "customer_phone",
            Field::ServiceAddress => "service_address",
            Field::City => "city",
            Field::State => "state",
            Field::Zip => "zip",
            Field::ServiceInterest => "service_interest",
            Field::Notes => "notes",
            Field::ExternalId => "external_id",
            Field::TrustedformCertUrl => "trustedform_cert_url",
            Field::JornayaLeadid => "jornaya_leadid",
        }
    }

    pub fn from_name(name: &str) -> Option<Field> {
        Field::ALL.into_iter().find(|field| field.name() == name)
    }

    /// Labels (normalised with [`normalize_label`]) that mean this field in the wild:
    /// Meta `field_data` names, Google `column_id`s, form builders and email templates.
    fn synonyms(self) -> &'static [&'static str] {
        match self {
            Field::CustomerName => &[
                "name",
                "full_name",
                "fullname",
                "your_name",
                "contact_name",
                "client_name",
                "customer",
                "lead_name",
                "your_full_name",
                "customer_full_name",
                "homeowner_name",
            ],
            Field::FirstName => &["first_name", "firstname", "first", "given_name", "fname"],
            Field::LastName => &[
                "last_name",
                "lastname",
                "last",
                "surname",
                "family_name",
                "lname",
            ],
            Field::CustomerEmail => &[
                "email",
                "e_mail",
                "email_address",
                "e_mail_address",
                "your_email",
                "contact_email",
                "work_email",
                "your_email_address",
                "email_id",
            ],
            Field::CustomerPhone => &[
                "phone",
                "phone_number",
                "telephone",
                "telephone_number",
                "tel",
                "mobile",
                "mobile_phone",
                "mobile_number",
                "cell",
                "cell_phone",
                "cellphone",
                "contact_phone",
                "work_phone_number",
                "your_phone",
                "your_phone_number",
                "phone_no",
                "primary_phone",
                "home_phone",
                "best_phone",
                "best_phone_number",
                "cell_number",
            ],
            Field::ServiceAddress => &[
                "address",
                "street_address",
                "street",
                "address1",
                "address_1",
                "address_line_1",
                "address_line1",
                "property_address",
                "job_address",
                "project_address",
                "street_address_line_1",
            ],
            Field::City => &["city", "town"],
            Field::State => &["state", "region", "province", "state_province"],
            Field::Zip => &[
                "zip",
                "zip_code",
                "zipcode",
                "postal_code",
                "postcode",
                "post_code",
                "postal",
            ],
            Field::ServiceInterest => &[
                "service",
                "services",
                "requested_service",
                "service_type",
                "service_requested",
                "service_needed",
                "interest",
                "type_of_service",
                "service_of_interest",
                "project_type",
                "job_type",
            ],
            Field::Notes => &[
                "message",
                "comments",
                "comment",
                "note",
                "details",
                "description",
                "additional_information",
                "your_message",
                "message_body",
                "additional_comments",
                "questions_comments",
                "project_details",
                "how_can_we_help",
                "how_can_we_help_you",
            ],
            Field::ExternalId => &[
                "lead_id",
                "leadgen_id",
                "submission_id",
                "entry_id",
                "lead_number",
                "request_id",
                "reference_number",
            ],
            // The hidden fields the vendors' scripts add to a form, and what lead
            // platforms rename them to.
            Field::TrustedformCertUrl => &[
                "xxtrustedformcerturl",
                "xx_trusted_form_cert_url",
                "trustedform_cert_url",
                "trusted_form_cert_url",
                "trustedform_url",
                "trusted_form_url",
                "trustedformurl",
                "trustedform_certificate_url",
                "trusted_form_certificate_url",
            ],
            Field::JornayaLeadid => &[
                "universal_leadid",
                "universal_lead_id",
                "leadid_token",
                "jornaya_lead_id",
                "jornaya_token",
                "jornaya_leadid_token",
            ],
        }
    }

    /// The field a label means without any connector alias: a standard name first,
    /// then a common synonym.
    pub fn from_label(label: &str) -> Option<Field> {
        let label = normalize_label(label);
        Field::from_name(&label).or_else(|| {
            Field::ALL
                .into_iter()
                .find(|f| f.synonyms().contains(&label.as_str()))
        })
    }
}

/// Lower-case with every run of other characters turned into one `_`:
/// `"E-mail Address"` → `"e_mail_address"`.
pub fn normalize_label(label: &str) -> String {
    let mut out = String::with_capacity(label.len());
    for c in label.trim().chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if !out.is_empty() && !out.ends_with('_') {
            out.push('_');
        }
    }
    while out.ends_with('_') {
        out.pop();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_recognised_however_they_are_written() {
        assert_eq!(normalize_label(" E-mail  Address: "), "e_mail_address");
        assert_eq!(Field::from_label("E-mail"), Some(Field::CustomerEmail));
        assert_eq!(
            Field::from_label("PHONE_NUMBER"),
            Some(Field::CustomerPhone)
        );
        assert_eq!(Field::from_label("Zip Code"), Some(Field::Zip));
        assert_eq!(
            Field::from_label("customer_name"),
            Some(Field::CustomerName)
        );
        assert_eq!(Field::from_label("favourite colour"), None);
        assert_eq!(
            Field::from_label("xxTrustedFormCertUrl"),
            Some(Field::TrustedformCertUrl)
        );
        assert_eq!(
            Field::from_label("universal_leadid"),
            Some(Field::JornayaLeadid)
        );
    }
}
