//! Forwarded emails through SES and the retry queue, against moto.

use e2e::email::{DOUBTFUL, LABELLED_LEAD};
use e2e::{LeadContacts, TestApp};
use shared::domain::{Connector, ImportStatus};

/// A workspace (with an active email connector shaped by `connector`, if given), its
/// email door with `max_attempts` retries, and a message id whose raw body, if given,
/// SES's S3 action has stored.
async fn arrived(
    connector: Option<fn(&mut Connector)>,
    max_attempts: u32,
    raw: Option<&str>,
) -> (TestApp, email_inbound::Deps, String) {
    let mut app = TestApp::spawn().await;
    if let Some(configure) = connector {
        app.with_email_connector(configure).await;
    }
    let deps = app.email_deps(max_attempts).await;
    let id = shared::domain::new_id().to_lowercase();
    if let Some(raw) = raw {
        app.store_raw_email(&deps, &id, raw).await;
    }
    (app, deps, id)
}

#[tokio::test]
async fn a_labelled_email_whose_body_is_present_becomes_a_lead() {
    let (app, deps, id) = arrived(
        Some(|c| c.review_threshold = Some(0.65)),
        3,
        Some(LABELLED_LEAD),
    )
    .await;

    let outcome = app.deliver_to_inbox(&deps, &id).await;

    assert_eq!(outcome.status, "imported", "{outcome:?}");
    let lead = app.leads().await.remove(0);
    assert_eq!(Some(&lead.id), outcome.lead_id.as_ref());
    assert_eq!(lead.customer_name, "Kathy Kline");
    assert_eq!(lead.email(), Some("kathy.kline@example.com"));
    assert_eq!(lead.phone(), Some("+17175550142"));
    assert_eq!(lead.zip_code(), Some("17601"));
    assert_eq!(lead.source, "email_forward");
    assert_eq!(
        lead.external_id.as_deref(),
        Some("form-4711@acme-wash.example")
    );
    let log = app.import_log().await;
    let entry = log
        .iter()
        .find(|r| r.provider == Some(shared::domain::Provider::EmailForward))
        .unwrap();
    assert_eq!(entry.status, ImportStatus::Imported);
    assert!(entry.payload.contains("Kathy Kline"));
}

#[tokio::test]
async fn a_body_that_lands_late_is_read_on_the_retry() {
    let (app, deps, id) = arrived(Some(|_| {}), 3, None).await;

    let first = app.deliver_to_inbox(&deps, &id).await;
    app.store_raw_email(&deps, &id, LABELLED_LEAD).await;
    let delivered = app.deliver_next_retry(&deps).await;

    assert_eq!(first.status, "waiting_for_body");
    assert_eq!(delivered, 1);
    let leads = app.leads().await;
    assert_eq!(leads.len(), 1);
    assert_eq!(leads[0].customer_name, "Kathy Kline");
}

#[tokio::test]
async fn a_body_that_never_arrives_is_logged_failed_and_makes_no_lead() {
    let (app, deps, id) = arrived(Some(|_| {}), 1, None).await;

    app.deliver_to_inbox(&deps, &id).await;
    app.deliver_next_retry(&deps).await;

    assert!(app.leads().await.is_empty());
    let failed = app.failed_imports().await;
    assert_eq!(failed.len(), 1);
    assert_eq!(
        failed[0].reason.as_deref(),
        Some("message body never arrived")
    );
}

#[tokio::test]
async fn ses_delivering_a_message_twice_makes_one_lead() {
    let (app, deps, id) = arrived(Some(|_| {}), 3, Some(LABELLED_LEAD)).await;

    let first = app.deliver_to_inbox(&deps, &id).await;
    let second = app.deliver_to_inbox(&deps, &id).await;

    assert_eq!(first.status, "imported");
    assert_eq!(second.status, "duplicate");
    assert_eq!(app.leads().await.len(), 1);
}

#[tokio::test]
async fn a_spam_verdict_is_logged_ignored_and_makes_no_lead() {
    let (app, deps, id) = arrived(Some(|_| {}), 3, Some(LABELLED_LEAD)).await;

    let outcome = app
        .deliver_ses(&deps, &id, &app.inbound_address(), "FAIL")
        .await;

    assert_eq!(outcome.status, "ignored");
    assert!(app.leads().await.is_empty());
    let log = app.import_log().await;
    assert_eq!(log[0].status, ImportStatus::Ignored);
    assert_eq!(log[0].reason.as_deref(), Some("spam verdict FAIL"));
}

#[tokio::test]
async fn without_an_active_email_connector_the_email_is_logged_and_no_lead_is_made() {
    let (app, deps, id) = arrived(None, 3, Some(LABELLED_LEAD)).await;

    let outcome = app.deliver_to_inbox(&deps, &id).await;

    assert_eq!(outcome.status, "failed");
    assert!(app.leads().await.is_empty());
    let log = app.import_log().await;
    assert!(log[0]
        .reason
        .as_deref()
        .unwrap()
        .contains("no active email-forward connector"));
    assert!(
        log[0].payload.contains("Kathy Kline"),
        "the email is kept in the log"
    );
}

#[tokio::test]
async fn an_address_of_no_workspace_makes_nothing() {
    let (app, deps, id) = arrived(None, 3, Some(LABELLED_LEAD)).await;

    let outcome = app
        .deliver_ses(&deps, &id, "nobody-here@leads.example.com", "PASS")
        .await;

    assert_eq!(outcome.status, "failed");
    assert!(app.leads().await.is_empty());
}

#[tokio::test]
async fn a_parse_below_the_threshold_waits_for_review() {
    let (app, deps, id) =
        arrived(Some(|c| c.review_threshold = Some(0.75)), 3, Some(DOUBTFUL)).await;

    let outcome = app.deliver_to_inbox(&deps, &id).await;

    assert_eq!(outcome.status, "review_required", "{outcome:?}");
    assert!(outcome.confidence.unwrap() < 0.75);
    assert!(app.leads().await.is_empty());
    let review = app
        .store
        .review(app.workspace_id(), outcome.review_id.as_ref().unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(review.status, shared::domain::ReviewStatus::Pending);
    assert_eq!(
        review.subject.as_deref(),
        Some("Re: that lead from yesterday")
    );
    assert!(!review.reasons.is_empty());
    assert!(review.preview.contains("Can you call her?"));
    let log = app.import_log().await;
    assert_eq!(log[0].status, ImportStatus::ReviewRequired);
    assert_eq!(log[0].review_id, outcome.review_id);
}

#[tokio::test]
async fn without_a_threshold_an_invalid_parse_fails_with_its_reasons() {
    let (app, deps, id) = arrived(Some(|_| {}), 3, None).await;
    let nameless = "From: x@y.example\r\nSubject: hi\r\nContent-Type: text/plain\r\n\r\nPlease call me back.\r\n";
    app.store_raw_email(&deps, &id, nameless).await;

    let outcome = app.deliver_to_inbox(&deps, &id).await;

    assert_eq!(outcome.status, "failed", "{outcome:?}");
    assert!(app.leads().await.is_empty());
    let log = app.import_log().await;
    assert!(!log[0].errors.is_empty());
}

#[tokio::test]
async fn the_retry_queue_redelivering_a_message_makes_one_lead() {
    let (app, deps, id) = arrived(Some(|_| {}), 3, None).await;
    app.deliver_to_inbox(&deps, &id).await;
    app.store_raw_email(&deps, &id, LABELLED_LEAD).await;
    let mut messages = Vec::new();
    for _ in 0..10 {
        let received = deps
            .inbound
            .sqs
            .receive_message()
            .queue_url(&deps.inbound.retry_queue_url)
            .wait_time_seconds(2)
            .send()
            .await
            .expect("the retry queue");
        messages = received.messages.unwrap_or_default();
        if !messages.is_empty() {
            break;
        }
    }
    assert_eq!(messages.len(), 1, "the retry was queued");
    let arn = "arn:aws:sqs:us-east-1:000000000000:email-retry-queue";

    // SQS is at-least-once: the same message handed to the function twice.
    for _ in 0..2 {
        let event = local::email::sqs_event(arn, &messages);
        match email_inbound::handle(&deps, event).await.expect("handled") {
            email_inbound::Handled::Sqs(response) => {
                assert!(response.batch_item_failures.is_empty(), "{response:?}")
            }
            other => panic!("an SQS outcome, not {other:?}"),
        }
    }

    assert_eq!(app.leads().await.len(), 1);
    let imported = app
        .import_log()
        .await
        .into_iter()
        .filter(|r| r.status == ImportStatus::Imported)
        .count();
    assert_eq!(imported, 1);
}
