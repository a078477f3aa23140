//! `POST /webhooks/google/{connector_id}` against a real DynamoDB API (moto).

use e2e::webhooks::{google_lead, GoogleApp};
use e2e::LeadContacts;
use serde_json::json;
use shared::domain::{ConnectorStatus, ImportStatus};

#[tokio::test]
async fn a_google_lead_creates_a_lead_with_the_mapped_columns() {
    let google = GoogleApp::spawn(|_| {}).await;

    let response = google.post(&google.lead("TeSter-1")).await;

    assert_eq!(response.status, 200, "{}", response.text);
    let body = response.json();
    assert_eq!(body["status"], "imported");
    let leads = google.app.leads().await;
    assert_eq!(leads.len(), 1);
    let lead = &leads[0];
    assert_eq!(body["lead_id"], lead.id.as_str());
    assert_eq!(lead.customer_name, "Pat Example");
    assert_eq!(lead.email(), Some("pat@example.com"));
    assert_eq!(lead.phone(), Some("+17175550123"));
    assert_eq!(lead.service_address.as_deref(), Some("123 Main St"));
    assert_eq!(lead.city.as_deref(), Some("Lancaster"));
    assert_eq!(lead.state.as_deref(), Some("PA"));
    assert_eq!(lead.zip_code(), Some("17601"));
    assert_eq!(lead.external_id.as_deref(), Some("TeSter-1"));
    assert_eq!(lead.source, "google_ads");
    assert_eq!(
        lead.custom_fields["Which service do you need?"],
        "House Wash"
    );
    assert_eq!(lead.custom_fields["google_campaign_id"], "20000000001");
    assert_eq!(lead.custom_fields["google_gcl_id"], "EAIaIQobChMI-sample");
    let log = google.app.import_log().await;
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].status, ImportStatus::Imported);
    assert!(log[0].payload.contains("TeSter-1"));
    assert!(
        !log[0].payload.contains(&google.key()),
        "the key is not logged"
    );
}

#[tokio::test]
async fn a_duplicate_lead_id_is_replayed_and_creates_one_lead() {
    let google = GoogleApp::spawn(|_| {}).await;
    let first = google.post(&google.lead("TeSter-2")).await.json();

    let second = google.post(&google.lead("TeSter-2")).await;

    assert_eq!(second.status, 200, "{}", second.text);
    assert_eq!(second.json()["status"], "replayed");
    assert_eq!(second.json()["lead_id"], first["lead_id"]);
    assert_eq!(google.app.leads().await.len(), 1);
}

#[tokio::test]
async fn a_test_lead_is_logged_as_ignored_and_creates_no_lead() {
    let google = GoogleApp::spawn(|_| {}).await;
    let mut lead = google.lead("TeSter-3");
    lead["is_test"] = true.into();
    lead["adgroup_id"] = 0.into();
    lead["creative_id"] = 0.into();

    let response = google.post(&lead).await;

    assert_eq!(response.status, 200, "{}", response.text);
    assert_eq!(response.json()["status"], "ignored");
    assert!(google.app.leads().await.is_empty());
    let log = google.app.import_log().await;
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].status, ImportStatus::Ignored);
    assert!(log[0]
        .reason
        .as_deref()
        .unwrap()
        .contains("Google test lead"));
}

#[tokio::test]
async fn a_test_lead_reaches_the_log_even_while_the_connector_is_a_draft() {
    let google = GoogleApp::spawn(|c| c.status = ConnectorStatus::Draft).await;
    let mut lead = google.lead("TeSter-4");
    lead["is_test"] = true.into();

    let response = google.post(&lead).await;

    assert_eq!(response.status, 200, "{}", response.text);
    assert_eq!(
        google.app.import_log().await[0].status,
        ImportStatus::Ignored
    );
}

#[tokio::test]
async fn a_wrong_or_missing_google_key_is_refused_and_nothing_is_stored() {
    let google = GoogleApp::spawn(|_| {}).await;
    let wrong = google_lead("TeSter-5", "gk_wrong");
    let mut missing = google.lead("TeSter-5");
    missing.as_object_mut().unwrap().remove("google_key");
    let mut almost = google.lead("TeSter-5");
    almost["google_key"] = format!("{}x", google.key()).into();

    for body in [wrong, missing, almost] {
        let response = google.post(&body).await;
        assert_eq!(response.status, 401, "{}", response.text);
    }

    assert!(google.app.leads().await.is_empty());
    assert!(google.app.import_log().await.is_empty());
}

#[tokio::test]
async fn a_key_of_another_connector_is_refused() {
    let first = GoogleApp::spawn(|_| {}).await;
    let second = GoogleApp::spawn(|_| {}).await;

    let response = first
        .post_to(&second.connector.id, &first.lead("TeSter-6"))
        .await;

    assert_eq!(response.status, 401, "{}", response.text);
    assert!(second.app.import_log().await.is_empty());
}

#[tokio::test]
async fn ids_and_flags_sent_as_strings_or_numbers_are_accepted() {
    let google = GoogleApp::spawn(|_| {}).await;
    let mut lead = google.lead("ignored");
    lead["lead_id"] = 987_654_321_u64.into();
    lead["form_id"] = "40000000001".into();
    lead["campaign_id"] = "20000000001".into();
    lead["is_test"] = "false".into();
    lead["asset_group_id"] = 7.into();
    lead["lead_stage"] = "NEW".into();
    lead["something_google_adds_later"] = json!({"x": [1, 2]});
    lead["user_column_data"][0]
        .as_object_mut()
        .unwrap()
        .remove("column_name");

    let response = google.post(&lead).await;

    assert_eq!(response.status, 200, "{}", response.text);
    let leads = google.app.leads().await;
    assert_eq!(leads[0].external_id.as_deref(), Some("987654321"));
    assert_eq!(leads[0].customer_name, "Pat Example");
    assert_eq!(leads[0].custom_fields["google_lead_stage"], "NEW");

    let mut test = google.lead("TeSter-7");
    test["is_test"] = 1.into();
    let response = google.post(&test).await;
    assert_eq!(response.json()["status"], "ignored");
}

#[tokio::test]
async fn an_unknown_connector_is_not_found_and_nothing_is_stored() {
    let google = GoogleApp::spawn(|_| {}).await;

    let response = google
        .post_to("01JB8ZK5V7NOSUCHC0NNECT0R0", &google.lead("TeSter-8"))
        .await;

    assert_eq!(response.status, 404, "{}", response.text);
    let api_connector = google.app.api_connector().id.clone();
    let response = google
        .post_to(&api_connector, &google.lead("TeSter-8"))
        .await;
    assert_eq!(response.status, 404, "{}", response.text);
    assert!(google.app.import_log().await.is_empty());
}

#[tokio::test]
async fn a_body_that_is_not_a_google_lead_is_refused_and_nothing_is_stored() {
    let google = GoogleApp::spawn(|_| {}).await;

    for body in [
        json!([1, 2]),
        json!({"lead_id": {"nested": true}}),
        json!("text"),
    ] {
        let response = google.post(&body).await;
        assert_eq!(response.status, 400, "{body}: {}", response.text);
    }

    assert!(google.app.import_log().await.is_empty());
}

#[tokio::test]
async fn a_lead_without_a_contact_is_logged_as_failed_and_acknowledged() {
    let google = GoogleApp::spawn(|_| {}).await;
    let mut lead = google.lead("TeSter-9");
    lead["user_column_data"] = json!([
        {"column_name": "Full Name", "string_value": "Pat Example", "column_id": "FULL_NAME"}
    ]);

    let response = google.post(&lead).await;

    assert_eq!(response.status, 200, "{}", response.text);
    assert_eq!(response.json()["status"], "failed");
    assert!(google.app.leads().await.is_empty());
    let log = google.app.import_log().await;
    assert_eq!(log[0].status, ImportStatus::Failed);
    assert_eq!(log[0].external_id.as_deref(), Some("TeSter-9"));
    assert!(log[0].reason.as_deref().unwrap().contains("contact method"));
}

#[tokio::test]
async fn a_paused_connector_logs_the_lead_as_failed() {
    let google = GoogleApp::spawn(|c| c.status = ConnectorStatus::Paused).await;

    let response = google.post(&google.lead("TeSter-10")).await;

    assert_eq!(response.status, 200, "{}", response.text);
    assert_eq!(response.json()["status"], "failed");
    assert!(google.app.leads().await.is_empty());
    let log = google.app.import_log().await;
    assert!(log[0].reason.as_deref().unwrap().contains("paused"));
}

#[tokio::test]
async fn a_lead_of_another_form_is_ignored_when_the_connector_is_tied_to_one_form() {
    let google = GoogleApp::spawn(|c| c.settings.lead_form_id = Some("40000000002".into())).await;

    let response = google.post(&google.lead("TeSter-11")).await;

    assert_eq!(response.status, 200, "{}", response.text);
    assert_eq!(response.json()["status"], "ignored");
    assert!(google.app.leads().await.is_empty());

    let mut right_form = google.lead("TeSter-12");
    right_form["form_id"] = 40_000_000_002_u64.into();
    let response = google.post(&right_form).await;
    assert_eq!(response.json()["status"], "imported", "{}", response.text);
}

#[tokio::test]
async fn a_google_lead_posted_over_http_is_created_through_the_gateway() {
    let google = GoogleApp::spawn(|_| {}).await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let (app, config) = (&google.app, &google.app.config);
    let handlers = local::doors(&app.store, config, "unused", "http://127.0.0.1:9").unwrap();
    let routes = local::template::Template::load().unwrap().http_routes();
    tokio::spawn(local::gateway::serve(listener, routes, handlers));

    let response = reqwest::Client::new()
        .post(format!("{base}/webhooks/google/{}", google.connector.id))
        .json(&google.lead("TeSter-13"))
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), 200);
    assert_eq!(google.app.leads().await.len(), 1);
}
