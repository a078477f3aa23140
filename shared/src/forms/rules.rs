//! The throttle rules of a website form: per IP, and per email or phone, each scoped
//! to the connector. Contacts are counted by fingerprint, never by value. Refusals from
//! one IP are logged a few times per window; the rest only add to their counter.

use crate::domain::{Connector, Email, LeadCandidate, PhoneE164};
use crate::throttle::{fingerprint, Rule};

pub const IP_SCOPE: &str = "form-ip";
pub const EMAIL_SCOPE: &str = "form-email";
pub const PHONE_SCOPE: &str = "form-phone";
pub const REFUSALS_SCOPE: &str = "form-refusals";

/// How many refusals from one IP address each IP window puts in the import log.
pub const LOGGED_REFUSALS: u32 = 3;

/// Submissions from one IP address to this connector.
pub fn ip(connector: &Connector, ip: &str) -> Rule {
    let limits = connector.settings.form_throttle();
    Rule {
        scope: IP_SCOPE,
        value: format!("{}:{ip}", connector.id),
        limit: limits.ip_limit,
        window_seconds: limits.ip_window_seconds,
    }
}

/// Refusals of posts from one IP address to this connector, in the IP window: past
/// [`LOGGED_REFUSALS`], a refusal is counted here and not logged.
pub fn refusals(connector: &Connector, ip: &str) -> Rule {
    Rule {
        scope: REFUSALS_SCOPE,
        limit: LOGGED_REFUSALS,
        ..self::ip(connector, ip)
    }
}

fn contact(connector: &Connector, scope: &'static str, value: &str) -> Rule {
    let limits = connector.settings.form_throttle();
    Rule {
        scope,
        value: format!("{}:{}", connector.id, fingerprint(value)),
        limit: limits.contact_limit,
        window_seconds: limits.contact_window_seconds,
    }
}

/// Submissions for one email address to this connector (normalised first).
pub fn email(connector: &Connector, email: &Email) -> Rule {
    contact(connector, EMAIL_SCOPE, email.as_ref())
}

/// Submissions for one phone number to this connector (in E.164).
pub fn phone(connector: &Connector, phone: &PhoneE164) -> Rule {
    contact(connector, PHONE_SCOPE, phone.as_ref())
}

/// The contact rules for the valid email and phone a candidate carries.
pub fn contacts(connector: &Connector, candidate: &LeadCandidate) -> Vec<Rule> {
    let email = candidate
        .customer_email
        .as_deref()
        .and_then(|raw| Email::parse(raw).ok())
        .map(|e| email(connector, &e));
    let phone = candidate
        .customer_phone
        .as_deref()
        .and_then(|raw| PhoneE164::parse(raw).ok())
        .map(|p| phone(connector, &p));
    email.into_iter().chain(phone).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Provider;

    #[test]
    fn contacts_are_counted_normalised_and_hashed() {
        let connector = Connector::new(
            &"ws".into(),
            Provider::WebsiteForm,
            "Form",
            "2026-11-29T10:00:00.000Z",
        );
        let candidate = LeadCandidate {
            customer_email: Some(" Pat@Example.com ".into()),
            customer_phone: Some("(717) 555-0123".into()),
            ..Default::default()
        };
        let rules = contacts(&connector, &candidate);
        assert_eq!(rules.len(), 2);
        let same = email(&connector, &Email::parse("pat@example.com").unwrap());
        assert_eq!(rules[0], same);
        assert!(rules
            .iter()
            .all(|rule| !rule.value.contains("pat") && !rule.value.contains("555")));
        assert!(rules[0].value.starts_with(connector.id.as_str()));
        assert_eq!(rules[0].limit, 3);
    }

    #[test]
    fn invalid_contacts_are_not_counted() {
        let connector = Connector::new(
            &"ws".into(),
            Provider::WebsiteForm,
            "Form",
            "2026-11-29T10:00:00.000Z",
        );
        let candidate = LeadCandidate {
            customer_email: Some("nope".into()),
            ..Default::default()
        };
        assert!(contacts(&connector, &candidate).is_empty());
    }
}
