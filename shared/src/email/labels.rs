//! Labelled values in a lead body, in every layout notifications use: `Label: value`,
//! the label on one line and the value below it, bold labels, tab-separated rows.

use super::contacts::Mailbox;
use super::forward::header_name;
use super::meaning::{self, Sense};
use super::place::parse_place;
use crate::mapping::{alias_field, normalize_label, resolve_field, Field};
use std::collections::BTreeMap;

const MAX_LABEL_CHARS: usize = 48;
const MAX_UNKNOWN_LABEL_WORDS: usize = 5;
const MAX_QUESTION_LABEL_WORDS: usize = 10;
const MAX_VALUE_LINES: usize = 12;
const MAX_BLANKS_BEFORE_VALUE: usize = 2;

#[derive(Debug, Default)]
pub struct Labelled {
    /// Label/value pairs in body order, labels as written; a combined "City, State
    /// ZIP" is split into `city`, `state` and `zip`.
    pub pairs: Vec<(String, String)>,
    /// Lines that are not part of any labelled value.
    pub free_lines: Vec<String>,
    /// A `From: Name <address>` line inside the body, as contact forms write it.
    pub from_line: Option<Mailbox>,
}

/// What a label means: a field, a combined "City, State ZIP", something to keep as a
/// custom field under its own label, or a label of the notification itself.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Meaning {
    Field(Field),
    CityStateZip,
    Custom,
    Header,
}

pub fn extract(text: &str, aliases: &BTreeMap<String, String>) -> Labelled {
    let lines: Vec<String> = text.lines().map(unemphasise).collect();
    let mut labelled = Labelled::default();
    let mut at = 0;
    while let Some(line) = lines.get(at) {
        at += 1;
        if line.is_empty() {
            continue;
        }
        if let Some(name) = header_name(line) {
            if name == "from" || name.starts_with("reply") {
                let value = line.split_once(':').map_or("", |(_, v)| v);
                labelled.from_line = labelled.from_line.take().or_else(|| Mailbox::parse(value));
            }
            continue;
        }
        let Some((label, inline, meaning)) = read_label(line, aliases) else {
            labelled.free_lines.push(line.clone());
            continue;
        };
        let button = meaning == Meaning::Custom && is_link(inline);
        let limit = if is_multiline(meaning) && !button {
            MAX_VALUE_LINES
        } else {
            1
        };
        let mut value: Vec<&str> = Vec::new();
        if inline.is_empty() {
            at = first_value_line(&lines, at, aliases);
        } else {
            value.push(inline);
        }
        while value.len() < limit {
            let Some(next) = lines.get(at).filter(|l| !l.is_empty()) else {
                break;
            };
            if read_label(next, aliases).is_some() || header_name(next).is_some() {
                break;
            }
            value.push(next);
            at += 1;
        }
        if value.is_empty() {
            labelled.free_lines.push(line.clone());
            continue;
        }
        push_pair(&mut labelled.pairs, label, meaning, &value.join("\n"));
    }
    labelled
}

/// Where the value of a label that stands alone begins: on the next line, or after
/// a blank line or two (HTML renders spacer cells as blank lines).
fn first_value_line(lines: &[String], at: usize, aliases: &BTreeMap<String, String>) -> usize {
    let value_at = (at..lines.len().min(at + MAX_BLANKS_BEFORE_VALUE + 1))
        .find(|&index| !lines[index].is_empty());
    match value_at {
        Some(index) if read_label(&lines[index], aliases).is_none() => index,
        _ => at,
    }
}

/// `*Name:*`, `**Name**:`, `__Name__` → `Name:`; surrounding spaces trimmed.
fn unemphasise(line: &str) -> String {
    let line = line.trim();
    if !line.starts_with(['*', '_']) {
        return line.to_owned();
    }
    let line = line.trim_start_matches(['*', '_']).trim_start();
    let Some((label, value)) = line.split_once(':') else {
        return line.trim_end_matches(['*', '_']).trim_end().to_owned();
    };
    let value = value.trim_start_matches(['*', '_']).trim();
    let label = label.trim_end_matches(['*', '_']).trim_end();
    if value.is_empty() {
        format!("{label}:")
    } else {
        format!("{label}: {value}")
    }
}

fn read_label<'a>(
    line: &'a str,
    aliases: &BTreeMap<String, String>,
) -> Option<(&'a str, &'a str, Meaning)> {
    if let Some((label, value)) = split_colon(line, aliases) {
        let meaning = meaning_of(label, aliases, false)
            .or_else(|| looks_like_label(label).then_some(Meaning::Custom))?;
        return Some((label.trim(), value.trim(), meaning));
    }
    if let Some((label, value)) = line.split_once('\t') {
        return Some((
            label.trim(),
            value.trim(),
            meaning_of(label, aliases, false)?,
        ));
    }
    let alone = !line.ends_with('?');
    Some((line, "", meaning_of(line, aliases, alone)?))
}

/// `Label: value`, `Label:` alone, or `Label:value` when the label is a known one.
fn split_colon<'a>(
    line: &'a str,
    aliases: &BTreeMap<String, String>,
) -> Option<(&'a str, &'a str)> {
    if let Some(pair) = line.split_once(": ") {
        return Some(pair);
    }
    if let Some(label) = line.strip_suffix(':').filter(|l| !l.contains(':')) {
        return Some((label, ""));
    }
    let (label, value) = line.split_once(':')?;
    meaning_of(label, aliases, false)
        .is_some()
        .then_some((label, value))
}

/// A connector's alias first, then the notification's own labels, then standard names
/// and synonyms, then the label's meaning (`alone`: a line standing above its value).
fn meaning_of(label: &str, aliases: &BTreeMap<String, String>, alone: bool) -> Option<Meaning> {
    let words = label.split_whitespace().count();
    if label.trim().is_empty()
        || label.chars().count() > MAX_LABEL_CHARS
        || words > MAX_QUESTION_LABEL_WORDS
    {
        return None;
    }
    if let Some(field) = alias_field(label, aliases) {
        return Some(Meaning::Field(field));
    }
    if meaning::is_header(label) {
        return Some(Meaning::Header);
    }
    if let Some(field) = resolve_field(label, aliases) {
        return Some(Meaning::Field(field));
    }
    match meaning::sense(label, alone)? {
        Sense::Field(field) => Some(Meaning::Field(field)),
        Sense::Place => Some(Meaning::CityStateZip),
        Sense::Either => Some(Meaning::Custom),
    }
}

fn looks_like_label(label: &str) -> bool {
    let label = label.trim();
    let starts_with_letter = label.chars().next().is_some_and(char::is_alphabetic);
    let words = label.split_whitespace().count();
    let max_words = if label.ends_with('?') {
        MAX_QUESTION_LABEL_WORDS
    } else {
        MAX_UNKNOWN_LABEL_WORDS
    };
    starts_with_letter
        && words <= max_words
        && label.chars().count() <= MAX_LABEL_CHARS
        && !label.contains(['.', ',', ';', '!', '@', '<', '>', '"', '='])
        && !label.to_ascii_lowercase().contains("http")
}

/// "View lead: https://…" is a button of the notification, not something the lead said.
fn is_link(value: &str) -> bool {
    let value = value.trim();
    let lower = value.to_ascii_lowercase();
    !value.contains(char::is_whitespace)
        && ["http://", "https://", "www."]
            .iter()
            .any(|p| lower.starts_with(p))
}

fn is_multiline(meaning: Meaning) -> bool {
    matches!(
        meaning,
        Meaning::Custom | Meaning::Field(Field::Notes | Field::ServiceAddress)
    )
}

fn push_pair(pairs: &mut Vec<(String, String)>, label: &str, meaning: Meaning, value: &str) {
    let mut add = |label: &str, value: &str| {
        let value = value.trim();
        let key = normalize_label(label);
        let duplicate = pairs
            .iter()
            .any(|(l, v)| v == value && normalize_label(l) == key);
        if !value.is_empty() && !duplicate {
            pairs.push((label.to_owned(), value.to_owned()));
        }
    };
    match meaning {
        Meaning::CityStateZip => match parse_place(value) {
            Some(place) => {
                add("city", &place.city);
                add("state", &place.state);
                add("zip", place.zip.as_deref().unwrap_or_default());
            }
            None => add(label, value),
        },
        Meaning::Custom if is_link(value) => {}
        Meaning::Field(_) | Meaning::Custom => add(label, value),
        Meaning::Header => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(text: &str) -> Vec<(String, String)> {
        extract(text, &BTreeMap::new()).pairs
    }

    #[test]
    fn prose_with_colons_and_times_is_not_turned_into_fields() {
        let text = "Hi, I need help with this: my roof leaks.\nCall me at 10:30 tomorrow.";
        assert_eq!(pairs(text), []);
    }

    #[test]
    fn mail_headers_never_become_custom_fields() {
        let found = pairs("From: Pat <pat@example.com>\nSent: Monday\nTo: Bob\nRoof age: 12");
        assert_eq!(found, [("Roof age".to_owned(), "12".to_owned())]);
    }

    #[test]
    fn labels_of_the_notification_itself_are_dropped_with_their_values() {
        let found = pairs(
            "Page URL: https://acme.example/quote\nReply-To: pat@example.com\n\
             Submitted on: Jan 5, 2026\nIP Address: 203.0.113.9\nForm name\nQuote\n\
             Caller Name: Pat Example",
        );
        assert_eq!(
            found,
            [("Caller Name".to_owned(), "Pat Example".to_owned())]
        );
    }

    #[test]
    fn a_button_takes_no_lines_below_it_but_a_message_may_start_with_a_link() {
        let found = pairs(
            "Respond on Yelp: https://biz.yelp.com/m/1\nReply within an hour\n\n\
                           Message: https://photos.example/roof\nThe leak is by the chimney",
        );
        assert_eq!(
            found,
            [(
                "Message".to_owned(),
                "https://photos.example/roof\nThe leak is by the chimney".to_owned()
            )]
        );
    }

    #[test]
    fn a_label_read_by_meaning_may_stand_above_its_value() {
        let found = pairs("Best number to reach you\n(717) 555-0100\nZip/Postal Code\n17601");
        assert_eq!(
            found,
            [
                (
                    "Best number to reach you".to_owned(),
                    "(717) 555-0100".to_owned()
                ),
                ("Zip/Postal Code".to_owned(), "17601".to_owned())
            ]
        );
        assert_eq!(pairs("Call me at my cell\n(717) 555-0100"), []);
    }

    #[test]
    fn a_value_may_sit_below_its_label_and_an_address_may_span_lines() {
        let found = pairs("Name\nKathy Kline\nAddress\n123 Main St\nLancaster, PA 17601\n\nThanks");
        assert_eq!(found[0], ("Name".to_owned(), "Kathy Kline".to_owned()));
        assert_eq!(found[1].1, "123 Main St\nLancaster, PA 17601");
        assert_eq!(found.len(), 2);
    }
}
