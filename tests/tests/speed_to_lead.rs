//! Speed-to-lead: new leads on the table's stream become mail through SES (moto), sent
//! once, with the outcome on the lead's timeline.

use e2e::followups::{batch, lead_from, lead_record, retried, unique_address};
use e2e::{lead_body, TestApp};
use shared::domain::{FollowUpKind, FollowUpStatus};
use std::time::Duration;

#[tokio::test]
async fn a_new_lead_with_speed_to_lead_on_notifies_the_assigned_rep_once() {
    let (app, rep) = TestApp::spawn_with_speed_to_lead().await;
    let (lead_id, records) = app.new_lead_on_stream(lead_body("unused")).await;

    let response = app.speed_to_lead(batch(records)).await;

    assert!(retried(&response).is_empty());
    let mail = app.mail_to(&rep).await;
    assert_eq!(mail.len(), 1, "one notice to the rep");
    assert_eq!(mail[0].subject, "New lead: Pat Example (api)");
    assert_eq!(mail[0].from, "\"Test Workspace\" <leads@example.com>");
    for detail in [
        "pat@example.com",
        "+17175550123",
        "123 Main St",
        "House Wash",
        "api connector",
    ] {
        assert!(mail[0].body.contains(detail), "the notice shows {detail}");
    }
    let timeline = app.lead(&lead_id).await.followups;
    assert_eq!(timeline.len(), 1);
    assert_eq!(timeline[0].kind, FollowUpKind::Notification);
    assert_eq!(timeline[0].status, FollowUpStatus::Sent);
    assert_eq!(timeline[0].to.as_deref(), Some(rep.as_str()));
    assert!(timeline[0].message_id.is_some());
}

#[tokio::test]
async fn the_lead_gets_an_acknowledgement_when_the_workspace_enables_it() {
    let (app, rep) = TestApp::spawn_with_speed_to_lead().await;
    let customer = app.acknowledging_leads().await;
    let (lead_id, records) = app.new_lead_on_stream(lead_from(&customer)).await;

    app.speed_to_lead(batch(records)).await;

    assert_eq!(app.mail_to(&rep).await.len(), 1);
    let acknowledgement = app.mail_to(&customer).await;
    assert_eq!(acknowledgement.len(), 1);
    assert_eq!(
        acknowledgement[0].subject,
        "Thanks for contacting Test Workspace"
    );
    assert!(acknowledgement[0].body.contains("Hi Pat Example,"));
    let kinds: Vec<_> = app
        .lead(&lead_id)
        .await
        .followups
        .iter()
        .map(|f| (f.kind, f.status))
        .collect();
    assert_eq!(
        kinds,
        [
            (FollowUpKind::Notification, FollowUpStatus::Sent),
            (FollowUpKind::Acknowledgement, FollowUpStatus::Sent)
        ]
    );
}

#[tokio::test]
async fn the_same_record_delivered_twice_sends_one_mail() {
    let (app, rep) = TestApp::spawn_with_speed_to_lead().await;
    let customer = app.acknowledging_leads().await;
    let mut stream = app.stream().await;
    let lead_id = app.new_lead(lead_from(&customer)).await;
    let records = stream.records().await;

    let (first, second) = tokio::join!(
        app.speed_to_lead(batch(records.clone())),
        app.speed_to_lead(batch(records.clone()))
    );
    let third = app.speed_to_lead(batch(records)).await;
    // The timeline updates are MODIFY records on the stream: they send nothing either.
    let modifications = stream.records().await;
    assert!(modifications.iter().any(|r| r.event_name == "MODIFY"));
    app.speed_to_lead(batch(modifications)).await;

    for response in [first, second, third] {
        assert!(retried(&response).is_empty());
    }
    assert_eq!(app.mail_to(&rep).await.len(), 1);
    assert_eq!(app.mail_to(&customer).await.len(), 1);
    assert_eq!(app.lead(&lead_id).await.followups.len(), 2);
}

#[tokio::test]
async fn the_safety_lock_skips_a_second_acknowledgement_to_the_same_email_and_records_it() {
    let (app, rep) = TestApp::spawn_with_speed_to_lead().await;
    let customer = app.acknowledging_leads().await;
    let mut stream = app.stream().await;
    let first_lead = app.new_lead(lead_from(&customer)).await;
    let second_lead = app.new_lead(lead_from(&customer)).await;

    app.speed_to_lead(batch(stream.records().await)).await;

    assert_eq!(
        app.mail_to(&rep).await.len(),
        2,
        "the rep hears about both leads"
    );
    assert_eq!(
        app.mail_to(&customer).await.len(),
        1,
        "the person is acknowledged once"
    );
    let first = app.lead(&first_lead).await.followups;
    assert_eq!(first[1].status, FollowUpStatus::Sent);
    let second = app.lead(&second_lead).await.followups;
    let skipped = &second[1];
    assert_eq!(skipped.kind, FollowUpKind::Acknowledgement);
    assert_eq!(skipped.status, FollowUpStatus::Skipped);
    assert!(skipped
        .reason
        .as_deref()
        .unwrap_or_default()
        .contains("safety lock"));
}

#[tokio::test]
async fn a_lead_without_speed_to_lead_or_an_update_of_a_lead_sends_nothing() {
    let rep = unique_address("rep");
    let assigned = rep.clone();
    let app = TestApp::spawn_with(|c| c.assigned_rep = Some(assigned)).await;
    let (quiet_lead, quiet) = app.new_lead_on_stream(lead_body("unused")).await;

    let response = app.speed_to_lead(batch(quiet)).await;

    assert!(retried(&response).is_empty());
    assert!(app.mail_to(&rep).await.is_empty());
    assert!(app.lead(&quiet_lead).await.followups.is_empty());

    let (speedy, speedy_rep) = TestApp::spawn_with_speed_to_lead().await;
    let (_, mut modified) = speedy.new_lead_on_stream(lead_body("unused")).await;
    for record in &mut modified {
        record.event_name = "MODIFY".into();
    }
    speedy.speed_to_lead(batch(modified)).await;
    assert!(speedy.mail_to(&speedy_rep).await.is_empty());
}

#[tokio::test]
async fn a_rejected_sender_is_recorded_as_failed_and_not_retried() {
    let (app, rep) = TestApp::spawn_with_speed_to_lead().await;
    app.configure(|s| s.sender_address = Some("leads@unverified.example.net".into()))
        .await;
    let (lead_id, records) = app.new_lead_on_stream(lead_body("unused")).await;

    let response = app.speed_to_lead(batch(records.clone())).await;
    let again = app.speed_to_lead(batch(records)).await;

    assert!(
        retried(&response).is_empty(),
        "a permanent failure is not retried"
    );
    assert!(retried(&again).is_empty());
    assert!(app.mail_to(&rep).await.is_empty());
    let timeline = app.lead(&lead_id).await.followups;
    assert_eq!(timeline.len(), 1);
    assert_eq!(timeline[0].status, FollowUpStatus::Failed);
    // In AWS the send policy (scoped to SenderAddress's domain) refuses it before SES
    // would say the identity is not verified; either way the reason names the sender.
    let reason = timeline[0].reason.as_deref().unwrap_or_default();
    assert!(reason.contains("unverified.example.net"), "{reason}");
}

#[tokio::test]
async fn a_transient_ses_failure_is_retried_and_then_sends_once() {
    let (app, rep) = TestApp::spawn_with_speed_to_lead().await;
    let (lead_id, mut records) = app.new_lead_on_stream(lead_body("unused")).await;
    let unreachable = aws_sdk_ses::config::Builder::from(&app.config)
        .endpoint_url("http://127.0.0.1:9")
        .retry_config(aws_sdk_ses::config::retry::RetryConfig::disabled())
        .build();
    let down = app.speed_deps_with(aws_sdk_ses::Client::from_conf(unreachable));

    let failed = speed_to_lead::handle(&down, batch(records.clone())).await;

    let sequence = lead_record(&mut records).change.sequence_number.clone();
    let sequence = sequence.unwrap();
    assert_eq!(
        retried(&failed),
        [sequence],
        "SES out of reach: retry the record"
    );
    assert!(app.lead(&lead_id).await.followups.is_empty());

    let retry = app.speed_to_lead(batch(records)).await;

    assert!(retried(&retry).is_empty());
    assert_eq!(app.mail_to(&rep).await.len(), 1);
    assert_eq!(app.lead(&lead_id).await.followups.len(), 1);
}

#[tokio::test]
async fn reviews_waiting_for_a_decision_send_one_digest_to_the_reviewers() {
    let app = TestApp::spawn().await;
    let reviewer = unique_address("reviewer");
    let reviewers = vec![reviewer.clone()];
    app.configure(|s| s.reviewer_addresses = reviewers).await;
    let mut stream = app.stream().await;
    for n in 1..=3 {
        app.put_pending_review(&format!("Quote request {n}"), "someone@example.org")
            .await;
    }

    let response = app.speed_to_lead(batch(stream.records().await)).await;

    assert!(retried(&response).is_empty());
    let digest = app.mail_to(&reviewer).await;
    assert_eq!(digest.len(), 1, "one notice for the three reviews");
    assert_eq!(digest[0].subject, "3 emails are waiting for review");
    assert!(digest[0]
        .body
        .contains("Quote request 2 from someone@example.org"));
}

#[tokio::test]
async fn a_malformed_lead_record_is_skipped_not_retried() {
    let (app, _) = TestApp::spawn_with_speed_to_lead().await;
    let (_, mut records) = app.new_lead_on_stream(lead_body("unused")).await;
    let lead = lead_record(&mut records);
    lead.change.new_image.remove("customer_name");

    let response = app.speed_to_lead(batch(vec![lead.clone()])).await;

    assert!(retried(&response).is_empty());
}

#[tokio::test]
async fn the_local_poller_delivers_new_leads_like_the_event_source_mapping() {
    let (app, rep) = TestApp::spawn_with_speed_to_lead().await;
    let reader = local::streams::StreamReader::latest(&app.config, app.store.table())
        .await
        .unwrap();
    let handler = local::streams::speed_to_lead(app.speed_deps());
    // Only this workspace's records: other tests share the stream.
    let partition = serde_dynamo::AttributeValue::S(shared::store::keys::workspace_partition(
        app.workspace_id(),
    ));
    let own: local::streams::StreamHandler = std::sync::Arc::new(move |mut event| {
        event
            .records
            .retain(|r| r.change.keys.get("pk") == Some(&partition));
        handler(event)
    });
    let poller = tokio::spawn(local::streams::poll(reader, own, Duration::from_millis(50)));

    let lead_id = app.new_lead(lead_body("unused")).await;
    let mut timeline = Vec::new();
    for _ in 0..600 {
        timeline = app.lead(&lead_id).await.followups;
        if !timeline.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    poller.abort();

    assert_eq!(timeline.len(), 1, "the poller delivered the new lead");
    assert_eq!(app.mail_to(&rep).await.len(), 1);
}
