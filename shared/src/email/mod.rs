//! Forwarded lead emails: MIME in, a scored lead candidate out. Pure: no I/O, and
//! no input makes it panic.

mod contacts;
mod forward;
mod html;
mod labels;
mod lead;
mod meaning;
mod mime;
mod place;
mod score;
mod thread;

use crate::domain::LeadCandidate;
use std::collections::BTreeMap;

pub use score::{
    AUTO_REPLY, FREE_TEXT_CONTACT, NO_CONTACT, NO_NAME, REPLY_CHAIN, SENDER_CONTACT,
    SEVERAL_CONTACTS, SIGNATURE_ONLY,
};

/// The most characters of body text a review item shows.
pub const MAX_PREVIEW_CHARS: usize = 2000;

#[derive(Debug, Clone, PartialEq)]
pub struct ParsedEmail {
    /// Built through [`crate::mapping::map`] with the connector's aliases.
    pub candidate: LeadCandidate,
    /// 0..=1; below the connector's review threshold the import waits for a person.
    pub confidence: f64,
    /// Why confidence was lowered, as short stable phrases (see the constants).
    pub reasons: Vec<String>,
    /// From of the outer message, `Name <addr>` or `addr`.
    pub sender: Option<String>,
    pub subject: Option<String>,
    pub message_id: Option<String>,
    /// Readable text of the part the lead was read from, at most
    /// [`MAX_PREVIEW_CHARS`] characters.
    pub preview: String,
}

/// Reads a raw RFC 822 message with the connector's field aliases
/// (incoming label → standard field name).
pub fn parse_email(raw: &[u8], aliases: &BTreeMap<String, String>) -> ParsedEmail {
    let mail = mime::read(raw);
    let best = mail
        .bodies
        .iter()
        .map(|body| lead::read(body, &mail, aliases))
        .reduce(|best, next| {
            if next.strength > best.strength {
                next
            } else {
                best
            }
        })
        .unwrap_or_else(|| lead::read("", &mail, aliases));
    let (confidence, reasons) = score::score(&best.evidence);
    ParsedEmail {
        candidate: best.candidate,
        confidence,
        reasons,
        sender: mail.sender.map(|sender| sender.to_string()),
        subject: mail.subject.filter(|s| !s.is_empty()),
        message_id: mail.message_id,
        preview: best.preview,
    }
}

fn cut_on_char_boundary(text: &str, max_bytes: usize) -> &str {
    if text.len() <= max_bytes {
        return text;
    }
    let mut end = max_bytes;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}
