//! "City, State ZIP" lines, and street addresses that carry one at their end.

use crate::domain::{state_code, LeadCandidate, US_STATES};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    pub street: Option<String>,
    pub city: String,
    pub state: String,
    pub zip: Option<String>,
}

/// Reads `City, State ZIP`, `City, ST`, `City ST ZIP`, optionally after a street:
/// `123 Main St, Lancaster, PA 17601`.
pub fn parse_place(line: &str) -> Option<Place> {
    let line = line.trim().trim_end_matches(['.', ',']);
    let line = strip_country(line);
    let (rest, zip) = split_zip(line);
    let rest = rest.trim().trim_end_matches(',').trim();
    let (before_state, state) = match rest.rsplit_once(',') {
        Some((before, state)) => (before, state_code(state)?),
        None if zip.is_some() => split_trailing_state(rest)?,
        None => return None,
    };
    let (street, city) = match before_state.rsplit_once(',') {
        Some((street, city)) => (Some(street.trim().to_owned()), city.trim()),
        None => (None, before_state.trim()),
    };
    let city_ok = !city.is_empty()
        && city.len() <= 40
        && city
            .chars()
            .all(|c| c.is_alphabetic() || " .'-".contains(c));
    city_ok.then(|| Place {
        street: street.filter(|s| !s.is_empty()),
        city: city.to_owned(),
        state: state.to_owned(),
        zip: zip.map(str::to_owned),
    })
}

fn is_country(line: &str) -> bool {
    ["united states", "united states of america", "usa", "us"]
        .iter()
        .any(|country| line.trim_end_matches('.').eq_ignore_ascii_case(country))
}

fn strip_country(line: &str) -> &str {
    for suffix in [", USA", ", US", ", United States", " USA"] {
        if let Some(stripped) = line.strip_suffix(suffix) {
            return stripped.trim();
        }
    }
    line
}

fn split_zip(line: &str) -> (&str, Option<&str>) {
    let Some((rest, last)) = line.rsplit_once(char::is_whitespace) else {
        return (line, None);
    };
    let bytes = last.as_bytes();
    let five = bytes.len() >= 5 && bytes[..5].iter().all(u8::is_ascii_digit);
    let plus_four =
        bytes.len() == 10 && bytes[5] == b'-' && bytes[6..].iter().all(u8::is_ascii_digit);
    if five && (bytes.len() == 5 || plus_four) {
        (rest, Some(last))
    } else {
        (line, None)
    }
}

fn split_trailing_state(rest: &str) -> Option<(&str, &'static str)> {
    let (city, last) = rest.rsplit_once(' ')?;
    if last.len() == 2 && last.chars().all(|c| c.is_ascii_uppercase()) {
        return Some((city, state_code(last)?));
    }
    US_STATES.iter().find_map(|(code, name)| {
        let cut = rest.len().checked_sub(name.len() + 1)?;
        let tail = rest.get(cut..)?;
        let matches = tail.starts_with(' ') && tail[1..].eq_ignore_ascii_case(name);
        matches.then(|| (&rest[..cut], *code))
    })
}

/// Splits a trailing "City, State ZIP" off the street address and fills the empty
/// place fields from it; a full state name becomes its two-letter code.
pub fn complete(candidate: &mut LeadCandidate) {
    if let Some(address) = candidate.service_address.take() {
        let (street, place) = split_address(&address);
        candidate.service_address = Some(street).filter(|s| !s.is_empty());
        if let Some(place) = place {
            candidate.city.get_or_insert(place.city);
            candidate.state.get_or_insert(place.state);
            if let Some(zip) = place.zip {
                candidate.zip.get_or_insert(zip);
            }
        }
    }
    if let Some(code) = candidate.state.as_deref().and_then(state_code) {
        candidate.state = Some(code.to_owned());
    }
}

fn split_address(address: &str) -> (String, Option<Place>) {
    let mut lines: Vec<&str> = address
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    if lines.len() > 1 && lines.last().is_some_and(|l| is_country(l)) {
        lines.pop();
    }
    if let [street @ .., last] = lines.as_slice() {
        if !street.is_empty() {
            if let Some(place) = parse_place(last).filter(|p| p.street.is_none()) {
                return (street.join(", "), Some(place));
            }
        }
        if street.is_empty() {
            if let Some(place) = parse_place(last).filter(|p| p.street.is_some()) {
                let street = place.street.clone().unwrap_or_default();
                return (street, Some(place));
            }
        }
    }
    (lines.join(", "), None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn city_state_zip_lines_split_with_codes_or_full_names() {
        let place = parse_place("Lancaster, Pennsylvania 17601").unwrap();
        assert_eq!(
            (place.city.as_str(), place.state.as_str()),
            ("Lancaster", "PA")
        );
        assert_eq!(place.zip.as_deref(), Some("17601"));
        let place = parse_place("New Holland PA 17557-1234").unwrap();
        assert_eq!(place.city, "New Holland");
        let place = parse_place("Lititz New York 17543").unwrap();
        assert_eq!(
            (place.city.as_str(), place.state.as_str()),
            ("Lititz", "NY")
        );
        assert_eq!(parse_place("Thanks so much, see you"), None);
    }

    #[test]
    fn a_one_line_address_keeps_only_the_street() {
        let mut candidate = LeadCandidate {
            service_address: Some("123 Main St, Apt 2, Lancaster, PA 17601".into()),
            ..Default::default()
        };
        complete(&mut candidate);
        assert_eq!(
            candidate.service_address.as_deref(),
            Some("123 Main St, Apt 2")
        );
        assert_eq!(candidate.city.as_deref(), Some("Lancaster"));
        assert_eq!(candidate.zip.as_deref(), Some("17601"));
    }
}
