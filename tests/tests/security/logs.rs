//! No personal data in logs (issue 16): what a refused submission carried is in its
//! answer and the import log, never in a log line; SES's and DynamoDB's errors are
//! logged without the addresses and values they quote.

use e2e::followups::{batch, unique_address};
use e2e::forms::FormRequest;
use e2e::security::{capture_logs, logs};
use e2e::{lead_body, TestApp};
use serde_json::json;

#[tokio::test(flavor = "multi_thread")]
async fn refused_submissions_and_rejected_mail_leave_no_personal_data_in_the_logs() {
    capture_logs();
    let (mut app, _rep) = TestApp::spawn_with_speed_to_lead().await;
    app.with_form(|_| {}).await;
    let bad_email = "zelda.quartzfeather@";
    let sender = unique_address("quartzfeather-sender");
    let mut api_lead = lead_body("logs-api");
    api_lead["customer_email"] = bad_email.into();
    api_lead.as_object_mut().unwrap().remove("customer_phone");
    let form_lead = json!({"name": "Zelda Quartzfeather", "email": bad_email});

    let api = app.post_lead(api_lead).await;
    let script = app.send_form(FormRequest::json(&form_lead)).await;
    let browser = app
        .send_form(FormRequest::urlencoded(&[("email", bad_email)]).from_ip("192.0.2.90"))
        .await;
    app.configure(|s| s.sender_address = Some(sender.clone()))
        .await;
    let (_, records) = app.new_lead_on_stream(lead_body("logs-mail")).await;
    app.speed_to_lead(batch(records)).await;

    for answer in [&api, &script, &browser] {
        assert_eq!(answer.status, 422, "{}", answer.text);
        assert!(
            answer.text.contains("quartzfeather"),
            "the answer says what was wrong"
        );
    }
    let lines = logs();
    assert!(lines.contains("request refused") && lines.contains("form submission refused"));
    assert!(
        lines.contains("follow-up settled"),
        "the rejection is logged"
    );
    for line in lines.lines() {
        assert!(
            !line.contains("quartzfeather"),
            "a log line shows it: {line}"
        );
        assert!(
            !line.contains(&sender),
            "a log line shows the sender: {line}"
        );
    }
}
