use super::*;
use crate::domain::{Email, Provider};
use std::collections::BTreeMap;

fn lead() -> Lead {
    Lead {
        id: "01LEAD".into(),
        workspace_id: "01WS".into(),
        customer_name: "Pat <b>Example</b>".into(),
        customer_email: Some(Email::parse("pat@example.com").unwrap()),
        customer_phone: None,
        service_address: Some("123 Main St".into()),
        city: Some("Lancaster".into()),
        state: Some("PA".into()),
        zip: None,
        service_interest: Some("House Wash".into()),
        notes: None,
        external_id: None,
        trustedform_cert_url: None,
        jornaya_leadid: None,
        source: "website".into(),
        provider: Provider::Api,
        assigned_rep: Some("rep@example.com".into()),
        speed_to_lead: true,
        forward: true,
        connector_id: "01CONN".into(),
        client_id: "01CLIENT".into(),
        import_id: "01IMPORT".into(),
        custom_fields: BTreeMap::from([("Budget".to_owned(), "<script>".to_owned())]),
        created_at: "2025-01-01T00:00:00.000Z".into(),
        followups: Vec::new(),
    }
}

fn sender() -> Sender {
    Sender::of(
        "Acme Washing",
        &WorkspaceSettings::default(),
        "leads@example.com",
    )
}

#[test]
fn header_values_never_carry_a_line_break() {
    assert_eq!(
        header_safe("Hi\r\nBcc: evil@example.com"),
        "Hi Bcc: evil@example.com"
    );
    assert_eq!(header_safe("  a\t\tb \n"), "a b");
    assert_eq!(header_safe(&"x".repeat(500)).len(), 200);
}

#[test]
fn html_is_escaped() {
    assert_eq!(
        escape_html("<a href=\"x\">&'"),
        "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
    );
}

#[test]
fn the_notification_carries_the_lead_details_and_where_it_came_from() {
    let message = notification(
        &lead(),
        &sender(),
        &WorkspaceSettings::default(),
        "rep@example.com",
    );
    assert_eq!(message.to, ["rep@example.com"]);
    assert_eq!(message.from, "\"Acme Washing\" <leads@example.com>");
    assert_eq!(message.reply_to.as_deref(), Some("pat@example.com"));
    assert_eq!(message.subject, "New lead: Pat <b>Example</b> (website)");
    for detail in [
        "pat@example.com",
        "123 Main St",
        "Lancaster, PA",
        "House Wash",
        "Budget: <script>",
        "api connector 01CONN",
    ] {
        assert!(message.text.contains(detail), "text has {detail}");
    }
    assert!(message.html.contains("Pat &lt;b&gt;Example&lt;/b&gt;"));
    assert!(message.html.contains("&lt;script&gt;"));
    assert!(!message.html.contains("<script>"));
}

#[test]
fn a_name_with_a_line_break_cannot_add_a_header() {
    let mut lead = lead();
    lead.customer_name = "Pat\r\nBcc: evil@example.com".into();
    let message = notification(
        &lead,
        &sender(),
        &WorkspaceSettings::default(),
        "rep@example.com",
    );
    assert!(!message.subject.contains('\n') && !message.subject.contains('\r'));
}

#[test]
fn workspace_templates_and_sender_override_the_defaults() {
    let mut settings = WorkspaceSettings {
        sender_address: Some("hello@acme.example".into()),
        sender_name: Some("Acme \"Team\" <x>\r\n".into()),
        ..Default::default()
    };
    settings.templates.acknowledgement_subject = Some("We got it, {name}".into());
    settings.templates.acknowledgement_body = Some("About {service}: soon.".into());
    let sender = Sender::of("Acme", &settings, "leads@example.com");
    let message = acknowledgement(&lead(), &sender, &settings, "pat@example.com");
    assert_eq!(message.from, "\"Acme Team x\" <hello@acme.example>");
    assert_eq!(message.subject, "We got it, Pat <b>Example</b>");
    assert_eq!(message.text, "About House Wash: soon.");
    assert_eq!(message.reply_to.as_deref(), Some("rep@example.com"));
}

#[test]
fn a_sender_address_that_is_not_a_plain_address_falls_back_to_the_default() {
    let settings = WorkspaceSettings {
        sender_address: Some("me@acme.example>\r\nBcc: evil@example.com".into()),
        ..Default::default()
    };
    let sender = Sender::of("Acme", &settings, "leads@example.com");
    assert_eq!(sender.address, "leads@example.com");
}

#[test]
fn the_default_acknowledgement_is_short_and_friendly() {
    let message = acknowledgement(
        &lead(),
        &sender(),
        &WorkspaceSettings::default(),
        "pat@example.com",
    );
    assert_eq!(message.subject, "Thanks for contacting Acme Washing");
    assert!(message.text.starts_with("Hi Pat <b>Example</b>,"));
    assert!(message.html.contains("Hi Pat &lt;b&gt;Example&lt;/b&gt;,"));
}

#[test]
fn the_review_digest_counts_every_pending_review() {
    let pending: Vec<PendingReview> = (0..12)
        .map(|i| PendingReview {
            id: format!("R{i}"),
            workspace_id: "01WS".into(),
            subject: Some(format!("Quote request {i}")),
            sender: Some("someone@example.com".into()),
            confidence: Some(0.42),
        })
        .collect();
    let message = review_digest(&pending, &sender(), &["boss@example.com".to_owned()]);
    assert_eq!(message.subject, "12 emails are waiting for review");
    assert!(message
        .text
        .contains("Quote request 0 from someone@example.com (confidence 42%)"));
    assert!(message.text.contains("and 2 more"));
}

#[test]
fn links_are_taken_out_of_what_a_lead_typed() {
    assert_eq!(
        without_links("Win big https://spam.example/x www.spam.example (spam.example). Now!"),
        "Win big Now!"
    );
    assert_eq!(without_links("mail me@spam.example, ok"), "mail ok");
    // Ordinary words with dots stay.
    assert_eq!(
        without_links("Dr. Jo e.g. 3.5 tons"),
        "Dr. Jo e.g. 3.5 tons"
    );
}
