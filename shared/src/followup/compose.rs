//! The words of each follow-up, in plain text and HTML. Whatever came from a lead is
//! escaped in HTML and never reaches a header with a line break in it.

use super::links::without_links;
use crate::domain::{Email, Lead, WorkspaceSettings};
use crate::http::escape_html;
use crate::store::PendingReview;

/// One mail, ready for SES.
#[derive(Debug, Clone, PartialEq)]
pub struct Message {
    /// `"Name" <address>` or a bare address.
    pub from: String,
    pub to: Vec<String>,
    pub reply_to: Option<String>,
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// Who a workspace's follow-ups come from.
#[derive(Debug, Clone, PartialEq)]
pub struct Sender {
    pub workspace_name: String,
    pub address: String,
    pub display_name: String,
}

impl Sender {
    /// The workspace's own sender if set, else the deployment's `default_address`.
    pub fn of(workspace_name: &str, settings: &WorkspaceSettings, default_address: &str) -> Self {
        // A workspace's own sender only when it is a plain valid address: it ends up
        // in a header.
        let address = settings
            .sender_address
            .as_deref()
            .and_then(|a| Email::parse(a).ok())
            .map_or_else(|| header_safe(default_address), String::from);
        let display_name = settings
            .sender_name
            .as_deref()
            .filter(|n| !n.trim().is_empty())
            .unwrap_or(workspace_name);
        Self {
            workspace_name: workspace_name.to_owned(),
            address: address.replace(' ', ""),
            display_name: display_name.to_owned(),
        }
    }

    fn mailbox(&self) -> String {
        // Only plain printable ASCII goes into the quoted display name; anything else
        // would need RFC 2047 encoding, and dropping the name is always safe.
        let name: String = self
            .display_name
            .chars()
            .filter(|c| c.is_ascii_graphic() || *c == ' ')
            .filter(|c| !matches!(c, '"' | '\\' | '<' | '>'))
            .collect();
        match name.trim() {
            "" => self.address.clone(),
            name => format!("\"{name}\" <{}>", self.address),
        }
    }
}

/// A value for one header line: control characters (CR, LF, tabs …) become spaces,
/// runs of spaces collapse, and it is cut to a length mail clients show.
pub fn header_safe(value: &str) -> String {
    let flat: String = value
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let words: Vec<&str> = flat.split_whitespace().collect();
    words.join(" ").chars().take(200).collect()
}

/// A template with `{name}`, `{service}`, `{source}` and `{workspace}` filled in, each
/// of the lead's values passed through `lead_text` first.
fn fill_with(
    template: &str,
    lead: &Lead,
    sender: &Sender,
    lead_text: impl Fn(&str) -> String,
) -> String {
    template
        .replace("{name}", &lead_text(&lead.customer_name))
        .replace(
            "{service}",
            &lead_text(lead.service_interest.as_deref().unwrap_or("")),
        )
        .replace("{source}", &lead_text(&lead.source))
        .replace("{workspace}", &sender.workspace_name)
}

fn fill(template: &str, lead: &Lead, sender: &Sender) -> String {
    fill_with(template, lead, sender, str::to_owned)
}

fn html_page(inner: &str) -> String {
    format!("<!DOCTYPE html><html><body style=\"font-family:sans-serif\">{inner}</body></html>")
}

fn paragraphs_html(text: &str) -> String {
    text.split("\n\n")
        .map(|p| format!("<p>{}</p>", escape_html(p).replace('\n', "<br>")))
        .collect()
}

/// The lead's details as label/value pairs, in the order a rep reads them.
fn details(lead: &Lead) -> Vec<(String, String)> {
    let mut rows: Vec<(String, String)> = Vec::new();
    let mut push = |label: &str, value: Option<String>| {
        if let Some(value) = value.filter(|v| !v.trim().is_empty()) {
            rows.push((label.to_owned(), value));
        }
    };
    push("Name", Some(lead.customer_name.clone()));
    push(
        "Email",
        lead.customer_email.as_ref().map(ToString::to_string),
    );
    push(
        "Phone",
        lead.customer_phone.as_ref().map(ToString::to_string),
    );
    push("Address", lead.service_address.clone());
    let place = [
        lead.city.clone(),
        lead.state.clone(),
        lead.zip.as_ref().map(ToString::to_string),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(", ");
    push("City / State / ZIP", Some(place));
    push("Service", lead.service_interest.clone());
    push("Notes", lead.notes.clone());
    for (label, value) in &lead.custom_fields {
        push(label, Some(value.clone()));
    }
    push("Source", Some(lead.source.clone()));
    push(
        "Came in through",
        Some(format!("{} connector {}", lead.provider, lead.connector_id)),
    );
    push("Assigned rep", lead.assigned_rep.clone());
    push("Received", Some(lead.created_at.clone()));
    push("Lead id", Some(lead.id.to_string()));
    rows
}

/// The notice to the rep: who the lead is and where they came from.
pub fn notification(
    lead: &Lead,
    sender: &Sender,
    settings: &WorkspaceSettings,
    to: &str,
) -> Message {
    let subject = settings
        .templates
        .notification_subject
        .as_deref()
        .unwrap_or("New lead: {name} ({source})");
    let rows = details(lead);
    let text_rows: String = rows
        .iter()
        .map(|(label, value)| format!("{label}: {value}\n"))
        .collect();
    let html_rows: String = rows
        .iter()
        .map(|(label, value)| {
            format!(
                "<tr><th align=\"left\">{}</th><td>{}</td></tr>",
                escape_html(label),
                escape_html(value).replace('\n', "<br>")
            )
        })
        .collect();
    Message {
        from: sender.mailbox(),
        to: vec![to.to_owned()],
        reply_to: lead.customer_email.as_ref().map(ToString::to_string),
        subject: header_safe(&fill(subject, lead, sender)),
        text: format!("A new lead just came in. Reach out while it is fresh.\n\n{text_rows}"),
        html: html_page(&format!(
            "<p>A new lead just came in. Reach out while it is fresh.</p><table>{html_rows}</table>"
        )),
    }
}

const ACKNOWLEDGEMENT_BODY: &str = "Hi {name},\n\nThanks for reaching out to {workspace}. \
We received your request and will be in touch shortly.\n\n{workspace}";

/// The short note to the lead that their request arrived.
pub fn acknowledgement(
    lead: &Lead,
    sender: &Sender,
    settings: &WorkspaceSettings,
    to: &str,
) -> Message {
    let templates = &settings.templates;
    let subject = templates
        .acknowledgement_subject
        .as_deref()
        .unwrap_or("Thanks for contacting {workspace}");
    let body = fill_with(
        templates
            .acknowledgement_body
            .as_deref()
            .unwrap_or(ACKNOWLEDGEMENT_BODY),
        lead,
        sender,
        without_links,
    );
    Message {
        from: sender.mailbox(),
        to: vec![to.to_owned()],
        reply_to: lead
            .assigned_rep
            .as_deref()
            .and_then(|rep| Email::parse(rep).ok())
            .map(String::from),
        subject: header_safe(&fill_with(subject, lead, sender, without_links)),
        html: html_page(&paragraphs_html(&body)),
        text: body,
    }
}

/// How many reviews a digest lists by name; the count covers all of them.
const DIGEST_LISTED: usize = 10;

/// One notice to the reviewers for every email waiting for a decision.
pub fn review_digest(pending: &[PendingReview], sender: &Sender, to: &[String]) -> Message {
    let count = pending.len().max(1);
    let noun = if count == 1 { "email is" } else { "emails are" };
    let intro = format!(
        "{count} {noun} waiting for a review decision in {}.",
        sender.workspace_name
    );
    let lines: Vec<String> = pending
        .iter()
        .take(DIGEST_LISTED)
        .map(|review| {
            let confidence = review
                .confidence
                .map(|c| format!(" (confidence {:.0}%)", c * 100.0))
                .unwrap_or_default();
            format!(
                "{} from {}{confidence}",
                review.subject.as_deref().unwrap_or("(no subject)"),
                review.sender.as_deref().unwrap_or("(unknown sender)")
            )
        })
        .collect();
    let more = pending.len().saturating_sub(DIGEST_LISTED);
    let tail = if more > 0 {
        format!("\n… and {more} more.")
    } else {
        String::new()
    };
    let list_text: String = lines.iter().map(|l| format!("- {l}\n")).collect();
    let list_html: String = lines
        .iter()
        .map(|l| format!("<li>{}</li>", escape_html(l)))
        .collect();
    let outro = "Approve or reject them in Lead Connectors (GET /admin/reviews).";
    Message {
        from: sender.mailbox(),
        to: to.to_vec(),
        reply_to: None,
        subject: header_safe(&format!("{count} {noun} waiting for review")),
        text: format!("{intro}\n\n{list_text}{tail}\n\n{outro}\n"),
        html: html_page(&format!(
            "<p>{}</p><ul>{list_html}</ul><p>{}</p><p>{}</p>",
            escape_html(&intro),
            escape_html(tail.trim()),
            escape_html(outro)
        )),
    }
}

#[cfg(test)]
#[path = "compose_tests.rs"]
mod tests;
