//! A lead delivered again makes no second lead: by its external id, however
//! concurrent, and by an `Idempotency-Key` that replays the stored answer.

use e2e::{lead_body, TestApp, TestResponse};
use shared::domain::ImportStatus;

#[tokio::test]
async fn a_second_delivery_of_an_external_id_replays_the_first_lead() {
    let app = TestApp::spawn().await;
    let first = app.post_lead(lead_body("lead-2")).await.json();

    let second = app.post_lead(lead_body("lead-2")).await;

    assert_eq!(second.status, 200);
    assert_eq!(second.json()["status"], "replayed");
    assert_eq!(second.json()["lead_id"], first["lead_id"]);
    assert_eq!(app.leads().await.len(), 1);
    let statuses = app.import_statuses().await;
    assert_eq!(statuses, [ImportStatus::Replayed, ImportStatus::Imported]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn twenty_concurrent_deliveries_of_one_external_id_create_one_lead() {
    let app = TestApp::spawn().await;

    let mut deliveries = tokio::task::JoinSet::new();
    for _ in 0..20 {
        let deps = app.api_deps();
        let request = app.authorised_lead_request("lead-burst");
        deliveries.spawn(async move { shared::http::answer(&deps, request).await });
    }
    let responses: Vec<_> = deliveries
        .join_all()
        .await
        .into_iter()
        .map(TestResponse::from_lambda)
        .collect();

    let created = responses.iter().filter(|r| r.status == 201).count();
    let replayed = responses.iter().filter(|r| r.status == 200).count();
    assert_eq!(
        (created, replayed),
        (1, 19),
        "{:?}",
        responses.iter().map(|r| &r.text).collect::<Vec<_>>()
    );
    let lead_ids: std::collections::HashSet<_> = responses
        .iter()
        .map(|r| r.json()["lead_id"].to_string())
        .collect();
    assert_eq!(lead_ids.len(), 1);
    assert_eq!(app.leads().await.len(), 1);
    assert_eq!(app.items("CLIENT#").await.len(), 1);
    let statuses = app.import_statuses().await;
    let count = |status| statuses.iter().filter(|s| **s == status).count();
    assert_eq!(count(ImportStatus::Imported), 1);
    assert_eq!(count(ImportStatus::Replayed), 19);
}

#[tokio::test]
async fn an_idempotency_key_replays_the_stored_response() {
    let app = TestApp::spawn().await;
    let key = [("idempotency-key", "upstream-lead-77")];

    let first = app
        .post_lead_with(&key, lead_body("upstream-lead-77"))
        .await;
    let again = app
        .post_lead_with(&key, lead_body("upstream-lead-77"))
        .await;

    assert_eq!(first.status, 201);
    assert_eq!(again.status, 201);
    assert_eq!(again.header("idempotent-replayed"), Some("true"));
    assert_eq!(again.text, first.text);
    assert_eq!(app.leads().await.len(), 1);
    assert_eq!(
        app.import_log().await.len(),
        1,
        "a replay does not run the pipeline again"
    );
}

#[tokio::test]
async fn an_idempotency_key_replays_a_refusal_too_without_logging_it_again() {
    let app = TestApp::spawn().await;
    let key = [("idempotency-key", "refused-once")];
    let mut nameless = lead_body("refused-once");
    nameless["customer_name"] = serde_json::Value::Null;

    let first = app.post_lead_with(&key, nameless.clone()).await;
    let again = app.post_lead_with(&key, nameless).await;

    assert_eq!(first.status, 422, "{}", first.text);
    assert_eq!(again.status, 422, "{}", again.text);
    assert_eq!(again.header("idempotent-replayed"), Some("true"));
    assert_eq!(again.text, first.text);
    assert_eq!(app.import_log().await.len(), 1);
}

#[tokio::test]
async fn an_idempotency_key_with_another_body_is_422() {
    let app = TestApp::spawn().await;
    let key = [("idempotency-key", "k-1")];
    app.post_lead_with(&key, lead_body("one")).await;

    let other = app.post_lead_with(&key, lead_body("two")).await;

    assert_eq!(other.status, 422);
    assert!(other.json()["detail"]
        .as_str()
        .unwrap()
        .contains("different body"));
    assert_eq!(app.leads().await.len(), 1);
}

#[tokio::test]
async fn an_idempotency_key_still_in_progress_is_409() {
    let app = TestApp::spawn().await;
    let body = app.lead_with_connector_key("slow");
    let hash = shared::idempotency::request_hash(body.to_string().as_bytes());
    let now = app.store.clock().epoch();
    app.store
        .idempotency_begin(app.workspace_id(), "k-busy", &hash, now, 60, 86_400)
        .await
        .unwrap();

    let response = app
        .post_lead_with(&[("idempotency-key", "k-busy")], body)
        .await;

    assert_eq!(response.status, 409);
    assert!(app.leads().await.is_empty());
}

#[tokio::test]
async fn an_invalid_idempotency_key_is_400() {
    let app = TestApp::spawn().await;
    let long = "k".repeat(256);

    let response = app
        .post_lead_with(&[("idempotency-key", &long)], lead_body("z"))
        .await;

    assert_eq!(response.status, 400);
}
