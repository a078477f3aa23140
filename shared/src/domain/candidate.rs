use super::{Email, JornayaLeadId, PhoneE164, TrustedFormCert, Zip};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A lead as an outside source described it, before validation: every door produces
/// one of these (through [`crate::mapping`]) and hands it to the pipeline.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct LeadCandidate {
    pub customer_name: Option<String>,
    pub customer_email: Option<String>,
    pub customer_phone: Option<String>,
    pub service_address: Option<String>,
    pub city: Option<String>,
    pub state: Option<String>,
    pub zip: Option<String>,
    pub service_interest: Option<String>,
    pub notes: Option<String>,
    pub external_id: Option<String>,
    /// A TrustedForm certificate URL (`xxTrustedFormCertUrl`), as sent.
    pub trustedform_cert_url: Option<String>,
    /// A Jornaya LeadiD (`universal_leadid`), as sent.
    pub jornaya_leadid: Option<String>,
    /// Everything the source sent that has no standard field, under its original label.
    pub custom_fields: BTreeMap<String, String>,
}

/// Why a candidate cannot become a lead, per field, in words a person can act on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: &str, message: impl Into<String>) -> Self {
        Self {
            field: field.to_owned(),
            message: message.into(),
        }
    }
}

/// A candidate that has a name and at least one valid way to reach the person, with
/// every contact value in its canonical form. The only way in is
/// `TryFrom<LeadCandidate>`.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidLead {
    pub customer_name: String,
    pub customer_email: Option<Email>,
    pub customer_phone: Option<PhoneE164>,
    pub service_address: Option<String>,
    pub city: Option<String>,
    pub state: Option<String>,
    pub zip: Option<Zip>,
    pub service_interest: Option<String>,
    pub notes: Option<String>,
    pub external_id: Option<String>,
    pub trustedform_cert_url: Option<TrustedFormCert>,
    pub jornaya_leadid: Option<JornayaLeadId>,
    pub custom_fields: BTreeMap<String, String>,
    /// Values beyond the minimum that did not validate: each left its field empty and
    /// was kept as a custom field, which the warning names.
    pub warnings: Vec<FieldError>,
}

fn present(value: Option<String>) -> Option<String> {
    value.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty())
}

/// A contact or place value as checked: absent, valid, or invalid with the reason.
enum Checked<T> {
    Absent,
    Valid(T),
    Invalid { raw: String, error: FieldError },
}

impl<T> Checked<T> {
    fn of(field: &str, raw: Option<String>, parse: fn(&str) -> Result<T, String>) -> Self {
        let Some(raw) = present(raw) else {
            return Checked::Absent;
        };
        match parse(&raw) {
            Ok(value) => Checked::Valid(value),
            Err(message) => Checked::Invalid {
                raw,
                error: FieldError::new(field, message),
            },
        }
    }

    fn is_valid(&self) -> bool {
        matches!(self, Checked::Valid(_))
    }

    fn error(&self) -> Option<FieldError> {
        match self {
            Checked::Invalid { error, .. } => Some(error.clone()),
            _ => None,
        }
    }

    /// The valid value; an invalid one is kept as a custom field under the field's
    /// name (or a free variant of it) and a warning says so.
    fn keep(
        self,
        custom_fields: &mut BTreeMap<String, String>,
        warnings: &mut Vec<FieldError>,
    ) -> Option<T> {
        match self {
            Checked::Absent => None,
            Checked::Valid(value) => Some(value),
            Checked::Invalid { raw, error } => {
                let label = free_label(custom_fields, &error.field);
                warnings.push(FieldError::new(
                    &error.field,
                    format!(
                        "{}; the value was kept as the custom field '{label}'",
                        error.message
                    ),
                ));
                custom_fields.insert(label, raw);
                None
            }
        }
    }
}

/// `field`, or `field (2)`, `field (3)`… when the source already sent a custom field
/// of that name.
fn free_label(custom_fields: &BTreeMap<String, String>, field: &str) -> String {
    let mut label = field.to_owned();
    let mut n = 1;
    while custom_fields.contains_key(&label) {
        n += 1;
        label = format!("{field} ({n})");
    }
    label
}

/// Why a candidate lacks the minimum, and every other value that was invalid with it.
fn minimum_missing(
    has_name: bool,
    email: &Checked<Email>,
    phone: &Checked<PhoneE164>,
    zip: &Checked<Zip>,
) -> Vec<FieldError> {
    let mut errors = Vec::new();
    if !has_name {
        errors.push(FieldError::new(
            "customer_name",
            "a customer name is required",
        ));
    }
    if matches!((email, phone), (Checked::Absent, Checked::Absent)) {
        errors.push(FieldError::new(
            "customer_email",
            "at least one contact method is required: an email or a phone number",
        ));
    }
    errors.extend(
        [email.error(), phone.error(), zip.error()]
            .into_iter()
            .flatten(),
    );
    errors
}

impl TryFrom<LeadCandidate> for ValidLead {
    type Error = Vec<FieldError>;

    /// The minimum is a name and one valid email or phone. Beyond it, a value that does
    /// not validate leaves its field empty, is kept as a custom field and warned about.
    /// Without the minimum, the errors name every value that was missing or invalid.
    fn try_from(candidate: LeadCandidate) -> Result<Self, Self::Error> {
        let name = present(candidate.customer_name);
        let email = Checked::of("customer_email", candidate.customer_email, Email::parse);
        let phone = Checked::of("customer_phone", candidate.customer_phone, PhoneE164::parse);
        let zip = Checked::of("zip", candidate.zip, Zip::parse);
        let trustedform = Checked::of(
            "trustedform_cert_url",
            candidate.trustedform_cert_url,
            TrustedFormCert::parse,
        );
        let jornaya = Checked::of(
            "jornaya_leadid",
            candidate.jornaya_leadid,
            JornayaLeadId::parse,
        );

        let has_name = name.is_some();
        let reachable = email.is_valid() || phone.is_valid();
        let Some(customer_name) = name.filter(|_| reachable) else {
            return Err(minimum_missing(has_name, &email, &phone, &zip));
        };

        let mut custom_fields = candidate.custom_fields;
        let mut warnings = Vec::new();
        Ok(Self {
            customer_name,
            customer_email: email.keep(&mut custom_fields, &mut warnings),
            customer_phone: phone.keep(&mut custom_fields, &mut warnings),
            zip: zip.keep(&mut custom_fields, &mut warnings),
            trustedform_cert_url: trustedform.keep(&mut custom_fields, &mut warnings),
            jornaya_leadid: jornaya.keep(&mut custom_fields, &mut warnings),
            service_address: present(candidate.service_address),
            city: present(candidate.city),
            state: present(candidate.state),
            service_interest: present(candidate.service_interest),
            notes: present(candidate.notes),
            external_id: present(candidate.external_id),
            custom_fields,
            warnings,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn candidate() -> LeadCandidate {
        LeadCandidate {
            customer_name: Some(" Pat Example ".into()),
            customer_email: Some("Pat@Example.com".into()),
            customer_phone: Some("(717) 555-0123".into()),
            zip: Some("17601".into()),
            ..Default::default()
        }
    }

    fn fields(errors: Vec<FieldError>) -> Vec<String> {
        errors.into_iter().map(|e| e.field).collect()
    }

    #[test]
    fn a_named_reachable_candidate_is_valid_and_canonical() {
        let lead = ValidLead::try_from(candidate()).unwrap();
        assert_eq!(lead.customer_name, "Pat Example");
        assert_eq!(lead.customer_email.unwrap().as_ref(), "pat@example.com");
        assert_eq!(lead.customer_phone.unwrap().as_ref(), "+17175550123");
        assert!(lead.warnings.is_empty());
    }

    #[test]
    fn one_contact_method_is_enough() {
        let phone_only = LeadCandidate {
            customer_email: None,
            ..candidate()
        };
        let email_only = LeadCandidate {
            customer_phone: Some("  ".into()),
            ..candidate()
        };
        assert!(ValidLead::try_from(phone_only).is_ok());
        assert!(ValidLead::try_from(email_only).is_ok());
    }

    #[test]
    fn every_problem_is_reported_with_its_field() {
        let nameless = LeadCandidate {
            customer_name: None,
            ..candidate()
        };
        assert_eq!(
            fields(ValidLead::try_from(nameless).unwrap_err()),
            ["customer_name"]
        );

        let unreachable = LeadCandidate {
            customer_email: None,
            customer_phone: None,
            ..candidate()
        };
        let errors = ValidLead::try_from(unreachable).unwrap_err();
        assert!(errors[0].message.contains("at least one contact method"));
        assert_eq!(fields(errors), ["customer_email"]);
    }

    #[test]
    fn without_a_valid_contact_every_invalid_value_is_named() {
        let garbled = LeadCandidate {
            customer_email: Some("pat@".into()),
            customer_phone: Some("12".into()),
            ..candidate()
        };
        assert_eq!(
            fields(ValidLead::try_from(garbled.clone()).unwrap_err()),
            ["customer_email", "customer_phone"]
        );

        let with_a_bad_zip = LeadCandidate {
            zip: Some("??".into()),
            ..garbled
        };
        assert_eq!(
            fields(ValidLead::try_from(with_a_bad_zip).unwrap_err()),
            ["customer_email", "customer_phone", "zip"]
        );
    }

    #[test]
    fn a_value_beyond_the_minimum_that_does_not_validate_is_kept_with_a_warning() {
        let partly_wrong = LeadCandidate {
            customer_phone: Some(" 555-1234 ".into()),
            zip: Some("N/A".into()),
            ..candidate()
        };

        let lead = ValidLead::try_from(partly_wrong).unwrap();

        assert_eq!(lead.customer_email.unwrap().as_ref(), "pat@example.com");
        assert_eq!((lead.customer_phone, lead.zip), (None, None));
        assert_eq!(lead.custom_fields["customer_phone"], "555-1234");
        assert_eq!(lead.custom_fields["zip"], "N/A");
        assert_eq!(lead.warnings.len(), 2);
        assert_eq!(
            lead.warnings[0],
            FieldError::new(
                "customer_phone",
                "'555-1234' is not a valid phone number; the value was kept as the custom field 'customer_phone'"
            )
        );
        assert_eq!(lead.warnings[1].field, "zip");
    }

    #[test]
    fn compliance_certificates_are_checked_and_a_malformed_one_is_kept_with_a_warning() {
        let lead = ValidLead::try_from(LeadCandidate {
            trustedform_cert_url: Some("https://cert.trustedform.com/abc123".into()),
            jornaya_leadid: Some("not-a-token".into()),
            ..candidate()
        })
        .unwrap();
        assert_eq!(
            lead.trustedform_cert_url.unwrap().as_ref(),
            "https://cert.trustedform.com/abc123"
        );
        assert_eq!(lead.jornaya_leadid, None);
        assert_eq!(lead.custom_fields["jornaya_leadid"], "not-a-token");
        assert_eq!(fields(lead.warnings), ["jornaya_leadid"]);
    }

    #[test]
    fn a_valid_phone_is_enough_when_the_email_is_wrong() {
        let lead = ValidLead::try_from(LeadCandidate {
            customer_email: Some("pat@example".into()),
            ..candidate()
        })
        .unwrap();
        assert_eq!(lead.customer_phone.unwrap().as_ref(), "+17175550123");
        assert_eq!(lead.customer_email, None);
        assert_eq!(fields(lead.warnings), ["customer_email"]);
    }

    #[test]
    fn a_kept_value_never_overwrites_a_custom_field_the_source_sent() {
        let lead = ValidLead::try_from(LeadCandidate {
            zip: Some("none".into()),
            custom_fields: BTreeMap::from([
                ("zip".to_owned(), "sent by the form".to_owned()),
                ("zip (2)".to_owned(), "also sent".to_owned()),
            ]),
            ..candidate()
        })
        .unwrap();
        assert_eq!(lead.custom_fields["zip"], "sent by the form");
        assert_eq!(lead.custom_fields["zip (3)"], "none");
        assert!(lead.warnings[0].message.contains("'zip (3)'"));
    }
}
