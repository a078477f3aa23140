//! The local gateway of `make dev`: real HTTP on loopback, routes from `template.yaml`.

use e2e::{lead_body, TestApp};

#[tokio::test]
async fn a_lead_posted_over_http_is_created_through_the_gateway() {
    let app = TestApp::spawn().await;
    let base = app.serve_gateway().await;
    let mut body = lead_body("over-http");
    body["connector_key"] = app.connector_key().into();

    let response = reqwest::Client::new()
        .post(format!("{base}/api/v1/leads"))
        .bearer_auth(&app.seeded.api_key)
        .header("x-forwarded-for", "198.51.100.23")
        .json(&body)
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), 201);
    let log = app.import_log().await;
    assert_eq!(log[0].origin.source_ip.as_deref(), Some("198.51.100.23"));
    assert_eq!(app.leads().await.len(), 1);
}

#[tokio::test]
async fn routes_the_template_does_not_declare_are_404() {
    let app = TestApp::spawn().await;
    let base = app.serve_gateway().await;

    let response = reqwest::get(format!("{base}/api/v1/nothing-here"))
        .await
        .unwrap();

    assert_eq!(response.status(), 404);
}

#[tokio::test]
async fn a_raw_email_posted_to_the_local_ses_stand_in_answers_its_import_outcome() {
    let mut app = TestApp::spawn().await;
    app.with_email_connector(|_| {}).await;
    let base = app.serve_gateway().await;

    let response = reqwest::Client::new()
        .post(format!("{base}/_local/email?to={}", app.inbound_address()))
        .body(e2e::email::LABELLED_LEAD)
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), 200);
    let outcome: serde_json::Value = response.json().await.unwrap();
    assert_eq!(outcome["status"], "imported");
    assert!(outcome["confidence"].as_f64().unwrap() > 0.9);
    assert_eq!(outcome["lead_id"], app.leads().await[0].id.as_str());
}
