//! One body read for a lead: forwards unwrapped, reply quotes set aside, labelled
//! values mapped, and the contact found where the labels gave none.

use super::contacts::{canonical_phone, emails_in, phones_in, Mailbox};
use super::labels::{self, Labelled};
use super::mime::Mail;
use super::score::{ContactOrigin, Evidence};
use super::{cut_on_char_boundary, forward, meaning, place, thread, MAX_PREVIEW_CHARS};
use crate::domain::LeadCandidate;
use crate::mapping::{self, Payload, MAX_FIELDS};
use std::collections::BTreeMap;

/// Larger bodies are cut before reading: a lead is never this long.
const MAX_BODY_BYTES: usize = 256 * 1024;

pub struct Reading {
    pub candidate: LeadCandidate,
    pub evidence: Evidence,
    pub preview: String,
    /// How many standard fields the labels filled: the better body wins.
    pub strength: usize,
}

pub fn read(body: &str, mail: &Mail, aliases: &BTreeMap<String, String>) -> Reading {
    let body = cut_on_char_boundary(body, MAX_BODY_BYTES);
    let unwrapped = forward::unwrap(body);
    let thread = thread::split(&unwrapped.text);
    let (lead_text, labelled, mut candidate) = best_labelled(&thread, aliases);
    let strength = filled_fields(&candidate);
    let labels_name_only_a_contact = names_only_a_contact(&candidate);

    let lead_sender = unwrapped
        .original_from
        .clone()
        .or(mail.attached_from.clone());
    let not_the_lead = not_the_lead(mail, &unwrapped, lead_sender.as_ref());
    let free_text = labelled.free_lines.join("\n");
    let free_emails: Vec<String> = emails_in(&free_text)
        .into_iter()
        .filter(|email| !not_the_lead(email))
        .collect();
    let free_phones = phones_in(&free_text);

    let contact = if has_contact(&candidate) {
        if let Some(sender) = lead_sender
            .as_ref()
            .filter(|m| names_the_lead(m, &candidate))
        {
            candidate
                .customer_email
                .get_or_insert_with(|| sender.address.clone());
        }
        ContactOrigin::Labelled
    } else if let Some(from) = labelled
        .from_line
        .as_ref()
        .filter(|m| !not_the_lead(&m.address))
    {
        take_mailbox(&mut candidate, from);
        ContactOrigin::Labelled
    } else if !free_emails.is_empty() || !free_phones.is_empty() {
        candidate.customer_email = free_emails.first().cloned();
        candidate.customer_phone = free_phones.first().cloned();
        if let Some(sender) = lead_sender.as_ref().filter(|m| !m.is_notification()) {
            candidate
                .customer_email
                .get_or_insert_with(|| sender.address.clone());
            if candidate.customer_name.is_none() {
                candidate.customer_name = sender.name.clone();
            }
        }
        ContactOrigin::FreeText
    } else if let Some(sender) = [
        lead_sender.clone(),
        mail.reply_to.clone(),
        mail.sender.clone(),
    ]
    .into_iter()
    .flatten()
    .find(|m| !m.is_notification())
    {
        take_mailbox(&mut candidate, &sender);
        ContactOrigin::Sender
    } else {
        ContactOrigin::Missing
    };

    let evidence = Evidence {
        has_name: candidate
            .customer_name
            .as_deref()
            .is_some_and(|n| !n.trim().is_empty()),
        contact,
        several_contacts: several_contacts(&candidate, &lead_text, &not_the_lead),
        reply_chain: thread.is_reply_chain,
        signature_only: labels_name_only_a_contact && thread::is_signature_only(&thread.fresh),
        auto_reply: mail.auto_reply
            || (labelled.pairs.is_empty() && says_out_of_office(&thread.fresh)),
    };
    Reading {
        candidate,
        evidence,
        preview: preview(body),
        strength,
    }
}

/// The labels of what the latest writer typed, or of the quoted message when only
/// that one names a contact.
fn best_labelled(
    thread: &thread::Thread,
    aliases: &BTreeMap<String, String>,
) -> (String, Labelled, LeadCandidate) {
    let fresh = labels::extract(&thread.fresh, aliases);
    let fresh_candidate = candidate_from(&fresh, aliases);
    if has_contact(&fresh_candidate) || thread.quoted.trim().is_empty() {
        return (thread.fresh.clone(), fresh, fresh_candidate);
    }
    let quoted_text = forward::unwrap(&thread.quoted).text;
    let quoted = labels::extract(&quoted_text, aliases);
    let quoted_candidate = candidate_from(&quoted, aliases);
    if filled_fields(&quoted_candidate) > filled_fields(&fresh_candidate) {
        (quoted_text, quoted, quoted_candidate)
    } else {
        (thread.fresh.clone(), fresh, fresh_candidate)
    }
}

/// A forwarded message's sender is the lead when the labels name that same person.
fn names_the_lead(sender: &Mailbox, candidate: &LeadCandidate) -> bool {
    let same = |a: &str, b: &str| a.trim().eq_ignore_ascii_case(b.trim());
    !sender.is_notification()
        && sender
            .name
            .as_deref()
            .zip(candidate.customer_name.as_deref())
            .is_some_and(|(a, b)| same(a, b))
}

fn candidate_from(labelled: &Labelled, aliases: &BTreeMap<String, String>) -> LeadCandidate {
    let pairs = labelled.pairs.iter().take(MAX_FIELDS).cloned();
    let payload = Payload::from_pairs(pairs).unwrap_or_default();
    let mut candidate = mapping::map_with(&payload, aliases, meaning::field_of);
    place::complete(&mut candidate);
    candidate
}

/// Nothing but a phone or an email under a label, as signatures write them
/// ("Cell: 717-555-0130"): no name, place, service or request.
fn names_only_a_contact(candidate: &LeadCandidate) -> bool {
    [
        &candidate.customer_name,
        &candidate.service_address,
        &candidate.city,
        &candidate.zip,
        &candidate.service_interest,
        &candidate.notes,
    ]
    .iter()
    .all(|field| field.is_none())
}

fn has_contact(candidate: &LeadCandidate) -> bool {
    candidate.customer_email.is_some() || candidate.customer_phone.is_some()
}

fn filled_fields(candidate: &LeadCandidate) -> usize {
    [
        &candidate.customer_name,
        &candidate.customer_email,
        &candidate.customer_phone,
        &candidate.service_address,
        &candidate.city,
        &candidate.state,
        &candidate.zip,
        &candidate.service_interest,
        &candidate.notes,
        &candidate.external_id,
    ]
    .iter()
    .filter(|field| field.is_some())
    .count()
}

/// Addresses that belong to the mail's route rather than to the lead: notification
/// robots, the forwarder, the intake mailbox and whoever a forward was sent to.
fn not_the_lead<'a>(
    mail: &'a Mail,
    unwrapped: &'a forward::Unwrapped,
    lead_sender: Option<&'a Mailbox>,
) -> impl Fn(&str) -> bool + 'a {
    move |address: &str| {
        let is_lead_sender = lead_sender.is_some_and(|m| m.address == address);
        super::contacts::is_notification_address(address)
            || mail
                .sender
                .as_ref()
                .is_some_and(|m| m.address == address && unwrapped.forwarded)
            || mail.recipients.iter().any(|r| r == address)
            || (!is_lead_sender && unwrapped.header_addresses.iter().any(|h| h == address))
    }
}

fn take_mailbox(candidate: &mut LeadCandidate, mailbox: &Mailbox) {
    candidate.customer_email = Some(mailbox.address.clone());
    if candidate.customer_name.is_none() {
        candidate.customer_name = mailbox.name.clone();
    }
}

/// Two different emails, or two different phones, for the lead in the text it was
/// read from.
fn several_contacts(
    candidate: &LeadCandidate,
    lead_text: &str,
    not_the_lead: &impl Fn(&str) -> bool,
) -> bool {
    let phones = phones_in(lead_text);
    let mut distinct_emails: Vec<String> = emails_in(lead_text)
        .into_iter()
        .filter(|email| !not_the_lead(email))
        .collect();
    distinct_emails.extend(emails_in(
        candidate.customer_email.as_deref().unwrap_or_default(),
    ));
    distinct_emails.sort();
    distinct_emails.dedup();
    let mut distinct_phones: Vec<String> = phones
        .iter()
        .map(String::as_str)
        .chain(candidate.customer_phone.as_deref())
        .filter_map(canonical_phone)
        .collect();
    distinct_phones.sort();
    distinct_phones.dedup();
    distinct_emails.len() > 1 || distinct_phones.len() > 1
}

fn says_out_of_office(text: &str) -> bool {
    let lower = text.to_lowercase();
    [
        "out of the office",
        "out of office",
        "automatic reply",
        "auto-reply",
    ]
    .iter()
    .any(|phrase| lower.contains(phrase))
}

/// The body with trailing spaces and runs of blank lines removed, cut to
/// [`MAX_PREVIEW_CHARS`] characters.
fn preview(body: &str) -> String {
    let mut text = String::new();
    let mut blank_run = 0;
    for line in body.lines().map(str::trim_end) {
        blank_run = if line.is_empty() { blank_run + 1 } else { 0 };
        if blank_run <= 1 {
            text.push_str(line);
            text.push('\n');
        }
    }
    text.trim().chars().take(MAX_PREVIEW_CHARS).collect()
}
