//! The MIME layer: headers of the outer message, and the readable bodies of the
//! message the lead is in (an attached `message/rfc822` when there is one).

use super::contacts::Mailbox;
use super::html::html_to_text;
use mail_parser::{Address, Message, MessageParser, PartType};

const MAX_ATTACHED_DEPTH: usize = 8;
/// The most MIME boundaries read: a message with more (no lead email has) is read up
/// to there, so that parsing it takes bounded memory.
pub const MAX_PARTS: usize = 500;
/// The most text of one kind (plain, or HTML as text) read from a message's bodies.
pub const MAX_TEXT_BYTES: usize = 256 * 1024;
/// The most HTML turned into text.
const MAX_HTML_BYTES: usize = 1024 * 1024;

#[derive(Debug, Default)]
pub struct Mail {
    pub sender: Option<Mailbox>,
    pub reply_to: Option<Mailbox>,
    /// Addresses of the outer To and Cc: the intake mailbox and the business.
    pub recipients: Vec<String>,
    pub subject: Option<String>,
    pub message_id: Option<String>,
    pub auto_reply: bool,
    /// The From of the attached message the bodies were read from.
    pub attached_from: Option<Mailbox>,
    /// Candidate texts of the lead message: text/plain first, then HTML as text.
    pub bodies: Vec<String>,
}

pub fn read(raw: &[u8]) -> Mail {
    let raw = up_to_parts(raw, MAX_PARTS);
    let Some(message) = MessageParser::default().parse(raw) else {
        let text = String::from_utf8_lossy(&raw[..raw.len().min(MAX_TEXT_BYTES)]);
        return Mail {
            bodies: vec![text.into_owned()],
            ..Mail::default()
        };
    };
    let (lead_message, attached_from) = innermost_attached(&message);
    let mut bodies = readable_bodies(lead_message);
    if bodies.is_empty() && attached_from.is_some() {
        bodies = readable_bodies(&message);
    }
    Mail {
        sender: first_mailbox(message.from()),
        reply_to: first_mailbox(message.reply_to()),
        recipients: [message.to(), message.cc()]
            .into_iter()
            .flatten()
            .flat_map(|list| list.iter())
            .filter_map(|addr| addr.address())
            .map(str::to_lowercase)
            .collect(),
        subject: message.subject().map(|s| s.trim().to_owned()),
        message_id: message.message_id().map(str::to_owned),
        auto_reply: is_auto_reply(&message),
        attached_from,
        bodies,
    }
}

fn first_mailbox(address: Option<&Address<'_>>) -> Option<Mailbox> {
    let addr = address?.first()?;
    Mailbox::new(addr.name(), addr.address()?)
}

fn innermost_attached<'a>(message: &'a Message<'a>) -> (&'a Message<'a>, Option<Mailbox>) {
    let mut current = message;
    let mut from = None;
    for _ in 0..MAX_ATTACHED_DEPTH {
        let attached = current.attachments().find_map(|part| match &part.body {
            PartType::Message(inner) => Some(inner),
            _ => None,
        });
        let Some(inner) = attached else { break };
        from = first_mailbox(inner.from()).or(from);
        current = inner;
    }
    (current, from)
}

fn readable_bodies(message: &Message<'_>) -> Vec<String> {
    let parts = |ids: &[u32]| {
        ids.iter()
            .filter_map(|id| message.parts.get(*id as usize))
            .map(|part| &part.body)
            .collect::<Vec<_>>()
    };
    let plain: Vec<&str> = parts(&message.text_body)
        .into_iter()
        .filter_map(|body| match body {
            PartType::Text(text) => Some(text.as_ref()),
            _ => None,
        })
        .collect();
    let html: Vec<&str> = parts(&message.html_body)
        .into_iter()
        .filter_map(|body| match body {
            PartType::Html(html) => Some(html.as_ref()),
            _ => None,
        })
        .collect();
    let mut bodies = Vec::new();
    if plain.iter().any(|text| !text.trim().is_empty()) {
        bodies.push(joined(&plain, MAX_TEXT_BYTES));
    }
    if !html.is_empty() {
        let text = html_to_text(&joined(&html, MAX_HTML_BYTES));
        bodies.push(super::cut_on_char_boundary(&text, MAX_TEXT_BYTES).to_owned());
    }
    bodies
}

/// The texts joined by line breaks, at most `max` bytes of them.
fn joined(texts: &[&str], max: usize) -> String {
    let mut joined = String::new();
    for text in texts {
        if !joined.is_empty() {
            joined.push('\n');
        }
        let room = max.saturating_sub(joined.len());
        joined.push_str(super::cut_on_char_boundary(text, room));
        if joined.len() >= max {
            break;
        }
    }
    joined
}

/// The message up to its `max`-th MIME boundary line (`--…` at a line start): what
/// lies beyond is not read.
fn up_to_parts(raw: &[u8], max: usize) -> &[u8] {
    let mut boundaries = 0;
    for (at, pair) in raw.windows(3).enumerate() {
        if pair == b"\n--" {
            boundaries += 1;
            if boundaries > max {
                return &raw[..at + 1];
            }
        }
    }
    raw
}

fn is_auto_reply(message: &Message<'_>) -> bool {
    let header = |name: &str| {
        message
            .headers_raw()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.trim().to_ascii_lowercase())
    };
    let auto_submitted = header("Auto-Submitted").is_some_and(|v| !v.starts_with("no"));
    let flagged = header("X-Autoreply").is_some()
        || header("X-Autorespond").is_some()
        || header("Precedence").is_some_and(|v| v.contains("auto_reply"));
    let subject = message.subject().unwrap_or_default().to_lowercase();
    let auto_subject = [
        "automatic reply",
        "auto-reply",
        "autoreply",
        "auto:",
        "out of office",
        "out of the office",
    ]
    .iter()
    .any(|prefix| subject.trim_start().starts_with(prefix));
    auto_submitted || flagged || auto_subject
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_message_of_countless_parts_or_huge_bodies_is_read_within_bounds() {
        let mut raw =
            String::from("From: a@b.example\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n");
        for n in 0..(MAX_PARTS * 4) {
            raw.push_str(&format!(
                "--b\r\nContent-Type: text/plain\r\n\r\nName: Pat {n}\r\n"
            ));
        }
        raw.push_str("--b--\r\n");
        assert!(up_to_parts(raw.as_bytes(), MAX_PARTS).len() < raw.len() / 3);
        let mail = read(raw.as_bytes());
        assert!(mail.bodies.iter().all(|b| b.len() <= MAX_TEXT_BYTES));

        let huge = format!(
            "From: a@b.example\r\nContent-Type: text/plain\r\n\r\n{}",
            "Name: Pat\r\n".repeat(100_000)
        );
        let mail = read(huge.as_bytes());
        assert!(mail.bodies[0].len() <= MAX_TEXT_BYTES);
    }
}
