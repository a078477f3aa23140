//! Failed rows come back as a CSV with their reasons, ready to fix and upload again.

use e2e::bulk::{leads_csv, upload};
use e2e::TestApp;
use serde_json::json;

#[tokio::test]
async fn bad_rows_come_back_in_the_failures_csv_and_import_once_fixed() {
    let app = TestApp::spawn().await;
    let run = app.bulk_run(100).await;
    let created = app.create_bulk_import(json!({})).await;
    let id = created["id"].as_str().unwrap();
    run.import(&upload(&created, &leads_csv(9, 4)).await).await;

    let failures = app
        .admin_get(&format!("/admin/bulk-imports/{id}/failures?format=csv"))
        .await;
    assert_eq!(failures.status, 200);
    assert_eq!(
        failures.header("content-type"),
        Some("text/csv; charset=utf-8; header=present")
    );
    let csv = failures.text.trim_start_matches('\u{feff}');
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "Full Name,Email Address,Service,Notes,import_row,import_error"
    );
    assert_eq!(lines.len(), 3, "rows 4 and 8 failed: {csv}");
    assert!(lines[1].starts_with("Pat Row4,,Gutters,"), "{}", lines[1]);
    assert!(
        lines[1].contains(",5,"),
        "row 4 is the file's row 5: {}",
        lines[1]
    );
    assert!(
        lines[1].contains("an email or a phone number"),
        "{}",
        lines[1]
    );
    let json = app
        .admin_get(&format!("/admin/bulk-imports/{id}/failures?format=json"))
        .await
        .json();
    assert_eq!(json["items"].as_array().unwrap().len(), 2);

    let fixed = csv
        .replace("Pat Row4,,", "Pat Row4,row4@example.com,")
        .replace("Pat Row8,,", "Pat Row8,row8@example.com,");
    let again = app.create_bulk_import(json!({})).await;
    run.import(&upload(&again, fixed.as_bytes()).await).await;

    let done = app.bulk_import(again["id"].as_str().unwrap()).await;
    assert_eq!(done["imported"], 2, "{done}");
    assert_eq!(done["failed"], 0);
    let row4 = app
        .leads()
        .await
        .into_iter()
        .find(|l| l.customer_name == "Pat Row4")
        .unwrap();
    assert!(
        row4.custom_fields.keys().all(|k| !k.starts_with("import_")),
        "{:?}",
        row4.custom_fields
    );
}
