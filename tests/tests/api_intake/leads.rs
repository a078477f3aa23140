//! What an accepted lead becomes: a lead with its client and log entry, its fields
//! mapped by the connector, and a rep assigned.

use e2e::{lead_body, LeadContacts, TestApp};
use serde_json::json;
use shared::domain::ImportStatus;

#[tokio::test]
async fn a_valid_lead_is_imported_with_its_client_and_log_entry() {
    let app = TestApp::spawn().await;

    let response = app.post_lead(lead_body("lead-1")).await;

    assert_eq!(response.status, 201, "{}", response.text);
    let body = response.json();
    assert_eq!(body["status"], "imported");
    assert_eq!(body["source"], "api");
    let leads = app.leads().await;
    assert_eq!(leads.len(), 1);
    let lead = &leads[0];
    assert_eq!(body["lead_id"], lead.id.as_str());
    assert_eq!(body["client_id"], lead.client_id.as_str());
    assert_eq!(lead.phone(), Some("+17175550123"));
    assert_eq!(lead.email(), Some("pat@example.com"));
    assert_eq!(lead.external_id.as_deref(), Some("lead-1"));
    assert_eq!(app.items("CLIENT#").await.len(), 1);
    let log = app.import_log().await;
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].status, ImportStatus::Imported);
    assert_eq!(log[0].lead_id.as_deref(), Some(lead.id.as_str()));
    assert!(log[0].payload.contains("Pat Example"));
    assert_eq!(log[0].origin.source_ip.as_deref(), Some("203.0.113.10"));
}

#[tokio::test]
async fn leads_with_a_known_email_or_phone_join_the_same_client() {
    let app = TestApp::spawn().await;
    let first = app.post_lead(lead_body("a")).await.json();

    let same_email = app
        .post_lead(json!({"customer_name": "Pat E.", "customer_email": "PAT@example.com", "external_id": "b"}))
        .await
        .json();
    let same_phone = app
        .post_lead(json!({"customer_name": "Patricia", "customer_phone": "717-555-0123", "external_id": "c"}))
        .await
        .json();
    let stranger = app
        .post_lead(json!({"customer_name": "Sam Other", "customer_email": "sam@example.com"}))
        .await
        .json();

    assert_eq!(same_email["client_id"], first["client_id"]);
    assert_eq!(same_phone["client_id"], first["client_id"]);
    assert_ne!(stranger["client_id"], first["client_id"]);
    assert_eq!(app.leads().await.len(), 4);
    assert_eq!(app.items("CLIENT#").await.len(), 2);
}

#[tokio::test]
async fn aliases_map_fields_and_the_rest_are_kept_as_custom_fields() {
    let app = TestApp::spawn_with(|c| {
        c.field_aliases.insert("who".into(), "customer_name".into());
        c.field_aliases
            .insert("requested".into(), "service_interest".into());
        c.notes_prefix = Some("[Zapier]".into());
        c.source_label = Some("zapier".into());
    })
    .await;

    let response = app
        .post_lead(json!({
            "who": "Kathy Kline",
            "contact": {"email": "kathy@example.com", "phone_number": "7175551234"},
            "requested": "Roof Cleaning",
            "message": "Two-story house",
            "Roof Age (years)": 12,
        }))
        .await;

    assert_eq!(response.status, 201, "{}", response.text);
    assert_eq!(response.json()["source"], "zapier");
    let lead = app.leads().await.remove(0);
    assert_eq!(lead.customer_name, "Kathy Kline");
    assert_eq!(lead.email(), Some("kathy@example.com"));
    assert_eq!(lead.phone(), Some("+17175551234"));
    assert_eq!(lead.service_interest.as_deref(), Some("Roof Cleaning"));
    assert_eq!(lead.notes.as_deref(), Some("[Zapier] Two-story house"));
    assert_eq!(
        lead.custom_fields
            .get("Roof Age (years)")
            .map(String::as_str),
        Some("12")
    );
    assert_eq!(lead.source, "zapier");
}

#[tokio::test]
async fn the_connector_rep_or_else_the_territory_of_the_zip_is_assigned() {
    let app = TestApp::spawn().await;
    app.store
        .put_territory(app.workspace_id(), "17601", "rep.lancaster@example.com")
        .await
        .unwrap();

    let by_territory = app.post_lead(lead_body("t-1")).await.json();
    let elsewhere = app
        .post_lead(json!({"customer_name": "Far Away", "customer_email": "far@example.com", "zip": "90210"}))
        .await
        .json();

    assert_eq!(by_territory["assigned_rep"], "rep.lancaster@example.com");
    assert_eq!(elsewhere["assigned_rep"], serde_json::Value::Null);

    let with_rep = TestApp::spawn_with(|c| c.assigned_rep = Some("owner@example.com".into())).await;
    let by_connector = with_rep.post_lead(lead_body("t-2")).await.json();
    assert_eq!(by_connector["assigned_rep"], "owner@example.com");
}
