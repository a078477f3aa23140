//! A file's rows through the pipeline, counted; the same file again, replayed.

use e2e::bulk::{bad_rows, leads_csv, upload};
use e2e::TestApp;
use serde_json::json;
use std::time::Instant;

#[tokio::test]
async fn a_csv_imports_with_the_right_counts_and_the_same_file_again_replays() {
    let rows = super::rows();
    let app = TestApp::spawn_with(|c| c.speed_to_lead = true).await;
    let csv = leads_csv(rows, 20);
    let bad = bad_rows(rows, 20);
    let run = app.bulk_run(75).await;
    let created = app.create_bulk_import(json!({})).await;
    assert_eq!(created["status"], "waiting_for_upload");
    let id = created["id"].as_str().unwrap();

    let started = Instant::now();
    run.import(&upload(&created, &csv).await).await;
    println!("{rows} rows imported in {:.1?}", started.elapsed());

    let done = app.bulk_import(id).await;
    assert_eq!(done["status"], "done", "{done}");
    assert_eq!(done["rows"], rows);
    assert_eq!(done["imported"], rows - bad);
    assert_eq!(done["replayed"], 0);
    assert_eq!(done["failed"], bad);
    let leads = app.leads().await;
    assert_eq!(leads.len(), rows - bad, "one lead per good row");
    let lead = leads
        .iter()
        .find(|l| l.customer_name == "Pat Row3")
        .unwrap();
    assert_eq!(
        lead.notes.as_deref(),
        Some("called, café meeting"),
        "a quoted cell with a comma, in Windows-1252, under a synonym of notes"
    );
    assert_eq!(lead.service_interest.as_deref(), Some("Gutters"));
    assert!(
        leads.iter().all(|l| !l.forward && !l.speed_to_lead),
        "bulk rows are neither forwarded nor followed up unless asked"
    );

    let again = app.create_bulk_import(json!({})).await;
    run.import(&upload(&again, &csv).await).await;

    let replayed = app.bulk_import(again["id"].as_str().unwrap()).await;
    assert_eq!(replayed["status"], "done");
    assert_eq!(replayed["imported"], 0);
    assert_eq!(replayed["replayed"], rows - bad, "{replayed}");
    assert_eq!(replayed["failed"], bad);
    assert_eq!(app.leads().await.len(), rows - bad, "no duplicate");
}

#[tokio::test]
async fn bulk_rows_asked_to_be_forwarded_and_followed_up_are() {
    let app = TestApp::spawn_with(|c| c.speed_to_lead = true).await;
    let run = app.bulk_run(100).await;
    let created = app
        .create_bulk_import(json!({"forward": true, "speed_to_lead": true}))
        .await;

    run.import(&upload(&created, &leads_csv(3, 100)).await)
        .await;

    let leads = app.leads().await;
    assert_eq!(leads.len(), 3);
    assert!(leads.iter().all(|l| l.forward && l.speed_to_lead));
}

#[tokio::test]
async fn a_bulk_import_needs_an_active_connector_of_the_workspace() {
    let app = TestApp::spawn().await;
    let unknown = app
        .admin(
            "POST",
            "/admin/bulk-imports",
            Some(json!({"connector_id": "01J0000000000000000000NONE"})),
        )
        .await;
    assert_eq!(unknown.status, 422, "{}", unknown.text);
    assert_eq!(unknown.json()["errors"][0]["field"], "connector_id");
    let draft = app
        .create_connector(json!({"display_name": "Old leads", "provider": "website_form"}))
        .await;
    let inactive = app
        .admin(
            "POST",
            "/admin/bulk-imports",
            Some(json!({"connector_id": draft["id"]})),
        )
        .await;
    assert_eq!(inactive.status, 422, "{}", inactive.text);
    let missing = app
        .admin_get("/admin/bulk-imports/01J0000000000000000000NONE")
        .await;
    assert_eq!(missing.status, 404);
}
