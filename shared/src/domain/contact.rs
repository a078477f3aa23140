//! Contact values that have exactly one way in: `parse`.

use serde::{Deserialize, Serialize};
use std::fmt;

macro_rules! string_newtype {
    ($name:ident) => {
        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl From<$name> for String {
            fn from(value: $name) -> String {
                value.0
            }
        }

        impl TryFrom<String> for $name {
            type Error = String;

            fn try_from(value: String) -> Result<Self, Self::Error> {
                Self::parse(&value)
            }
        }
    };
}

pub(super) use string_newtype;

/// An email address with a plausible syntax, stored lower-cased so the same person
/// matches however they typed it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Email(String);

string_newtype!(Email);

/// A value as an error message quotes it: trimmed, and cut after 80 characters so that
/// a hostile value cannot fill the import log.
fn shown(raw: &str) -> String {
    const SHOWN: usize = 80;
    let raw = raw.trim();
    match raw.char_indices().nth(SHOWN) {
        Some((end, _)) => format!("{}…", &raw[..end]),
        None => raw.to_owned(),
    }
}

impl Email {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let value = raw.trim().trim_start_matches("mailto:").to_lowercase();
        let invalid = || format!("'{}' is not a valid email address", shown(raw));
        let (local, domain) = value.rsplit_once('@').ok_or_else(invalid)?;
        let labels_ok = domain.split('.').all(|label| {
            !label.is_empty()
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_alphanumeric() || c == '-')
        });
        let local_ok = !local.is_empty()
            && local.len() <= 64
            && !local.starts_with('.')
            && !local.ends_with('.')
            && !local.contains("..")
            && local
                .chars()
                .all(|c| c.is_alphanumeric() || "!#$%&'*+/=?^_`{|}~.-".contains(c));
        if value.len() > 254 || !local_ok || !domain.contains('.') || !labels_ok {
            return Err(invalid());
        }
        Ok(Self(value))
    }
}

/// A phone number in E.164 form (`+17175551212`), read with US as the default region.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PhoneE164(String);
string_newtype!(PhoneE164);

impl PhoneE164 {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let invalid = || format!("'{}' is not a valid phone number", shown(raw));
        let number = phonenumber::parse(Some(phonenumber::country::Id::US), raw.trim())
            .map_err(|_| invalid())?;
        if !phonenumber::is_valid(&number) {
            return Err(invalid());
        }
        Ok(Self(
            number.format().mode(phonenumber::Mode::E164).to_string(),
        ))
    }
}

/// A postal code: a US ZIP (`17601`, `17601-1234`) or another country's code made of
/// letters, digits, spaces and dashes.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Zip(String);
string_newtype!(Zip);

impl Zip {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let value = raw.trim().to_uppercase();
        let shape_ok = (3..=10).contains(&value.len())
            && value.chars().any(|c| c.is_ascii_digit())
            && value
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == ' ' || c == '-');
        if !shape_ok {
            return Err(format!(
                "'{}' is not a valid ZIP or postal code",
                shown(raw)
            ));
        }
        Ok(Self(value))
    }

    /// The part territories are keyed by: the five-digit ZIP for US codes, the whole
    /// code otherwise.
    pub fn territory_key(&self) -> &str {
        let is_us = self.0.len() >= 5 && self.0[..5].chars().all(|c| c.is_ascii_digit());
        if is_us {
            &self.0[..5]
        } else {
            &self.0
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_lower_cased_and_checked() {
        assert_eq!(
            Email::parse(" Pat@Example.COM ").unwrap().as_ref(),
            "pat@example.com"
        );
        for bad in [
            "",
            "pat",
            "pat@",
            "@example.com",
            "pat@example",
            "pat@@example.com",
            "a b@example.com",
            "pat@exa_mple.com",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad} should be rejected");
        }
    }

    #[test]
    fn phones_become_e164_with_us_default() {
        assert_eq!(
            PhoneE164::parse("(717) 555-1212").unwrap().as_ref(),
            "+17175551212"
        );
        assert_eq!(
            PhoneE164::parse("+44 20 7946 0958").unwrap().as_ref(),
            "+442079460958"
        );
        assert!(PhoneE164::parse("12").is_err());
        assert!(PhoneE164::parse("call me").is_err());
    }

    #[test]
    fn zips_keep_their_shape_and_key_territories_by_five_digits() {
        assert_eq!(Zip::parse("17601-1234").unwrap().territory_key(), "17601");
        assert_eq!(Zip::parse("k1a 0b1").unwrap().as_ref(), "K1A 0B1");
        assert!(Zip::parse("hello").is_err());
    }
}
