//! DynamoDB's limits (1 KiB sort keys, 2 KiB partition keys, 400 KB items) reached by
//! what a client sends: each is a clear 4xx and an entry in the import log, never a 500.
//! moto takes over-long keys; the tests' client refuses them as DynamoDB does.

use e2e::forms::FormRequest;
use e2e::{lead_body, TestApp};
use serde_json::json;
use shared::domain::{ImportStatus, LeadCandidate};
use shared::pipeline::{self, Delivery, Outcome};

#[tokio::test]
async fn an_external_id_too_long_for_a_key_is_a_422_and_logged() {
    let app = TestApp::spawn().await;
    let long = "x".repeat(2000);

    let response = app.post_lead(lead_body(&long)).await;

    assert_eq!(response.status, 422, "{}", response.text);
    let problem = response.json();
    assert_eq!(problem["errors"][0]["field"], "external_id");
    assert!(app.leads().await.is_empty());
    let log = app.import_log().await;
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].status, ImportStatus::Failed);
    let shown = log[0].external_id.as_deref().unwrap();
    assert!(
        shown.len() < 100,
        "the entry shows the id shortened: {shown}"
    );
    assert_eq!(problem["import_id"], log[0].id.as_str());
}

#[tokio::test]
async fn a_connector_key_too_long_for_a_key_is_unknown_and_logged() {
    let app = TestApp::spawn().await;
    let mut body = lead_body("long-connector-key");
    body["connector_key"] = "k".repeat(3000).into();

    let response = app.post_lead(body).await;

    assert_eq!(response.status, 422, "{}", response.text);
    assert_eq!(response.json()["errors"][0]["field"], "connector_key");
    let log = app.import_log().await;
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].status, ImportStatus::Failed);
}

#[tokio::test]
async fn a_form_id_or_an_admin_id_too_long_for_a_key_is_not_found() {
    let app = TestApp::spawn_form(|_| {}).await;
    let long = "f".repeat(3000);

    let form = app
        .send_form(FormRequest::urlencoded(&[("name", "Pat")]).to_form(&long))
        .await;
    let connector = app
        .admin("GET", &format!("/admin/connectors/{long}"), None)
        .await;
    let review = app
        .admin("POST", &format!("/admin/reviews/{long}/approve"), None)
        .await;
    let imports = app
        .admin("GET", &format!("/admin/imports?connector_id={long}"), None)
        .await;

    assert_eq!(form.status, 404, "{}", form.text);
    assert_eq!(connector.status, 404, "{}", connector.text);
    assert_eq!(review.status, 404, "{}", review.text);
    assert_eq!(imports.status, 200, "{}", imports.text);
    assert_eq!(imports.json()["items"], json!([]));
}

#[tokio::test]
async fn an_email_address_too_long_for_a_key_is_kept_as_a_custom_field() {
    let app = TestApp::spawn().await;
    let mut body = lead_body("long-email");
    let long_email = format!("pat@{}.example", "d".repeat(1100));
    body["customer_email"] = long_email.clone().into();

    let response = app.post_lead(body).await;

    assert_eq!(response.status, 201, "{}", response.text);
    let lead = app.leads().await.remove(0);
    assert_eq!(lead.customer_email, None);
    assert_eq!(lead.custom_fields.get("customer_email"), Some(&long_email));
}

#[tokio::test]
async fn a_lead_too_large_for_one_item_is_a_failed_attempt_not_an_error() {
    let app = TestApp::spawn().await;
    let candidate = LeadCandidate {
        customer_name: Some("Pat Large".into()),
        customer_phone: Some("(717) 555-0123".into()),
        external_id: Some("too-large".into()),
        custom_fields: [("essay".to_owned(), "x".repeat(500 * 1024))].into(),
        ..Default::default()
    };
    let delivery = Delivery {
        raw: "{}",
        ..Default::default()
    };

    let outcome = pipeline::import(&app.store, app.api_connector(), candidate, &delivery).await;

    let Ok(Outcome::Failed { reason, .. }) = outcome else {
        panic!("a failed attempt, not {outcome:?}");
    };
    assert!(reason.contains("400 KB"), "{reason}");
    assert!(app.leads().await.is_empty());
    let log = app.import_log().await;
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].status, ImportStatus::Failed);
}
