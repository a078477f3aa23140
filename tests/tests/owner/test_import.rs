use e2e::webhooks::{google_lead, graph_lead};
use e2e::TestApp;
use serde_json::{json, Value};
use shared::domain::Provider;

async fn test_import(app: &TestApp, connector_id: &str, payload: Value) -> Value {
    let path = format!("/admin/connectors/{connector_id}/test-import");
    let response = app
        .admin("POST", &path, Some(json!({"payload": payload})))
        .await;
    assert_eq!(response.status, 200, "{}", response.text);
    response.json()
}

#[tokio::test]
async fn meta_field_data_and_google_columns_are_mapped_by_their_presets_in_test_import() {
    let mut app = TestApp::spawn().await;
    let (store, seeded) = (&app.store, &mut app.seeded);
    let meta = local::seed::active_connector(store, seeded, Provider::Meta, |c| {
        c.settings.page_id = Some(e2e::webhooks::unique_page_id());
        c.field_aliases = [("which_services?".to_owned(), "service_interest".to_owned())].into();
    });
    let meta = meta.await.unwrap().id.to_string();
    let google = local::seed::active_connector(store, seeded, Provider::GoogleAds, |_| {});
    let google = google.await.unwrap().id.to_string();

    let from_meta = test_import(&app, &meta, graph_lead("8880001")).await;
    let from_google = test_import(&app, &google, google_lead("G-1", "not-checked")).await;
    let mut test_lead = google_lead("G-2", "not-checked");
    test_lead["is_test"] = true.into();
    let google_test = test_import(&app, &google, test_lead).await;

    assert_eq!(from_meta["would"], "imported", "{from_meta}");
    let lead = &from_meta["lead"];
    assert_eq!(lead["customer_name"], "Pat Example");
    assert_eq!(lead["customer_phone"], "+17175550123");
    assert_eq!(lead["zip"], "17601");
    assert_eq!(lead["external_id"], "8880001");
    assert_eq!(lead["service_interest"], "house_wash, roof_cleaning");
    assert_eq!(lead["custom_fields"]["meta_form_id"], "908070605040302");
    assert_eq!(from_google["would"], "imported", "{from_google}");
    let lead = &from_google["lead"];
    assert_eq!(lead["customer_email"], "pat@example.com");
    assert_eq!(lead["state"], "PA");
    assert_eq!(lead["external_id"], "G-1");
    assert_eq!(
        lead["custom_fields"]["Which service do you need?"],
        "House Wash"
    );
    assert_eq!(google_test["would"], "ignored");
    assert!(google_test["reason"]
        .as_str()
        .unwrap()
        .contains("test lead"));
    assert!(app.leads().await.is_empty(), "a test import writes nothing");
}

#[tokio::test]
async fn test_import_shows_the_warnings_a_delivery_would_get() {
    let app = TestApp::spawn().await;
    let connector = app.api_connector().id.to_string();

    let answer = test_import(
        &app,
        &connector,
        json!({"customer_name": "Pat", "customer_email": "pat@example.com", "zip": "N/A"}),
    )
    .await;

    assert_eq!(answer["would"], "imported");
    assert_eq!(answer["warnings"][0]["field"], "zip");
    assert_eq!(answer["lead"]["custom_fields"]["zip"], "N/A");
}
