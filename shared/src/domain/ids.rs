//! Ids that cross module lines, one type each, so that a lead id can never be passed
//! where an import id belongs. Each is a ULID when made here (time-ordered: lists
//! read newest first with a reverse `Query`), and any text when it arrives from
//! outside (a path, a stored item): an id that names nothing is simply not found.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A new time-ordered id (ULID).
pub fn new_id() -> String {
    ulid::Ulid::new().to_string()
}

macro_rules! id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// A new, time-ordered id.
            #[allow(clippy::new_without_default)]
            pub fn new() -> Self {
                Self(new_id())
            }

            /// A new id whose time is `clock`'s (ids made in a test follow its clock).
            pub fn at(clock: &crate::clock::Clock) -> Self {
                Self(clock.ulid())
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl From<String> for $name {
            fn from(id: String) -> Self {
                Self(id)
            }
        }

        impl From<&str> for $name {
            fn from(id: &str) -> Self {
                Self(id.to_owned())
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> Self {
                id.0
            }
        }

        impl std::ops::Deref for $name {
            type Target = str;

            fn deref(&self) -> &str {
                &self.0
            }
        }

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

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.0 == other
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.0 == *other
            }
        }

        impl PartialEq<String> for $name {
            fn eq(&self, other: &String) -> bool {
                &self.0 == other
            }
        }
    };
}

id!(
    /// A business using Lead Connectors; everything else belongs to one.
    WorkspaceId
);
id!(
    /// One door of one workspace.
    ConnectorId
);
id!(
    /// A lead.
    LeadId
);
id!(
    /// The person behind one or more leads.
    ClientId
);
id!(
    /// One line of the import log: one attempt.
    ImportId
);
id!(
    /// A doubtful email held for a person.
    ReviewId
);
id!(
    /// Where a workspace's new leads are forwarded (a CRM's webhook).
    DestinationId
);
id!(
    /// One lead's forward to one destination, however many attempts it takes.
    DeliveryId
);
id!(
    /// One uploaded CSV of past leads.
    BulkImportId
);

impl DeliveryId {
    /// The one id of `lead`'s delivery to `destination`: a ULID with the lead's time
    /// and 80 bits of a hash of both ids, so that a stream record delivered twice finds
    /// the delivery it made the first time instead of making another.
    pub fn of(lead: &LeadId, destination: &DestinationId) -> Self {
        use sha2::{Digest, Sha256};
        let millis = ulid::Ulid::from_string(lead)
            .map(|id| id.timestamp_ms())
            .unwrap_or_default();
        let digest = Sha256::digest(format!("{lead}:{destination}"));
        let mut random = [0u8; 16];
        random[6..].copy_from_slice(&digest[..10]);
        let random = u128::from_be_bytes(random);
        Self(ulid::Ulid::from_parts(millis, random).to_string())
    }
}

impl ImportId {
    /// The smallest id made at or after `at`: with [`ImportId::last_before`], the ids of
    /// a time range (import-log entries are keyed by their id, so by time).
    pub fn first_at(at: chrono::DateTime<chrono::Utc>) -> Self {
        Self(ulid::Ulid::from_parts(millis(at), 0).to_string())
    }

    /// The largest id made before `at`.
    pub fn last_before(at: chrono::DateTime<chrono::Utc>) -> Self {
        let before = millis(at).saturating_sub(1);
        Self(ulid::Ulid::from_parts(before, u128::MAX).to_string())
    }
}

fn millis(at: chrono::DateTime<chrono::Utc>) -> u64 {
    u64::try_from(at.timestamp_millis()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_text_on_the_wire_and_distinct_types_in_code() {
        let lead = LeadId::from("01K0000000000000000000LEAD");
        assert_eq!(
            serde_json::to_string(&lead).unwrap(),
            "\"01K0000000000000000000LEAD\""
        );
        let read: LeadId = serde_json::from_str("\"01K0000000000000000000LEAD\"").unwrap();
        assert_eq!(read, lead);
        assert_eq!(lead, "01K0000000000000000000LEAD");
        assert_ne!(ImportId::new(), ImportId::new());
    }

    #[test]
    fn ids_made_by_a_clock_fall_inside_the_bounds_of_their_time() {
        let at = chrono::DateTime::parse_from_rfc3339("2026-11-29T10:00:00Z")
            .unwrap()
            .to_utc();
        let clock = crate::clock::Clock::at(at);
        let id = ImportId::at(&clock);
        let second = chrono::Duration::seconds(1);
        assert!(ImportId::first_at(at) <= id && id <= ImportId::last_before(at + second));
        assert!(id > ImportId::last_before(at));
        assert!(id < ImportId::first_at(at + second));
    }

    #[test]
    fn a_delivery_id_is_one_per_lead_and_destination_and_sorts_by_the_lead() {
        let (lead, other_lead) = (LeadId::new(), LeadId::new());
        let destination = DestinationId::new();
        let id = DeliveryId::of(&lead, &destination);
        assert_eq!(id, DeliveryId::of(&lead, &destination));
        assert_ne!(id, DeliveryId::of(&lead, &DestinationId::new()));
        assert_ne!(id, DeliveryId::of(&other_lead, &destination));
        assert_eq!(id.len(), 26);
        assert_eq!(id[..10], lead[..10], "the lead's time leads the id");
    }
}
