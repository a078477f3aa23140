//! Reply chains (`>` quotes, "On … wrote:") and bodies that are only a signature.

use super::contacts::{emails_in, phones_in};

#[derive(Debug, Default)]
pub struct Thread {
    /// What the latest writer typed.
    pub fresh: String,
    /// Quoted earlier messages, without their `>` marks.
    pub quoted: String,
    pub is_reply_chain: bool,
}

pub fn split(text: &str) -> Thread {
    let mut thread = Thread::default();
    let mut in_quote = false;
    let mut previous = "";
    for line in text.lines() {
        let trimmed = line.trim();
        if trimmed.starts_with('>') {
            thread.is_reply_chain = true;
            push_line(&mut thread.quoted, unquote(trimmed));
        } else if in_quote {
            push_line(&mut thread.quoted, line);
        } else if is_attribution(trimmed, previous) {
            thread.is_reply_chain = true;
            in_quote = true;
            drop_attribution_start(&mut thread.fresh, previous);
        } else {
            push_line(&mut thread.fresh, line);
        }
        previous = trimmed;
    }
    thread
}

fn push_line(text: &mut String, line: &str) {
    text.push_str(line);
    text.push('\n');
}

fn unquote(line: &str) -> &str {
    let mut line = line;
    while let Some(rest) = line.strip_prefix('>') {
        line = rest.strip_prefix(' ').unwrap_or(rest);
    }
    line
}

/// "On Mon, Jan 5, 2026 at 9:12 AM Pat <pat@example.com> wrote:", possibly wrapped
/// over two lines.
fn is_attribution(line: &str, previous: &str) -> bool {
    let ends = line.ends_with("wrote:") || line.ends_with("a écrit :");
    ends && (line.starts_with("On ") || line.starts_with("Le ") || previous.starts_with("On "))
}

fn drop_attribution_start(fresh: &mut String, previous: &str) {
    if previous.starts_with("On ") && !previous.ends_with("wrote:") {
        let kept = fresh.trim_end().len().saturating_sub(previous.len());
        if fresh.is_char_boundary(kept) {
            fresh.truncate(kept);
        }
    }
}

const SIGN_OFFS: [&str; 6] = [
    "sent from my",
    "get outlook for",
    "sent from yahoo",
    "sent from mail for",
    "thanks",
    "thank you",
];

/// A body with no request in it, only a sign-off and contact lines: a name, a title,
/// a phone, an email or a website, each short.
pub fn is_signature_only(text: &str) -> bool {
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && *l != "--" && *l != "-- ")
        .filter(|l| {
            let lower = l.to_lowercase();
            !SIGN_OFFS.iter().any(|s| lower.starts_with(s))
        })
        .collect();
    let has_contact = lines
        .iter()
        .any(|l| !emails_in(l).is_empty() || !phones_in(l).is_empty() || l.contains("www."));
    let all_short = lines
        .iter()
        .all(|l| l.chars().count() <= 60 && l.split_whitespace().count() <= 8);
    let asks_nothing = !lines.iter().any(|l| l.ends_with('?') || l.ends_with('.'));
    !lines.is_empty() && lines.len() <= 7 && has_contact && all_short && asks_nothing
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_text_after_an_attribution_is_a_reply_chain() {
        let thread = split("Can you call her?\n\nOn Mon, Jan 5, 2026 at 9:12 AM Bob <b@x.com>\nwrote:\n> Name: Kathy\n");
        assert!(thread.is_reply_chain);
        assert_eq!(thread.fresh.trim(), "Can you call her?");
        assert_eq!(thread.quoted.trim(), "Name: Kathy");
    }

    #[test]
    fn a_lone_signature_is_recognised_but_a_request_is_not() {
        assert!(is_signature_only(
            "--\nBob Smith\nOwner, Acme Roofing\n(717) 555-0100\nwww.acme.com"
        ));
        assert!(!is_signature_only(
            "Hi, can you fix my roof? Call 717-555-1212."
        ));
    }
}
