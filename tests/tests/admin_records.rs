//! The admin API's reading side and small resources against moto: Run Test Import,
//! Recent Imports, leads, territories and API keys.

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
async fn test_import_shows_the_lead_it_would_create_and_creates_nothing() {
    let app = TestApp::spawn().await;
    app.admin(
        "PUT",
        "/admin/territories/17601",
        Some(json!({"rep": "east@example.com"})),
    )
    .await;
    let draft = app
        .create_connector(json!({
            "display_name": "Site", "provider": "website_form", "source_label": "homepage",
            "notes_prefix": "[Web]", "field_aliases": {"your-name": "customer_name", "msg": "notes"}
        }))
        .await;
    let path = format!(
        "/admin/connectors/{}/test-import",
        draft["id"].as_str().unwrap()
    );
    let before = app
        .store
        .workspace_items(app.workspace_id())
        .await
        .unwrap()
        .len();

    let response = app
        .admin(
            "POST",
            &path,
            Some(
                json!({"payload": {"your-name": "Pat Example", "email": "PAT@example.com",
                                    "zip": "17601-4444", "msg": "Roof leak", "budget": "5k"}}),
            ),
        )
        .await;

    assert_eq!(response.status, 200, "{}", response.text);
    let body = response.json();
    assert_eq!(body["would"], "imported");
    assert_eq!(body["connector_status"], "draft");
    assert_eq!(body["source"], "homepage");
    assert_eq!(body["notes"], "[Web] Roof leak");
    assert_eq!(body["assigned_rep"], "east@example.com");
    assert_eq!(body["lead"]["customer_name"], "Pat Example");
    assert_eq!(body["lead"]["customer_email"], "pat@example.com");
    assert_eq!(body["lead"]["custom_fields"], json!({"budget": "5k"}));
    assert!(body["notices"][0].as_str().unwrap().contains("draft"));
    let after = app
        .store
        .workspace_items(app.workspace_id())
        .await
        .unwrap()
        .len();
    assert_eq!(after, before, "a test import writes nothing");
    assert!(app.leads().await.is_empty());
}

#[tokio::test]
async fn test_import_tells_a_replay_and_a_failure_apart() {
    let app = TestApp::spawn().await;
    let earlier = app.post_lead(lead_body("known-1")).await.json();
    let path = format!("/admin/connectors/{}/test-import", app.api_connector().id);

    let replay = app
        .admin(
            "POST",
            &path,
            Some(json!({"payload": lead_body("known-1")})),
        )
        .await;
    let failure = app
        .admin(
            "POST",
            &path,
            Some(json!({"payload": {"customer_name": "", "zip": "??"}})),
        )
        .await;
    let email = app
        .admin(
            "POST",
            &path,
            Some(json!({"raw_email": "From: a@b.c\r\n\r\nhi"})),
        )
        .await;
    let nothing = app.admin("POST", &path, Some(json!({}))).await;

    assert_eq!(replay.json()["would"], "replayed");
    assert_eq!(replay.json()["existing_lead_id"], earlier["lead_id"]);
    assert_eq!(failure.json()["would"], "failed");
    let fields: Vec<_> = failure.json()["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(fields, ["customer_name", "customer_email", "zip"]);
    assert_eq!(email.status, 422);
    assert_eq!(nothing.status, 422);
    assert_eq!(app.leads().await.len(), 1);
    assert_eq!(app.import_log().await.len(), 1);
}

fn golden(name: &str) -> String {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/tests/golden");
    std::fs::read_to_string(dir.join(name)).unwrap()
}

#[tokio::test]
async fn an_email_test_import_runs_the_parser_and_the_review_threshold() {
    let app = TestApp::spawn().await;
    let email = app
        .create_connector(
            json!({"display_name": "Inbox", "provider": "email_forward", "review_threshold": 0.7}),
        )
        .await;
    let path = format!(
        "/admin/connectors/{}/test-import",
        email["id"].as_str().unwrap()
    );

    let doubtful = app
        .admin(
            "POST",
            &path,
            Some(json!({"raw_email": golden("20_several_contacts_in_thread.eml")})),
        )
        .await;
    let clear = app
        .admin(
            "POST",
            &path,
            Some(json!({"raw_email": golden("18_label_above_value_seed_example.eml")})),
        )
        .await;

    assert_eq!(doubtful.status, 200, "{}", doubtful.text);
    let doubtful = doubtful.json();
    assert_eq!(doubtful["would"], "review_required");
    assert_eq!(
        doubtful["email"]["reasons"],
        json!(["several different contacts"])
    );
    assert_eq!(doubtful["lead"]["customer_name"], "Paul Grady");
    assert!(doubtful["reason"]
        .as_str()
        .unwrap()
        .contains("below the review threshold"));
    let clear = clear.json();
    assert_eq!(clear["would"], "imported", "{clear}");
    assert_eq!(clear["source"], "email_forward");
    assert!(clear["email"]["confidence"].as_f64().unwrap() >= 0.7);
    assert!(app.items("REVIEW#").await.is_empty());
    assert!(app.import_log().await.is_empty());
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

    let first = app
        .admin("GET", "/admin/imports?limit=2", None)
        .await
        .json();
    let cursor = first["cursor"].as_str().unwrap();
    let second = app
        .admin(
            "GET",
            &format!("/admin/imports?limit=2&cursor={cursor}"),
            None,
        )
        .await
        .json();
    let cursor = second["cursor"].as_str().unwrap();
    let third = app
        .admin(
            "GET",
            &format!("/admin/imports?limit=2&cursor={cursor}"),
            None,
        )
        .await
        .json();

    let mut seen = ids(&first);
    seen.extend(ids(&second));
    seen.extend(ids(&third));
    assert_eq!(seen, log, "every entry once, newest first");
    assert_eq!(first["items"][0]["status"], "imported");
    assert!(first["items"][0].get("payload").is_none());
    let bad_cursor = app
        .admin("GET", "/admin/imports?cursor=garbage!", None)
        .await;
    let bad_limit = app.admin("GET", "/admin/imports?limit=0", None).await;
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
    let whole_log = app
        .admin("GET", "/admin/imports?limit=1", None)
        .await
        .json();
    let one_connector = app
        .admin(
            "GET",
            &format!("/admin/imports?limit=1&connector_id={connector}"),
            None,
        )
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
        let response = app.admin("GET", path, None).await;
        assert_eq!(response.status, 400, "{path}: {}", response.text);
        assert_eq!(
            response.json()["type"],
            "/problems/malformed-request",
            "{path}"
        );
    }
    // Another workspace cannot page through this one's log with its cursor.
    let response = other
        .admin("GET", &format!("/admin/imports?cursor={log_cursor}"), None)
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

    let failed = app
        .admin("GET", "/admin/imports?status=failed&limit=2", None)
        .await
        .json();
    let rest = app
        .admin(
            "GET",
            &format!(
                "/admin/imports?status=failed&limit=2&cursor={}",
                failed["cursor"].as_str().unwrap()
            ),
            None,
        )
        .await
        .json();
    let replayed = app
        .admin(
            "GET",
            &format!("/admin/imports?status=replayed&connector_id={connector}"),
            None,
        )
        .await
        .json();
    let bogus = app.admin("GET", "/admin/imports?status=lost", None).await;

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
    let import_path = format!("/admin/imports/{}", receipt["import_id"].as_str().unwrap());
    let lead_path = format!("/admin/leads/{}", receipt["lead_id"].as_str().unwrap());

    let import = app.admin("GET", &import_path, None).await.json();
    let lead = app.admin("GET", &lead_path, None).await.json();

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
    assert_eq!(
        app.admin("GET", "/admin/imports/01NOPE", None).await.status,
        404
    );
    assert_eq!(
        app.admin("GET", "/admin/leads/01NOPE", None).await.status,
        404
    );
}

#[tokio::test]
async fn territories_are_set_listed_used_and_removed() {
    let app = TestApp::spawn().await;

    let set = app
        .admin(
            "PUT",
            "/admin/territories/17601-1234",
            Some(json!({"rep": "East@Example.com"})),
        )
        .await;
    app.admin(
        "PUT",
        "/admin/territories/K1A%200B1",
        Some(json!({"rep": "north@example.com"})),
    )
    .await;
    let listed = app.admin("GET", "/admin/territories", None).await.json();
    let lead = app.post_lead(lead_body("territory-1")).await.json();
    let bad_zip = app
        .admin(
            "PUT",
            "/admin/territories/hello",
            Some(json!({"rep": "a@b.co"})),
        )
        .await;
    let bad_rep = app
        .admin(
            "PUT",
            "/admin/territories/17602",
            Some(json!({"rep": "nobody"})),
        )
        .await;
    let removed = app.admin("DELETE", "/admin/territories/17601", None).await;
    let again = app.admin("DELETE", "/admin/territories/17601", None).await;

    assert_eq!(set.status, 200, "{}", set.text);
    assert_eq!(
        set.json(),
        json!({"zip": "17601", "rep": "east@example.com"})
    );
    assert_eq!(listed["items"].as_array().unwrap().len(), 2);
    assert_eq!(lead["assigned_rep"], "east@example.com");
    assert_eq!(bad_zip.status, 422);
    assert_eq!(bad_rep.status, 422);
    assert_eq!(bad_rep.json()["errors"][0]["field"], "rep");
    assert_eq!(removed.status, 204);
    assert_eq!(again.status, 404);
    let listed = app.admin("GET", "/admin/territories", None).await.json();
    assert_eq!(listed["items"][0]["zip"], "K1A 0B1");
}

#[tokio::test]
async fn an_api_key_is_shown_once_listed_without_its_secret_and_revoked_at_once() {
    let app = TestApp::spawn().await;

    let issued = app
        .admin(
            "POST",
            "/admin/api-keys",
            Some(json!({"scopes": ["leads:write"], "name": "Zapier"})),
        )
        .await;
    let bad = app
        .admin("POST", "/admin/api-keys", Some(json!({"scopes": ["root"]})))
        .await;
    let empty = app
        .admin("POST", "/admin/api-keys", Some(json!({"scopes": []})))
        .await;

    assert_eq!(issued.status, 201, "{}", issued.text);
    let issued = issued.json();
    let key = issued["key"].as_str().unwrap().to_owned();
    assert!(key.starts_with("lc_live_"));
    assert_eq!(bad.status, 422);
    assert_eq!(empty.status, 422);
    let listed = app.admin("GET", "/admin/api-keys", None).await;
    assert!(!listed.text.contains(&key));
    assert!(!listed.text.contains(&shared::auth::key_hash(&key)));
    let entry = listed.json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["id"] == issued["id"])
        .cloned()
        .unwrap();
    assert_eq!(entry["name"], "Zapier");
    assert_eq!(entry["scopes"], json!(["leads:write"]));
    assert_eq!(entry["prefix"], issued["prefix"]);
    let post = |key: String| {
        let app = &app;
        async move {
            let mut body = lead_body("");
            body["connector_key"] = app.connector_key().into();
            let auth = format!("Bearer {key}");
            app.post_raw(
                &[("authorization", auth.as_str())],
                body.to_string().as_bytes(),
            )
            .await
        }
    };
    assert_eq!(post(key.clone()).await.status, 201);
    let path = format!("/admin/api-keys/{}", issued["id"].as_str().unwrap());
    assert_eq!(app.admin("DELETE", &path, None).await.status, 204);
    assert_eq!(post(key).await.status, 401);
    assert_eq!(app.admin("DELETE", &path, None).await.status, 204);
    assert_eq!(
        app.admin("DELETE", "/admin/api-keys/01NOPE", None)
            .await
            .status,
        404
    );
}
