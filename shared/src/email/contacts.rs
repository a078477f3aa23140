//! Mailboxes, and email addresses and phone numbers found in free text.

use crate::domain::{Email, PhoneE164};
use std::fmt;

/// An address as mail headers write it: `Pat Example <pat@example.com>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mailbox {
    pub name: Option<String>,
    pub address: String,
}

impl Mailbox {
    pub fn new(name: Option<&str>, address: &str) -> Option<Mailbox> {
        let address = Email::parse(address).ok()?.to_string();
        let name = name
            .map(|n| {
                n.trim_matches(|c: char| c == '"' || c == '\'' || c == '*' || c.is_whitespace())
            })
            .filter(|n| !n.is_empty() && !n.contains('@'))
            .map(str::to_owned);
        Some(Mailbox { name, address })
    }

    /// Reads `Name <addr>`, `"Name" <addr>`, `Name [mailto:addr]` or a bare address.
    pub fn parse(text: &str) -> Option<Mailbox> {
        let address = emails_in(text).into_iter().next()?;
        let name_end = text.find(['<', '[']).unwrap_or(0);
        Mailbox::new(text.get(..name_end), &address)
    }

    pub fn is_notification(&self) -> bool {
        is_notification_address(&self.address)
    }
}

impl fmt::Display for Mailbox {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.name {
            Some(name) => write!(f, "{name} <{}>", self.address),
            None => f.write_str(&self.address),
        }
    }
}

const NOTIFICATION_LOCAL_PARTS: [&str; 19] = [
    "noreply",
    "no-reply",
    "no_reply",
    "donotreply",
    "do-not-reply",
    "do_not_reply",
    "notifications",
    "notification",
    "notify",
    "wordpress",
    "mailer-daemon",
    "postmaster",
    "bounce",
    "bounces",
    "forms",
    "form",
    "alerts",
    "automated",
    "form-submission",
];

const VENDOR_DOMAINS: [&str; 23] = [
    "jotform.com",
    "wix.com",
    "wixforms.com",
    "squarespace.com",
    "squarespace-mail.com",
    "squarespace.info",
    "homeadvisor.com",
    "angi.com",
    "angieslist.com",
    "thumbtack.com",
    "google.com",
    "zillow.com",
    "facebookmail.com",
    "gravityforms.com",
    "typeform.com",
    "hubspot.com",
    "formspree.io",
    "wufoo.com",
    "porch.com",
    "networx.com",
    "yelp.com",
    "houzz.com",
    "bark.com",
];

/// Addresses that send form notifications on someone else's behalf: never the lead.
pub fn is_notification_address(address: &str) -> bool {
    let address = address.to_ascii_lowercase();
    let Some((local, domain)) = address.rsplit_once('@') else {
        return false;
    };
    let robot_local = NOTIFICATION_LOCAL_PARTS.contains(&local)
        || local.starts_with("noreply")
        || local.starts_with("no-reply")
        || local.starts_with("bounce");
    let vendor = VENDOR_DOMAINS
        .iter()
        .any(|v| domain == *v || domain.ends_with(&format!(".{v}")));
    robot_local || vendor
}

/// Valid email addresses in order of appearance, lower-cased, each once.
pub fn emails_in(text: &str) -> Vec<String> {
    let mut found: Vec<String> = Vec::new();
    let separators = |c: char| c.is_whitespace() || "<>()[]{},;:\"'*|".contains(c);
    for token in text.split(separators).filter(|t| t.contains('@')) {
        let token = token.trim_matches(|c: char| c == '.' || c == '!' || c == '?');
        if let Ok(email) = Email::parse(token) {
            let email = email.to_string();
            if !found.contains(&email) {
                found.push(email);
            }
        }
    }
    found
}

/// North American phone numbers written in any common way, as written, each once.
pub fn phones_in(text: &str) -> Vec<String> {
    let bytes = text.as_bytes();
    let mut found: Vec<String> = Vec::new();
    let mut seen: Vec<String> = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let starts_here = i == 0 || !bytes[i - 1].is_ascii_alphanumeric();
        let end = if starts_here {
            phone_end(bytes, i)
        } else {
            None
        };
        let Some(end) = end else {
            i += 1;
            continue;
        };
        if let Some(raw) = text.get(i..end) {
            if let Some(e164) = canonical_phone(raw) {
                if !seen.contains(&e164) {
                    seen.push(e164);
                    found.push(raw.trim().to_owned());
                }
            }
        }
        i = end;
    }
    found
}

pub fn canonical_phone(raw: &str) -> Option<String> {
    PhoneE164::parse(raw).ok().map(String::from)
}

fn phone_end(bytes: &[u8], start: usize) -> Option<usize> {
    let mut at = start;
    if bytes.get(at) == Some(&b'+') {
        at += 1;
    }
    if bytes.get(at) == Some(&b'1') && !bytes.get(at + 1).is_some_and(u8::is_ascii_digit) {
        at = skip_separator(bytes, at + 1);
    } else if bytes.get(at..at + 2) == Some(b"1(") {
        at += 1;
    }
    let parenthesised = bytes.get(at) == Some(&b'(');
    if parenthesised {
        at += 1;
    }
    at = digits(bytes, at, 3)?;
    if parenthesised {
        if bytes.get(at) != Some(&b')') {
            return None;
        }
        at += 1;
    }
    at = digits(bytes, skip_separator(bytes, at), 3)?;
    at = digits(bytes, skip_separator(bytes, at), 4)?;
    let ends_cleanly = !bytes.get(at).is_some_and(u8::is_ascii_alphanumeric);
    ends_cleanly.then_some(at)
}

fn skip_separator(bytes: &[u8], at: usize) -> usize {
    match bytes.get(at) {
        Some(b' ' | b'.' | b'-') if bytes.get(at + 1) == Some(&b' ') => at + 2,
        Some(b' ' | b'.' | b'-') => at + 1,
        _ => at,
    }
}

fn digits(bytes: &[u8], at: usize, count: usize) -> Option<usize> {
    let run = bytes.get(at..at + count)?;
    run.iter().all(u8::is_ascii_digit).then_some(at + count)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mailboxes_are_read_in_every_header_style() {
        let quoted = Mailbox::parse("\"Pat Example\" <Pat@Example.com>").unwrap();
        assert_eq!(quoted.to_string(), "Pat Example <pat@example.com>");
        let outlook = Mailbox::parse("Pat Example [mailto:pat@example.com]").unwrap();
        assert_eq!(outlook.name.as_deref(), Some("Pat Example"));
        assert_eq!(Mailbox::parse("pat@example.com").unwrap().name, None);
        assert_eq!(Mailbox::parse("nobody"), None);
    }

    #[test]
    fn form_robots_and_vendors_are_notification_senders() {
        assert!(is_notification_address("wordpress@acmeroofing.com"));
        assert!(is_notification_address("noreply-leads@mail.example.com"));
        assert!(is_notification_address("leads@mail.homeadvisor.com"));
        assert!(!is_notification_address("kathy.kline@gmail.com"));
    }

    #[test]
    fn phones_are_found_in_prose_but_not_inside_longer_numbers() {
        let text = "Call (717) 555-1212 or 717.555.0100, not order 1234567890123.";
        assert_eq!(phones_in(text), ["(717) 555-1212", "717.555.0100"]);
        assert_eq!(phones_in("+1 717-555-1212"), ["+1 717-555-1212"]);
    }
}
