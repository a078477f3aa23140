//! What the email function fails on is never dropped: a delivery Lambda gave up on comes
//! back from the failure queue, a delivery that keeps failing is logged `failed` with its
//! reason on its last receive, and what no retry can fix is logged at once.

use aws_sdk_sqs::types::{Message, MessageSystemAttributeName};
use e2e::email::LABELLED_LEAD;
use e2e::TestApp;
use shared::domain::{ImportRecord, ImportStatus};
use shared::inbound::timing;

async fn app_with_email() -> (TestApp, email_inbound::Deps) {
    let mut app = TestApp::spawn().await;
    app.with_email_connector(|_| {}).await;
    let deps = app.email_deps(3).await;
    (app, deps)
}

fn failed_entries(log: &[ImportRecord]) -> Vec<&ImportRecord> {
    log.iter()
        .filter(|r| r.status == ImportStatus::Failed)
        .collect()
}

/// A failure-queue message as Lambda's event source delivers it on its `receives`-th
/// receive: Lambda's record of the SES invocation that failed.
fn failed_invocation(app: &TestApp, message_id: &str, receives: u32) -> Message {
    let event = local::email::ses_event(message_id, &app.inbound_address(), "PASS", "PASS");
    let record = local::email::failed_invocation(event, "the email could not be handled now");
    Message::builder()
        .message_id(format!("failure-{message_id}"))
        .receipt_handle("handle")
        .body(record.to_string())
        .attributes(
            MessageSystemAttributeName::ApproximateReceiveCount,
            receives.to_string(),
        )
        .build()
}

async fn deliver(deps: &email_inbound::Deps, message: Message) -> usize {
    let arn = "arn:aws:sqs:us-east-1:000000000000:email-failures";
    let event = local::email::sqs_event(arn, &[message]);
    match email_inbound::handle(deps, event).await.expect("handled") {
        email_inbound::Handled::Sqs(response) => response.batch_item_failures.len(),
        other => panic!("an SQS outcome, not {other:?}"),
    }
}

#[tokio::test]
async fn an_ses_delivery_lambda_gave_up_on_is_imported_from_the_failure_queue() {
    let (app, deps) = app_with_email().await;
    let id = shared::domain::new_id().to_lowercase();
    app.store_raw_email(&deps, &id, LABELLED_LEAD).await;
    let record = failed_invocation(&app, &id, 1);
    deps.inbound
        .sqs
        .send_message()
        .queue_url(&deps.failure_queue_url)
        .message_body(record.body().unwrap())
        .send()
        .await
        .unwrap();

    let delivered = e2e::email::deliver_until_empty(&deps).await;

    assert_eq!(delivered, 1);
    let leads = app.leads().await;
    assert_eq!(leads.len(), 1);
    assert_eq!(leads[0].customer_name, "Kathy Kline");
}

#[tokio::test]
async fn a_delivery_that_keeps_failing_is_retried_then_logged_failed_with_its_reason() {
    let (app, mut deps) = app_with_email().await;
    deps.inbound.bucket = "a-bucket-that-is-gone".into();
    let id = shared::domain::new_id().to_lowercase();

    let first = deliver(&deps, failed_invocation(&app, &id, 1)).await;
    let logged_early = failed_entries(&app.import_log().await).len();
    let last = deliver(&deps, failed_invocation(&app, &id, timing::MAX_RECEIVES)).await;

    assert_eq!(first, 1, "a failure is delivered again");
    assert_eq!(logged_early, 0, "nothing is logged while retries remain");
    assert_eq!(last, 0, "the last receive is not redelivered");
    let log = app.import_log().await;
    let failed = failed_entries(&log);
    assert_eq!(failed.len(), 1, "{log:?}");
    let reason = failed[0].reason.as_deref().unwrap();
    assert!(
        reason.contains("could not read the message body"),
        "{reason}"
    );
    assert!(app.leads().await.is_empty());
}

#[tokio::test]
async fn a_message_over_the_size_read_is_logged_failed_at_once() {
    let (app, deps) = app_with_email().await;
    let id = shared::domain::new_id().to_lowercase();
    let padding = "x".repeat(shared::inbound::MAX_RAW_BYTES as usize);
    app.store_raw_email(&deps, &id, &format!("{LABELLED_LEAD}{padding}"))
        .await;

    let outcome = app
        .deliver_ses(&deps, &id, &app.inbound_address(), "PASS")
        .await;

    assert_eq!(outcome.status, "failed", "{outcome:?}");
    let log = app.import_log().await;
    assert!(log[0]
        .reason
        .as_deref()
        .unwrap()
        .starts_with("message too large"));
    assert!(app.leads().await.is_empty());
}

#[tokio::test]
async fn a_message_id_too_long_for_a_key_is_imported_under_its_hash() {
    let (app, deps) = app_with_email().await;
    let id = shared::domain::new_id().to_lowercase();
    let long = format!("<{}@forms.example>", "m".repeat(3000));
    let raw = LABELLED_LEAD.replace("<form-4711@acme-wash.example>", &long);
    app.store_raw_email(&deps, &id, &raw).await;

    let first = app
        .deliver_ses(&deps, &id, &app.inbound_address(), "PASS")
        .await;
    let copy = shared::domain::new_id().to_lowercase();
    app.store_raw_email(&deps, &copy, &raw).await;
    let second = app
        .deliver_ses(&deps, &copy, &app.inbound_address(), "PASS")
        .await;

    assert_eq!(first.status, "imported", "{first:?}");
    assert_eq!(
        second.status, "replayed",
        "the same message forwarded twice"
    );
    let lead = app.leads().await.remove(0);
    assert!(lead.external_id.unwrap().starts_with("sha256:"));
}

#[tokio::test]
async fn an_ses_message_id_too_long_for_a_key_is_logged_failed_at_once() {
    let (app, deps) = app_with_email().await;
    let id = "s".repeat(3000);

    let outcome = app
        .deliver_ses(&deps, &id, &app.inbound_address(), "PASS")
        .await;

    assert_eq!(outcome.status, "failed", "{outcome:?}");
    let log = app.import_log().await;
    assert_eq!(failed_entries(&log).len(), 1);
    assert!(log[0].reason.as_deref().unwrap().contains("DynamoDB"));
}
