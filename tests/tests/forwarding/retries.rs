//! Failed attempts: retried with growing delays on 5xx, failed at once on other 4xx,
//! failed when the retries run out, and delivered again on request.

use e2e::forwarding::Receiver;
use e2e::{lead_body, TestApp};
use serde_json::json;
use shared::domain::DeliveryStatus;
use shared::forwarding::Reach;

#[tokio::test]
async fn five_hundreds_are_retried_with_growing_delays_then_delivered() {
    let app = TestApp::spawn().await;
    let receiver = Receiver::answering(&[500, 503, 200]).await;
    app.add_destination(&receiver.url, json!({})).await;
    let mut forwarding = app.forwarding(&[30, 120], Reach::PublicAndLoopback).await;

    app.new_lead(lead_body("unused")).await;
    forwarding.settle().await;
    let waiting = forwarding.deliveries().await.remove(0);
    assert_eq!(waiting.status, DeliveryStatus::Pending);
    assert_eq!(waiting.attempts, 1);
    assert_eq!(receiver.received().len(), 1, "the retry waits for its time");

    forwarding.advance(30);
    forwarding.settle().await;
    assert_eq!(receiver.received().len(), 2);
    forwarding.advance(119);
    forwarding.settle().await;
    assert_eq!(receiver.received().len(), 2, "the second wait is longer");
    forwarding.advance(1);
    forwarding.settle().await;

    let delivered = forwarding.deliveries().await.remove(0);
    assert_eq!(delivered.status, DeliveryStatus::Delivered);
    let codes: Vec<_> = delivered.history.iter().map(|a| a.status_code).collect();
    assert_eq!(codes, [Some(500), Some(503), Some(200)]);
    let ids: Vec<_> = receiver
        .received()
        .iter()
        .map(|r| r.header("x-lead-delivery-id").to_owned())
        .collect();
    assert_eq!(
        ids,
        [
            delivered.id.to_string(),
            delivered.id.to_string(),
            delivered.id.to_string()
        ]
    );
    let attempts: Vec<_> = receiver
        .received()
        .iter()
        .map(|r| r.header("x-lead-attempt").to_owned())
        .collect();
    assert_eq!(attempts, ["1", "2", "3"]);
}

#[tokio::test]
async fn a_400_fails_at_once_and_a_notice_goes_to_the_failures_queue() {
    let app = TestApp::spawn().await;
    let receiver = Receiver::answering(&[400]).await;
    app.add_destination(&receiver.url, json!({})).await;
    let mut forwarding = app.forwarding(&[30], Reach::PublicAndLoopback).await;

    let lead_id = app.new_lead(lead_body("unused")).await;
    forwarding.settle().await;
    forwarding.advance(86_400);
    forwarding.settle().await;

    let failed = forwarding.deliveries().await.remove(0);
    assert_eq!(failed.status, DeliveryStatus::Failed);
    assert_eq!(failed.reason.as_deref(), Some("answered 400"));
    assert_eq!(receiver.received().len(), 1, "not retried");
    let notices = forwarding.failure_notices().await;
    assert_eq!(notices.len(), 1);
    assert_eq!(notices[0]["delivery_id"], failed.id.as_str());
    assert_eq!(notices[0]["lead_id"], lead_id.as_str());
    assert!(
        notices[0].get("customer_name").is_none(),
        "no lead data in the notice"
    );
}

#[tokio::test]
async fn a_delivery_whose_retries_run_out_is_failed() {
    let app = TestApp::spawn().await;
    let receiver = Receiver::answering(&[502]).await;
    app.add_destination(&receiver.url, json!({})).await;
    let mut forwarding = app.forwarding(&[30], Reach::PublicAndLoopback).await;

    app.new_lead(lead_body("unused")).await;
    forwarding.settle().await;
    forwarding.advance(30);
    forwarding.settle().await;

    let failed = forwarding.deliveries().await.remove(0);
    assert_eq!(failed.status, DeliveryStatus::Failed);
    assert_eq!(receiver.received().len(), 2);
    let reason = failed.reason.unwrap_or_default();
    assert!(reason.starts_with("gave up after 2 attempts"), "{reason}");
    assert_eq!(forwarding.failure_notices().await.len(), 1);
}

#[tokio::test]
async fn redeliver_sends_a_failed_delivery_again_and_refuses_one_under_way() {
    let app = TestApp::spawn().await;
    let receiver = Receiver::answering(&[404]).await;
    app.add_destination(&receiver.url, json!({})).await;
    let mut forwarding = app.forwarding(&[30], Reach::PublicAndLoopback).await;
    app.new_lead(lead_body("unused")).await;
    forwarding.settle().await;
    let failed = forwarding.deliveries().await.remove(0);
    assert_eq!(failed.status, DeliveryStatus::Failed);
    receiver.answer(204);

    let path = format!("/admin/deliveries/{}/redeliver", failed.id);
    let redelivered = app.admin("POST", &path, None).await;
    assert_eq!(redelivered.status, 202, "{}", redelivered.text);
    assert_eq!(redelivered.json()["status"], "pending");
    let again = app.admin("POST", &path, None).await;
    assert_eq!(again.status, 409, "its attempt is queued: {}", again.text);
    forwarding.settle().await;

    let delivered = forwarding.deliveries().await.remove(0);
    assert_eq!(delivered.status, DeliveryStatus::Delivered);
    assert_eq!(delivered.attempts, 2);
    let received = receiver.received();
    assert_eq!(received.len(), 2);
    assert_eq!(
        received[0].header("x-lead-delivery-id"),
        received[1].header("x-lead-delivery-id")
    );
    let unknown = app
        .admin(
            "POST",
            "/admin/deliveries/01J0000000000000000000NONE/redeliver",
            None,
        )
        .await;
    assert_eq!(unknown.status, 404);
}
