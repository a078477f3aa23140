//! What the API door refuses, with a problem that names why, and logs as failed:
//! invalid fields, malformed or oversized bodies, and a table not yet migrated.

use e2e::{lead_body, TestApp, TestResponse};
use serde_json::json;
use shared::domain::ImportStatus;
use shared::store::Store;

#[tokio::test]
async fn every_validation_failure_is_a_422_with_its_field_and_is_logged() {
    let app = TestApp::spawn().await;
    let cases = [
        (
            json!({"customer_email": "pat@example.com"}),
            "customer_name",
        ),
        (json!({"customer_name": "Pat"}), "customer_email"),
        (
            json!({"customer_name": "Pat", "customer_email": "pat@"}),
            "customer_email",
        ),
        (
            json!({"customer_name": "Pat", "customer_phone": "12"}),
            "customer_phone",
        ),
        (
            json!({"customer_name": "Pat", "customer_email": "pat@", "customer_phone": "12"}),
            "customer_phone",
        ),
        (
            json!({"connector_key": "lc_conn_unknown", "customer_name": "Pat"}),
            "connector_key",
        ),
    ];

    for (body, field) in &cases {
        let response = app.post_lead(body.clone()).await;

        assert_eq!(response.status, 422, "{body}: {}", response.text);
        assert_eq!(
            response.header("content-type"),
            Some("application/problem+json")
        );
        let problem = response.json();
        assert_eq!(problem["status"], 422);
        assert!(
            problem["errors"]
                .as_array()
                .unwrap()
                .iter()
                .any(|e| e["field"] == *field),
            "{body} should fail on {field}: {problem}"
        );
    }
    let without_key = app
        .post_lead_as(
            &app.seeded.api_key,
            json!({"customer_name": "Pat", "customer_email": "p@example.com"}),
        )
        .await;
    assert_eq!(without_key.status, 422);

    assert!(app.leads().await.is_empty());
    let log = app.import_log().await;
    assert_eq!(log.len(), cases.len() + 1);
    assert!(log
        .iter()
        .all(|r| r.status == ImportStatus::Failed && r.reason.is_some()));
}

#[tokio::test]
async fn malformed_bodies_are_400_and_logged() {
    let app = TestApp::spawn().await;

    let broken = app
        .post_bytes("application/json", b"{\"customer_name\": ")
        .await;
    let list = app.post_bytes("application/json", b"[1, 2]").await;

    assert_eq!(broken.status, 400);
    assert_eq!(broken.json()["type"], "/problems/malformed-request");
    assert_eq!(list.status, 400);
    let log = app.import_log().await;
    assert_eq!(log.len(), 2);
    assert!(log.iter().all(|r| r.status == ImportStatus::Failed));
}

#[tokio::test]
async fn oversized_or_non_json_bodies_are_refused() {
    let app = TestApp::spawn().await;
    let huge = vec![b'a'; 256 * 1024 + 1];

    let too_large = app.post_bytes("application/json", &huge).await;
    let form = app
        .post_bytes("application/x-www-form-urlencoded", b"customer_name=Pat")
        .await;

    assert_eq!(too_large.status, 413);
    assert_eq!(form.status, 415);
}

#[tokio::test]
async fn a_missing_table_answers_503_migration_required() {
    let app = TestApp::spawn().await;
    let deps = api_intake::ApiIntake {
        store: Store::new(app.store.client().clone(), "lead-connectors-not-migrated"),
    };
    let call = local::gateway::HttpCall {
        route_key: "POST /api/v1/leads".into(),
        method: "POST".into(),
        path: "/api/v1/leads".into(),
        headers: vec![(
            "authorization".into(),
            format!("Bearer {}", app.seeded.api_key),
        )],
        body: lead_body("m").to_string().into_bytes(),
        ..Default::default()
    };

    let response = TestResponse::answered(&deps, call).await;

    assert_eq!(response.status, 503);
    assert_eq!(response.json()["type"], "/problems/migration-required");
    assert!(response.json()["detail"]
        .as_str()
        .unwrap()
        .contains("migration"));
}

#[tokio::test]
async fn a_value_beyond_the_minimum_that_does_not_validate_is_kept_as_a_custom_field() {
    let app = TestApp::spawn().await;

    let response = app
        .post_lead(json!({"customer_name": "Pat", "customer_phone": "7175550123", "zip": "??"}))
        .await;

    assert_eq!(response.status, 201, "{}", response.text);
    let lead = app.leads().await.remove(0);
    assert_eq!(lead.zip, None);
    assert_eq!(
        lead.custom_fields.get("zip").map(String::as_str),
        Some("??")
    );
}
