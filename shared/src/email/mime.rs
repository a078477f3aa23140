//! The MIME layer: headers of the outer message, and the readable bodies of the
//! message the lead is in (an attached `message/rfc822` when there is one).

use super::contacts::Mailbox;
use super::html::html_to_text;
use mail_parser::{Address, Message, MessageParser, PartType};

const MAX_ATTACHED_DEPTH: usize = 8;

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
    let Some(message) = MessageParser::default().parse(raw) else {
        return Mail {
            bodies: vec![String::from_utf8_lossy(raw).into_owned()],
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
        bodies.push(plain.join("\n"));
    }
    if !html.is_empty() {
        bodies.push(html_to_text(&html.join("\n")));
    }
    bodies
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
