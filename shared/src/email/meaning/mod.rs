//! Labels read by what they mean rather than by an exact name: "Callback Number",
//! "Zip/Postal Code", "Best number to reach you". Email only: the API and form doors
//! keep to aliases, standard names and synonyms.
//!
//! A label is split into alternatives ("Zip/Postal Code" → "Zip", "Postal Code"), each
//! into words. An alternative names a field when it has one of the field's head words
//! (or a weak head beside a qualifier: "callback number"), and holds to it when no
//! word makes it about something else ("company name", "phone type") or names another
//! field; it means the first field of [`FIELDS`] it names and holds to. Names,
//! addresses, labels named by a weak head and lines that stand alone above their value
//! must be made only of known words; otherwise contact and free-text fields tolerate
//! other words, and a contact read this way counts only when its value looks like one.

mod words;

use super::contacts::{emails_in, phones_in};
use crate::mapping::{normalize_label, Field};
use words::{
    Words, FIELDS, FILLERS, HEADER_LINK_WORDS, HEADER_WORDS, JOINED, NOTES_OPENINGS, ROUTE_WORDS,
};

/// What a label reads as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sense {
    Field(Field),
    /// A combined "City, State ZIP" or "Location".
    Place,
    /// Its alternatives name different fields ("Phone/Email"): the value decides.
    Either,
}

fn words(label: &str) -> Vec<String> {
    let lower = label.to_lowercase().replace('#', " number ");
    let mut words: Vec<String> = Vec::new();
    for word in lower.split(|c: char| !c.is_alphanumeric()) {
        if word.is_empty() {
            continue;
        }
        let joined = words.last().and_then(|last| {
            JOINED
                .iter()
                .find(|(first, second, _)| first == last && *second == word)
        });
        match joined {
            Some((_, _, whole)) => {
                words.pop();
                words.push((*whole).to_owned());
            }
            None => words.push(word.to_owned()),
        }
    }
    if words.windows(2).any(|w| w[0] == "user" && w[1] == "agent") {
        words.push("useragent".to_owned());
    }
    words
}

/// "Reply-To", "Sent", "Page URL", "Submitted on", "Form name", "IP Address":
/// labels of the notification itself.
pub fn is_header(label: &str) -> bool {
    let words = words(label);
    let route = words.iter().any(|w| ROUTE_WORDS.contains(&w.as_str()));
    let is = |list: &[&str], word: &String| list.contains(&word.as_str());
    let header = words.iter().any(|w| is(&HEADER_WORDS, w))
        && words
            .iter()
            .all(|w| is(&HEADER_WORDS, w) || is(&HEADER_LINK_WORDS, w));
    route || header
}

/// What a label means by its words; `alone` for a line standing above its value,
/// which must be made only of words the field knows.
pub fn sense(label: &str, alone: bool) -> Option<Sense> {
    let whole = words(label);
    let has = |word: &str| whole.iter().any(|w| w == word);
    if (has("city") && (has("state") || has("zip"))) || whole == ["location"] {
        return Some(Sense::Place);
    }
    let mut fields: Vec<Field> = alternatives(label)
        .filter_map(|alternative| alternative_field(alternative, alone))
        .collect();
    fields.sort();
    fields.dedup();
    let is_place = |f: &Field| matches!(f, Field::City | Field::State | Field::Zip);
    match fields.as_slice() {
        [] => None,
        [field] => Some(Sense::Field(*field)),
        several if several.iter().all(is_place) => Some(Sense::Place),
        _ => Some(Sense::Either),
    }
}

/// The field a `label: value` pair names by meaning, when its value looks like what
/// the field holds: "Can we text this number?: Yes" is not a phone.
pub fn field_of(label: &str, value: &str) -> Option<Field> {
    match sense(label, false)? {
        Sense::Field(field) => fits(field, value).then_some(field),
        Sense::Either => {
            let mut fitting = alternatives(label)
                .filter_map(|alternative| alternative_field(alternative, false))
                .filter(|field| is_contact(*field) && fits(*field, value));
            let first = fitting.next()?;
            fitting.all(|other| other == first).then_some(first)
        }
        Sense::Place => None,
    }
}

fn alternatives(label: &str) -> impl Iterator<Item = &str> {
    label
        .split(['/', '|', '\\'])
        .flat_map(|part| part.split(" or "))
        .map(str::trim)
        .filter(|part| !part.is_empty())
}

fn alternative_field(alternative: &str, alone: bool) -> Option<Field> {
    Field::from_label(alternative).or_else(|| field_of_words(&words(alternative), alone))
}

fn field_of_words(words: &[String], alone: bool) -> Option<Field> {
    if words.is_empty() {
        return None;
    }
    let normalized = words.join("_");
    if NOTES_OPENINGS.iter().any(|o| normalized.starts_with(o)) {
        return Some(Field::Notes);
    }
    FIELDS
        .iter()
        .find(|field| names(field, words) && holds(field, words, alone))
        .map(|field| field.field)
}

/// Whether a label that names `field` is about it: nothing blocks it, no word names
/// another field, and its other words are known unless the field is open.
fn holds(field: &Words, words: &[String], alone: bool) -> bool {
    let is_head_elsewhere = |word: &str| {
        FIELDS
            .iter()
            .any(|other| other.field != field.field && other.heads.contains(&word))
    };
    let known = |word: &str| {
        field.heads.contains(&word)
            || field.weak_heads.contains(&word)
            || field.qualifiers.contains(&word)
            || FILLERS.contains(&word)
    };
    let about_something_else = words
        .iter()
        .any(|w| field.blockers.contains(&w.as_str()) || (!known(w) && is_head_elsewhere(w)));
    let strong = words.iter().any(|w| field.heads.contains(&w.as_str()));
    let open = field.open && strong && !alone;
    !about_something_else && (open || words.iter().all(|w| known(w)))
}

fn names(field: &Words, words: &[String]) -> bool {
    let has_any = |list: &[&str]| words.iter().any(|w| list.contains(&w.as_str()));
    has_any(field.heads) || (has_any(field.weak_heads) && has_any(field.qualifiers))
}

fn is_contact(field: Field) -> bool {
    matches!(field, Field::CustomerEmail | Field::CustomerPhone)
}

/// Whether a value could be what a field read by meaning holds.
fn fits(field: Field, value: &str) -> bool {
    let digits = value.chars().filter(char::is_ascii_digit).count();
    match field {
        Field::CustomerEmail => !emails_in(value).is_empty(),
        Field::CustomerPhone => (7..=20).contains(&digits),
        Field::Zip => digits > 0 && value.trim().chars().count() <= 12,
        Field::CustomerName | Field::FirstName | Field::LastName => {
            value.chars().any(char::is_alphabetic)
                && !value.contains('@')
                && phones_in(value).is_empty()
        }
        _ => !normalize_label(value).is_empty(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(label: &str) -> Option<Field> {
        match sense(label, false) {
            Some(Sense::Field(field)) => Some(field),
            _ => None,
        }
    }

    #[test]
    fn labels_name_their_field_in_any_case_and_punctuation() {
        for (label, want) in [
            ("Zip/Postal Code", Field::Zip),
            ("Postal code / ZIP", Field::Zip),
            ("ZIP / POSTAL CODE:", Field::Zip),
            ("Callback Number", Field::CustomerPhone),
            ("Call-back #", Field::CustomerPhone),
            ("Caller Name", Field::CustomerName),
            ("caller", Field::CustomerName),
            ("Best number to reach you", Field::CustomerPhone),
            ("Best Phone # To Reach You", Field::CustomerPhone),
            ("Caller ID", Field::CustomerPhone),
            ("Caller's Email", Field::CustomerEmail),
            ("Caller Address", Field::ServiceAddress),
            ("Your E-mail Address", Field::CustomerEmail),
            ("YOUR EMAIL-ADDRESS", Field::CustomerEmail),
            ("Service Needed", Field::ServiceInterest),
            ("service-needed", Field::ServiceInterest),
            ("What type of work do you need?", Field::ServiceInterest),
            ("Your First Name", Field::FirstName),
            ("Last name (required)", Field::LastName),
            ("Project Address", Field::ServiceAddress),
            ("Additional information", Field::Notes),
            ("Nom / Name", Field::CustomerName),
        ] {
            assert_eq!(field(label), Some(want), "{label}");
        }
    }

    #[test]
    fn labels_about_something_else_name_no_field() {
        for label in [
            "Company Name",
            "Phone type",
            "Email opt-in",
            "Best time to call",
            "Preferred contact time",
            "Service date",
            "Lead #",
            "Order number",
            "Number of rooms",
            "Name and phone",
            "Fax number",
            "Agent email",
            "Text message consent",
        ] {
            assert_eq!(field(label), None, "{label}");
        }
    }

    #[test]
    fn header_labels_are_never_lead_fields() {
        for label in [
            "Reply-To",
            "Sent",
            "Date",
            "Page URL",
            "Referrer",
            "IP",
            "IP Address",
            "User Agent",
            "Submitted",
            "Submitted on",
            "Date submitted",
            "Form name",
            "Form",
            "Landing page",
            "Powered by",
        ] {
            assert!(is_header(label), "{label}");
        }
        for label in [
            "Name",
            "Submission ID",
            "Preferred date",
            "Best time to call",
            "Phone",
        ] {
            assert!(!is_header(label), "{label}");
        }
    }

    #[test]
    fn a_line_standing_alone_must_be_made_of_known_words() {
        assert_eq!(
            sense("Best number to reach you", true),
            Some(Sense::Field(Field::CustomerPhone))
        );
        assert_eq!(
            sense("Service Needed", true),
            Some(Sense::Field(Field::ServiceInterest))
        );
        assert_eq!(sense("Call me at my cell", true), None);
        assert_eq!(sense("Thanks for your message", true), None);
    }

    #[test]
    fn a_contact_read_by_meaning_needs_a_value_that_looks_like_one() {
        assert_eq!(
            field_of("Callback Number", "(717) 555-0100"),
            Some(Field::CustomerPhone)
        );
        assert_eq!(field_of("Can we text this number?", "Yes"), None);
        assert_eq!(
            field_of("Phone/Email", "pat@example.com"),
            Some(Field::CustomerEmail)
        );
        assert_eq!(
            field_of("Phone/Email", "717-555-0100"),
            Some(Field::CustomerPhone)
        );
        assert_eq!(field_of("Caller Name", "717-555-0100"), None);
        assert_eq!(field_of("Zip/Postal Code", "N/A"), None);
    }
}
