//! From whatever a source sent to a [`LeadCandidate`]: the connector's field aliases
//! first, then the standard field names, then common synonyms; first and last name
//! joined; everything else kept as a custom field under its original label.

mod fields;
mod payload;

pub use fields::{normalize_label, Field};
pub use payload::{Payload, PayloadError, MAX_FIELDS};

use crate::domain::LeadCandidate;
use std::collections::BTreeMap;

/// How sure a label's meaning is: a connector alias beats a standard name, which
/// beats a synonym, which beats a synonym found only in the last part of a dotted
/// label, which beats a label read by its meaning (email only).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Rank {
    Alias,
    Standard,
    Synonym,
    NestedSynonym,
    Meaning,
}

/// The field a connector's alias maps a label to.
pub(crate) fn alias_field(label: &str, aliases: &BTreeMap<String, String>) -> Option<Field> {
    let normalized = normalize_label(label);
    aliases
        .iter()
        .find(|(from, _)| from.as_str() == label || normalize_label(from) == normalized)
        .and_then(|(_, to)| Field::from_name(&normalize_label(to)))
}

fn resolve(label: &str, aliases: &BTreeMap<String, String>) -> Option<(Field, Rank)> {
    if let Some(field) = alias_field(label, aliases) {
        return Some((field, Rank::Alias));
    }
    let normalized = normalize_label(label);
    if let Some(field) = Field::from_name(&normalized) {
        return Some((field, Rank::Standard));
    }
    if let Some(field) = Field::from_label(label) {
        return Some((field, Rank::Synonym));
    }
    let (_, last) = label.rsplit_once('.')?;
    Field::from_label(last).map(|field| (field, Rank::NestedSynonym))
}

/// The field a label means for a connector, as [`map`] would read it (the email parser's).
#[cfg(feature = "email")]
pub(crate) fn resolve_field(label: &str, aliases: &BTreeMap<String, String>) -> Option<Field> {
    resolve(label, aliases).map(|(field, _)| field)
}

/// Maps a payload through a connector's aliases (incoming label → standard field name).
pub fn map(payload: &Payload, aliases: &BTreeMap<String, String>) -> LeadCandidate {
    map_with(payload, aliases, |_, _| None)
}

/// [`map`] with a last resort for a label no alias, standard name or synonym names:
/// `by_meaning(label, value)`, below every other way of knowing a label.
pub(crate) fn map_with(
    payload: &Payload,
    aliases: &BTreeMap<String, String>,
    by_meaning: impl Fn(&str, &str) -> Option<Field>,
) -> LeadCandidate {
    let mut best: BTreeMap<Field, (Rank, &str, &str)> = BTreeMap::new();
    let mut custom_fields = BTreeMap::new();

    for (label, value) in payload.pairs() {
        let resolved = resolve(label, aliases)
            .or_else(|| by_meaning(label, value).map(|field| (field, Rank::Meaning)));
        let Some((field, rank)) = resolved else {
            custom_fields.insert(label.to_owned(), value.to_owned());
            continue;
        };
        match best.get(&field) {
            Some((held, _, _)) if *held <= rank => {
                custom_fields.insert(label.to_owned(), value.to_owned());
            }
            Some(&(_, held_label, held_value)) => {
                custom_fields.insert(held_label.to_owned(), held_value.to_owned());
                best.insert(field, (rank, label, value));
            }
            None => {
                best.insert(field, (rank, label, value));
            }
        }
    }

    let take = |field: Field| {
        best.get(&field)
            .map(|(_, _, value)| value.trim().to_owned())
    };
    let joined_name = [take(Field::FirstName), take(Field::LastName)]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");

    LeadCandidate {
        customer_name: take(Field::CustomerName)
            .or_else(|| Some(joined_name).filter(|name| !name.is_empty())),
        customer_email: take(Field::CustomerEmail),
        customer_phone: take(Field::CustomerPhone),
        service_address: take(Field::ServiceAddress),
        city: take(Field::City),
        state: take(Field::State),
        zip: take(Field::Zip),
        service_interest: take(Field::ServiceInterest),
        notes: take(Field::Notes),
        external_id: take(Field::ExternalId),
        trustedform_cert_url: take(Field::TrustedformCertUrl),
        jornaya_leadid: take(Field::JornayaLeadid),
        custom_fields,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn aliases(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    fn map_json(value: serde_json::Value, aliases: &BTreeMap<String, String>) -> LeadCandidate {
        map(&Payload::from_json(&value).unwrap(), aliases)
    }

    #[test]
    fn standard_names_map_directly() {
        let lead = map_json(
            json!({"customer_name": "Pat", "customer_email": "p@x.io", "zip": "17601", "external_id": "e-1"}),
            &BTreeMap::new(),
        );
        assert_eq!(lead.customer_name.as_deref(), Some("Pat"));
        assert_eq!(lead.customer_email.as_deref(), Some("p@x.io"));
        assert_eq!(lead.external_id.as_deref(), Some("e-1"));
        assert!(lead.custom_fields.is_empty());
    }

    #[test]
    fn connector_aliases_win_over_everything_else() {
        let lead = map_json(
            json!({"name": "Form Label", "who": "Pat Example", "msg": "Call after 5"}),
            &aliases(&[("who", "customer_name"), ("msg", "notes")]),
        );
        assert_eq!(lead.customer_name.as_deref(), Some("Pat Example"));
        assert_eq!(lead.notes.as_deref(), Some("Call after 5"));
        assert_eq!(
            lead.custom_fields.get("name").map(String::as_str),
            Some("Form Label")
        );
    }

    #[test]
    fn first_and_last_names_are_joined_and_nested_fields_found() {
        let lead = map_json(
            json!({"contact": {"first_name": "Pat", "last_name": "Example", "phone_number": "7175550123"}}),
            &BTreeMap::new(),
        );
        assert_eq!(lead.customer_name.as_deref(), Some("Pat Example"));
        assert_eq!(lead.customer_phone.as_deref(), Some("7175550123"));
    }

    #[test]
    fn a_label_read_by_meaning_yields_to_every_known_label() {
        let payload = Payload::from_pairs([
            ("Best number to reach you", "717-555-0199"),
            ("Phone", "717-555-0100"),
        ])
        .unwrap();
        let by_meaning = |label: &str, _: &str| {
            (label == "Best number to reach you").then_some(Field::CustomerPhone)
        };

        let email = map_with(&payload, &BTreeMap::new(), by_meaning);
        let api = map(&payload, &BTreeMap::new());

        assert_eq!(email.customer_phone.as_deref(), Some("717-555-0100"));
        assert_eq!(
            email.custom_fields["Best number to reach you"],
            "717-555-0199"
        );
        assert_eq!(api.customer_phone.as_deref(), Some("717-555-0100"));
    }

    #[test]
    fn unmapped_fields_keep_their_original_label() {
        let lead = map_json(
            json!({"email": "p@x.io", "Roof Age (years)": 12}),
            &BTreeMap::new(),
        );
        assert_eq!(
            lead.custom_fields
                .get("Roof Age (years)")
                .map(String::as_str),
            Some("12")
        );
    }
}
