//! Forwarded messages written inline by Gmail, Outlook, Apple Mail and Thunderbird:
//! the text below the innermost forward header is the message that was forwarded.

use super::contacts::{emails_in, Mailbox};

const MAX_FORWARD_DEPTH: usize = 8;
const HEADER_NAMES: [&str; 9] = [
    "from", "to", "cc", "bcc", "sent", "date", "subject", "reply-to", "reply to",
];

#[derive(Debug, Default)]
pub struct Unwrapped {
    /// The forwarded message's text (the whole text when nothing was forwarded).
    pub text: String,
    /// The `From:` of the innermost forward header.
    pub original_from: Option<Mailbox>,
    /// Every address named in forward headers: the business and its staff, not the lead.
    pub header_addresses: Vec<String>,
    pub forwarded: bool,
}

pub fn unwrap(text: &str) -> Unwrapped {
    let lines: Vec<&str> = text.lines().collect();
    let mut unwrapped = Unwrapped::default();
    let mut start = 0;
    for _ in 0..MAX_FORWARD_DEPTH {
        let Some(first_header) = find_marker(&lines[start..]).map(|at| start + at) else {
            break;
        };
        let (headers, body_start) = read_header_block(&lines, first_header);
        for (name, value) in &headers {
            if name == "from" {
                unwrapped.original_from = Mailbox::parse(value);
            }
            unwrapped.header_addresses.extend(emails_in(value));
        }
        unwrapped.forwarded = true;
        start = body_start.max(start + 1).min(lines.len());
    }
    unwrapped.text = lines[start..].join("\n");
    unwrapped
}

/// A line's header name when it reads `From: …`, `*Sent:* …` or `> To: …`.
pub fn header_name(line: &str) -> Option<String> {
    let line = line.trim_start_matches(['>', ' ', '*', '\t']);
    let (name, _) = line.split_once(':')?;
    let name = name.trim_matches(['*', ' ']).to_ascii_lowercase();
    HEADER_NAMES.contains(&name.as_str()).then_some(name)
}

fn header_value(line: &str) -> &str {
    line.split_once(':')
        .map_or("", |(_, value)| value.trim_start_matches('*').trim())
}

/// Where the forward header starts: after a marker line, or at a bare Outlook
/// `From:` line followed by `Sent:`/`Date:` and `To:`/`Subject:`.
fn find_marker(lines: &[&str]) -> Option<usize> {
    for (index, line) in lines.iter().enumerate() {
        let line = line.trim_start_matches(['>', ' ']).trim();
        let lower = line.to_ascii_lowercase();
        let dashed = line.starts_with('-') || line.contains("----");
        let is_marker = (dashed
            && (lower.contains("forwarded message") || lower.contains("original message")))
            || lower.starts_with("begin forwarded message")
            || lower.starts_with("start of forwarded message");
        if is_marker {
            return Some(index + 1);
        }
        if header_name(line).as_deref() == Some("from") && outlook_block_follows(&lines[index..]) {
            return Some(index);
        }
    }
    None
}

fn outlook_block_follows(lines: &[&str]) -> bool {
    let names: Vec<String> = lines
        .iter()
        .take(8)
        .filter_map(|l| header_name(l))
        .collect();
    let dated = names.iter().any(|n| n == "sent" || n == "date");
    let addressed = names.iter().any(|n| n == "to" || n == "subject");
    dated && addressed
}

/// The header lines from `start` (blank lines before them skipped), and where the
/// forwarded body begins.
fn read_header_block(lines: &[&str], start: usize) -> (Vec<(String, String)>, usize) {
    let mut at = start;
    while lines.get(at).is_some_and(|l| l.trim().is_empty()) {
        at += 1;
    }
    let mut headers: Vec<(String, String)> = Vec::new();
    while let Some(line) = lines.get(at) {
        if let Some(name) = header_name(line) {
            headers.push((name, header_value(line).to_owned()));
        } else if continues_address_list(line, headers.last()) {
            if let Some((_, value)) = headers.last_mut() {
                value.push(' ');
                value.push_str(line.trim());
            }
        } else {
            break;
        }
        at += 1;
    }
    (headers, at)
}

fn continues_address_list(line: &str, last: Option<&(String, String)>) -> bool {
    let line = line.trim();
    let after_address_header = last.is_some_and(|(name, value)| {
        matches!(name.as_str(), "from" | "to" | "cc" | "bcc")
            && (value.is_empty() || value.ends_with([',', ';', '<']))
    });
    !line.is_empty() && (after_address_header || line.starts_with('<'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_gmail_forward_keeps_only_the_forwarded_message() {
        let text = "FYI, new lead\n\nBob\n\n---------- Forwarded message ---------\n\
                    From: WordPress <wordpress@acme.com>\nDate: Mon, 5 Jan 2026\n\
                    Subject: New lead\nTo: <bob@acme.com>\n\n\nName: Kathy Kline\n";
        let unwrapped = unwrap(text);
        assert!(unwrapped.forwarded);
        assert_eq!(unwrapped.text.trim(), "Name: Kathy Kline");
        assert!(unwrapped.original_from.is_some_and(|m| m.is_notification()));
        assert!(unwrapped
            .header_addresses
            .contains(&"bob@acme.com".to_owned()));
    }

    #[test]
    fn a_bare_outlook_header_block_counts_as_a_forward() {
        let text = "From: Jane Doe <jane@example.net>\nSent: Monday, January 5, 2026 9:00 AM\n\
                    To: Bob\nSubject: Roof\n\nPlease call me.";
        let unwrapped = unwrap(text);
        assert_eq!(unwrapped.text.trim(), "Please call me.");
        assert_eq!(unwrapped.original_from.unwrap().address, "jane@example.net");
    }

    #[test]
    fn a_form_from_line_without_date_is_not_a_forward() {
        let unwrapped = unwrap("From: Kathy <k@example.com>\nSubject: Quote\n\nMessage Body:\nHi");
        assert!(!unwrapped.forwarded);
    }
}
