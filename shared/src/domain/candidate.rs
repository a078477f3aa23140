use super::{Email, PhoneE164, Zip};
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

/// A candidate that has a name and a way to reach the person, with every contact
/// value in its canonical form. The only way in is `TryFrom<LeadCandidate>`.
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
    pub custom_fields: BTreeMap<String, String>,
}

fn present(value: Option<String>) -> Option<String> {
    value.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty())
}

fn check<T>(
    field: &str,
    value: &Option<String>,
    parse: fn(&str) -> Result<T, String>,
    errors: &mut Vec<FieldError>,
) -> Option<T> {
    let value = value.as_deref()?;
    parse(value)
        .map_err(|message| errors.push(FieldError::new(field, message)))
        .ok()
}

impl TryFrom<LeadCandidate> for ValidLead {
    type Error = Vec<FieldError>;

    fn try_from(candidate: LeadCandidate) -> Result<Self, Self::Error> {
        let mut errors = Vec::new();
        let name = present(candidate.customer_name);
        let email_raw = present(candidate.customer_email);
        let phone_raw = present(candidate.customer_phone);
        let zip_raw = present(candidate.zip);

        if name.is_none() {
            errors.push(FieldError::new(
                "customer_name",
                "a customer name is required",
            ));
        }
        if email_raw.is_none() && phone_raw.is_none() {
            errors.push(FieldError::new(
                "customer_email",
                "at least one contact method is required: an email or a phone number",
            ));
        }
        let email = check("customer_email", &email_raw, Email::parse, &mut errors);
        let phone = check("customer_phone", &phone_raw, PhoneE164::parse, &mut errors);
        let zip = check("zip", &zip_raw, Zip::parse, &mut errors);

        match name {
            Some(customer_name) if errors.is_empty() => Ok(Self {
                customer_name,
                customer_email: email,
                customer_phone: phone,
                service_address: present(candidate.service_address),
                city: present(candidate.city),
                state: present(candidate.state),
                zip,
                service_interest: present(candidate.service_interest),
                notes: present(candidate.notes),
                external_id: present(candidate.external_id),
                custom_fields: candidate.custom_fields,
            }),
            _ => Err(errors),
        }
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
        assert_eq!(
            fields(ValidLead::try_from(unreachable).unwrap_err()),
            ["customer_email"]
        );

        let garbled = LeadCandidate {
            customer_email: Some("pat@".into()),
            customer_phone: Some("12".into()),
            zip: Some("??".into()),
            ..candidate()
        };
        assert_eq!(
            fields(ValidLead::try_from(garbled).unwrap_err()),
            ["customer_email", "customer_phone", "zip"]
        );
    }
}
