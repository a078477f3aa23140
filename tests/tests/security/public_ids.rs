//! Ids a visitor sends on a public door (issue 16): a form's `submission_id`, an email's
//! "Lead ID:" are scoped to the lead's contact, so a stranger who posts tomorrow's ids
//! with junk contacts does not turn the real submissions into replays.

use e2e::forms::FormRequest;
use e2e::TestApp;
use serde_json::json;

#[tokio::test]
async fn a_submission_id_sent_with_another_contact_makes_another_lead() {
    let app = TestApp::spawn_form(|_| {}).await;
    let squatter = json!({"name": "Mallory", "email": "junk@example.net", "submission_id": "42"});
    let genuine = json!({"name": "Pat Example", "email": "pat@example.com", "submission_id": "42"});

    let first = app.send_form(FormRequest::json(&squatter)).await;
    let second = app.send_form(FormRequest::json(&genuine)).await;
    let resent = app.send_form(FormRequest::json(&genuine)).await;

    assert_eq!(first.status, 201, "{}", first.text);
    assert_eq!(
        second.status, 201,
        "the genuine lead is not a replay: {}",
        second.text
    );
    assert_eq!(
        resent.json()["status"],
        "replayed",
        "the same submission twice is"
    );
    let mut names: Vec<_> = app
        .leads()
        .await
        .into_iter()
        .map(|l| l.customer_name)
        .collect();
    names.sort();
    assert_eq!(names, ["Mallory", "Pat Example"]);
}

fn notification(lead_id: &str, name: &str, email: &str, message_id: &str) -> String {
    format!(
        "From: Forms <forms@acme-wash.example>\r\nTo: office@acme-wash.example\r\n\
         Subject: New lead\r\nMessage-ID: <{message_id}@acme-wash.example>\r\n\
         Content-Type: text/plain; charset=utf-8\r\n\r\n\
         Lead ID: {lead_id}\r\nName: {name}\r\nEmail: {email}\r\nPhone: (717) 555-0142\r\n"
    )
}

#[tokio::test]
async fn a_lead_id_in_an_email_with_another_contact_makes_another_lead() {
    let mut app = TestApp::spawn().await;
    app.with_email_connector(|_| {}).await;
    let deps = app.email_deps(3).await;

    let mut outcomes = Vec::new();
    for (name, email, message) in [
        ("Mallory", "junk@example.net", "m-1"),
        ("Kathy Kline", "kathy@example.com", "k-1"),
        ("Kathy Kline", "kathy@example.com", "k-2"),
    ] {
        let raw = notification("42", name, email, message);
        outcomes.push(app.receive_email(&deps, &raw).await.status);
    }

    assert_eq!(outcomes, ["imported", "imported", "replayed"]);
    assert_eq!(app.leads().await.len(), 2);
}
