use e2e::TestApp;
use serde_json::json;

#[tokio::test]
async fn a_lead_with_a_bad_phone_and_zip_is_imported_and_its_entry_names_both() {
    let app = TestApp::spawn().await;

    let response = app
        .post_lead(
            json!({"customer_name": "Pat Example", "customer_email": "pat@example.com",
                          "customer_phone": "555-1234", "zip": "N/A", "external_id": "warn-1"}),
        )
        .await;

    assert_eq!(response.status, 201, "{}", response.text);
    let receipt = response.json();
    let import_id = receipt["import_id"].as_str().unwrap();
    let entry = app
        .admin("GET", &format!("/admin/imports/{import_id}"), None)
        .await
        .json();
    assert_eq!(entry["status"], "imported");
    let warnings = entry["warnings"].as_array().expect("warnings");
    let fields: Vec<&str> = warnings
        .iter()
        .map(|w| w["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["customer_phone", "zip"]);
    let message = warnings[1]["message"].as_str().unwrap();
    assert!(
        message.contains("'N/A'") && message.contains("custom field 'zip'"),
        "{message}"
    );
    let listed = app.admin("GET", "/admin/imports", None).await.json();
    assert_eq!(listed["items"][0]["warnings"], entry["warnings"]);

    let lead_id = receipt["lead_id"].as_str().unwrap();
    let lead = app
        .admin("GET", &format!("/admin/leads/{lead_id}"), None)
        .await
        .json();
    assert_eq!(lead["customer_email"], "pat@example.com");
    assert_eq!(lead["customer_phone"], json!(null));
    assert_eq!(
        lead["custom_fields"],
        json!({"customer_phone": "555-1234", "zip": "N/A"})
    );
}

#[tokio::test]
async fn a_clean_lead_has_no_warnings_and_a_lead_without_a_contact_still_fails() {
    let app = TestApp::spawn().await;

    let clean = app.post_lead(e2e::lead_body("clean-1")).await;
    let unreachable = app
        .post_lead(json!({"customer_name": "Pat", "customer_phone": "555-1234", "zip": "N/A"}))
        .await;

    assert_eq!(clean.status, 201, "{}", clean.text);
    assert_eq!(unreachable.status, 422, "{}", unreachable.text);
    let log = app.import_log().await;
    assert!(log.iter().all(|entry| entry.warnings.is_empty()));
    let failed = log
        .iter()
        .find(|entry| entry.status == shared::domain::ImportStatus::Failed)
        .expect("the failed entry");
    let fields: Vec<&str> = failed.errors.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(fields, ["customer_phone", "zip"]);
}
