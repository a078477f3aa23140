//! Recent Imports and lead details: pages newest first, filters, cursors that are good
//! for one list only, and an entry's raw payload.

use e2e::{lead_body, TestApp};
use serde_json::{json, Value};

fn ids(listing: &Value) -> Vec<String> {
    listing["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["id"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn recent_imports_page_newest_first_with_an_opaque_cursor() {
    let app = TestApp::spawn().await;
    for n in 0..5 {
        app.post_lead(lead_body(&format!("page-{n}"))).await;
    }
    let log: Vec<_> = app
        .import_log()
        .await
        .into_iter()
        .map(|r| r.id.to_string())
        .collect();
    let pages = "/admin/imports?limit=2";

    let first = app.admin_get(pages).await.json();
    let second = app.next_page(pages, &first).await;
    let third = app.next_page(pages, &second).await;

    let mut seen = ids(&first);
    seen.extend(ids(&second));
    seen.extend(ids(&third));
    assert_eq!(seen, log, "every entry once, newest first");
    assert_eq!(first["items"][0]["status"], "imported");
    assert!(first["items"][0].get("payload").is_none());
    let bad_cursor = app.admin_get("/admin/imports?cursor=garbage!").await;
    let bad_limit = app.admin_get("/admin/imports?limit=0").await;
    assert_eq!(bad_cursor.status, 400);
    assert_eq!(bad_limit.status, 400);
}

#[tokio::test]
async fn a_cursor_is_good_only_for_the_list_and_workspace_that_returned_it() {
    let app = TestApp::spawn().await;
    let other = TestApp::spawn().await;
    for n in 0..3 {
        app.post_lead(lead_body(&format!("cursor-{n}"))).await;
    }
    let connector = app.api_connector().id.clone();
    let whole_log = app.admin_get("/admin/imports?limit=1").await.json();
    let one_connector = app
        .admin_get(&format!("/admin/imports?limit=1&connector_id={connector}"))
        .await
        .json();
    let log_cursor = whole_log["cursor"].as_str().unwrap();
    let index_cursor = one_connector["cursor"].as_str().unwrap();

    let misused = [
        // The workspace log's cursor on one connector's log (the index), and back.
        format!("/admin/imports?connector_id={connector}&cursor={log_cursor}"),
        format!("/admin/imports?cursor={index_cursor}"),
        // An import-log cursor on another list.
        format!("/admin/connectors?cursor={log_cursor}"),
    ];
    for path in &misused {
        let response = app.admin_get(path).await;
        assert_eq!(response.status, 400, "{path}: {}", response.text);
        assert_eq!(
            response.json()["type"],
            "/problems/malformed-request",
            "{path}"
        );
    }
    // Another workspace cannot page through this one's log with its cursor.
    let response = other
        .admin_get(&format!("/admin/imports?cursor={log_cursor}"))
        .await;
    assert_eq!(response.status, 400, "{}", response.text);
}

#[tokio::test]
async fn recent_imports_filter_by_status_and_connector() {
    let app = TestApp::spawn().await;
    app.post_lead(lead_body("mixed-1")).await;
    for _ in 0..3 {
        app.post_lead(json!({"customer_name": "No Contact"})).await;
    }
    app.post_lead(lead_body("mixed-1")).await;
    let connector = &app.api_connector().id;
    let failures = "/admin/imports?status=failed&limit=2";

    let failed = app.admin_get(failures).await.json();
    let rest = app.next_page(failures, &failed).await;
    let replayed = app
        .admin_get(&format!(
            "/admin/imports?status=replayed&connector_id={connector}"
        ))
        .await
        .json();
    let bogus = app.admin_get("/admin/imports?status=lost").await;

    assert_eq!(ids(&failed).len(), 2);
    assert_eq!(ids(&rest).len(), 1);
    for item in failed["items"]
        .as_array()
        .unwrap()
        .iter()
        .chain(rest["items"].as_array().unwrap())
    {
        assert_eq!(item["status"], "failed");
        assert!(item["reason"].as_str().unwrap().contains("contact"));
    }
    assert_eq!(ids(&replayed).len(), 1);
    assert_eq!(replayed["items"][0]["external_id"], "mixed-1");
    assert_eq!(bogus.status, 400);
}

#[tokio::test]
async fn an_import_entry_shows_its_raw_payload_and_a_lead_its_fields() {
    let app = TestApp::spawn().await;
    let receipt = app.post_lead(lead_body("detail-1")).await.json();
    let lead_path = format!("/admin/leads/{}", receipt["lead_id"].as_str().unwrap());

    let import = app
        .import_entry(receipt["import_id"].as_str().unwrap())
        .await;
    let lead = app.admin_get(&lead_path).await.json();

    assert!(import["payload"].as_str().unwrap().contains("detail-1"));
    assert_eq!(import["lead_id"], receipt["lead_id"]);
    assert_eq!(import["origin"]["source_ip"], "203.0.113.10");
    for field in [
        "id",
        "customer_name",
        "customer_email",
        "customer_phone",
        "service_address",
        "city",
        "state",
        "zip",
        "service_interest",
        "notes",
        "external_id",
        "source",
        "assigned_rep",
        "connector_id",
        "client_id",
        "custom_fields",
        "created_at",
        "followups",
    ] {
        assert!(lead.get(field).is_some(), "{field} is shown");
    }
    assert_eq!(lead["customer_phone"], "+17175550123");
    assert_eq!(lead["client_id"], receipt["client_id"]);
    assert!(lead.get("workspace_id").is_none());
    assert_eq!(app.admin_get("/admin/imports/01NOPE").await.status, 404);
    assert_eq!(app.admin_get("/admin/leads/01NOPE").await.status, 404);
}
