//! Providers send ids as strings in one payload and as numbers in the next (Google's
//! `form_id` is an int64, Meta's test tool sends `leadgen_id` as a number): both are read.

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize};
use std::fmt;

/// An id as text, however it was sent.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct Id(String);

impl Id {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Empty and zero ids (Google's test payloads carry `adgroup_id: 0`) mean "none".
    pub fn is_meaningful(&self) -> bool {
        let id = self.0.trim();
        !id.is_empty() && id != "0"
    }
}

impl fmt::Display for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<&str> for Id {
    fn from(value: &str) -> Self {
        Id(value.to_owned())
    }
}

struct IdVisitor;

impl Visitor<'_> for IdVisitor {
    type Value = Id;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an id as a string or an integer")
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<Id, E> {
        Ok(Id(value.trim().to_owned()))
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<Id, E> {
        Ok(Id(value.to_string()))
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<Id, E> {
        Ok(Id(value.to_string()))
    }

    fn visit_f64<E: de::Error>(self, value: f64) -> Result<Id, E> {
        // Integers beyond 2^53 lose digits as floats; an id sent that way is kept as read.
        if value.fract() == 0.0 && value.abs() < 9.0e15 {
            Ok(Id(format!("{value:.0}")))
        } else {
            Err(E::invalid_type(de::Unexpected::Float(value), &self))
        }
    }
}

impl<'de> Deserialize<'de> for Id {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(IdVisitor)
    }
}

/// A yes/no sent as a boolean, a string (`"true"`) or a number (`1`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(transparent)]
pub struct Flag(pub bool);

struct FlagVisitor;

impl Visitor<'_> for FlagVisitor {
    type Value = Flag;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a boolean, \"true\"/\"false\" or 1/0")
    }

    fn visit_bool<E: de::Error>(self, value: bool) -> Result<Flag, E> {
        Ok(Flag(value))
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<Flag, E> {
        match value.trim().to_ascii_lowercase().as_str() {
            "true" | "1" | "yes" => Ok(Flag(true)),
            "false" | "0" | "no" | "" => Ok(Flag(false)),
            _ => Err(E::invalid_value(de::Unexpected::Str(value), &self)),
        }
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<Flag, E> {
        Ok(Flag(value != 0))
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<Flag, E> {
        Ok(Flag(value != 0))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Flag, E> {
        Ok(Flag(false))
    }
}

impl<'de> Deserialize<'de> for Flag {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(FlagVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_read_from_strings_and_numbers() {
        let ids: Vec<Id> = serde_json::from_str(r#"["444", 444, 1.0e3, " 7 "]"#).unwrap();
        let ids: Vec<&str> = ids.iter().map(Id::as_str).collect();
        assert_eq!(ids, ["444", "444", "1000", "7"]);
        assert!(serde_json::from_str::<Id>("[1]").is_err());
        assert!(!Id::from("0").is_meaningful());
    }

    #[test]
    fn flags_are_read_from_booleans_strings_and_numbers() {
        let flags: Vec<Flag> =
            serde_json::from_str(r#"[true, "true", "TRUE", 1, false, "false", 0, null]"#).unwrap();
        let flags: Vec<bool> = flags.into_iter().map(|f| f.0).collect();
        assert_eq!(flags, [true, true, true, true, false, false, false, false]);
        assert!(serde_json::from_str::<Flag>(r#""maybe""#).is_err());
    }
}
