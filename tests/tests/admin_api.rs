//! The admin API against a real DynamoDB API (moto): authentication, workspace
//! isolation, and connector profiles.

use e2e::admin::{api_connector, error_fields as fields};
use e2e::admin::{API_BASE, INBOUND_DOMAIN};
use e2e::{lead_body, TestApp};
use serde_json::{json, Value};

#[tokio::test]
async fn admin_routes_refuse_missing_bad_and_revoked_keys() {
    let app = TestApp::spawn().await;
    let revoked = &app.revoked_key(&["admin"]).await;

    let none = app.admin_as(None, "GET", "/admin/connectors", None).await;
    let bad = app
        .admin_as(Some("lc_live_nope"), "GET", "/admin/connectors", None)
        .await;
    let after_revoke = app
        .admin_as(Some(revoked), "GET", "/admin/connectors", None)
        .await;

    for response in [&none, &bad, &after_revoke] {
        assert_eq!(response.status, 401, "{}", response.text);
        assert_eq!(
            response.header("content-type"),
            Some("application/problem+json")
        );
    }
}

#[tokio::test]
async fn a_leads_write_key_is_forbidden_on_admin_routes() {
    let app = TestApp::spawn().await;
    let key = app.seeded.api_key.clone();

    let response = app
        .admin_as(Some(&key), "GET", "/admin/connectors", None)
        .await;

    assert_eq!(response.status, 403, "{}", response.text);
}

#[tokio::test]
async fn another_workspaces_ids_are_not_found_and_left_alone() {
    let ours = TestApp::spawn().await;
    let theirs = TestApp::spawn().await;
    let lead = theirs.post_lead(lead_body("theirs-1")).await.json();
    let connector = theirs.api_connector().id.clone();
    let import = lead["import_id"].as_str().unwrap().to_owned();
    let lead = lead["lead_id"].as_str().unwrap().to_owned();
    let key = theirs
        .issue_api_key(json!({"scopes": ["leads:write"]}))
        .await
        .json();
    let key_id = key["id"].as_str().unwrap();
    let c = format!("/admin/connectors/{connector}");
    let calls = [
        ("GET", c.clone(), None),
        ("PATCH", c.clone(), Some(json!({"status": "paused"}))),
        ("GET", format!("{c}/stats"), None),
        ("POST", format!("{c}/regenerate-key"), None),
        (
            "POST",
            format!("{c}/test-import"),
            Some(json!({"payload": lead_body("x")})),
        ),
        ("DELETE", c.clone(), None),
        ("GET", format!("/admin/imports/{import}"), None),
        ("GET", format!("/admin/leads/{lead}"), None),
        ("DELETE", format!("/admin/api-keys/{key_id}"), None),
    ];

    for (method, path, body) in calls {
        let response = ours.admin(method, &path, body).await;
        assert_eq!(response.status, 404, "{method} {path}: {}", response.text);
    }
    let still = theirs.admin_get(&c).await;
    assert_eq!(still.json()["status"], "active");
    assert_eq!(
        still.json()["settings"]["connector_key"],
        theirs.connector_key()
    );
    let listed = ours
        .admin_get(&format!("/admin/imports?connector_id={connector}"))
        .await;
    assert_eq!(listed.json()["items"], json!([]));
    let key = key["key"].as_str().unwrap();
    let body = json!({"connector_key": theirs.connector_key(), "customer_name": "Pat", "customer_phone": "7175550123"});
    assert_eq!(theirs.post_lead_as(key, body).await.status, 201);
}

#[tokio::test]
async fn creating_a_connector_answers_what_its_provider_needs() {
    let app = TestApp::spawn().await;

    let api = app.create_connector(api_connector("Zapier", "draft")).await;
    let form = app
        .create_connector(
            json!({"display_name": "Site", "provider": "website_form", "transport": "public_form"}),
        )
        .await;
    let google = app
        .create_connector(json!({"display_name": "Google", "provider": "google_ads"}))
        .await;
    app.own_meta_page("1234567890").await;
    let meta = app
        .create_connector(json!({"display_name": "Meta", "provider": "meta", "settings": {"page_id": "1234567890"}}))
        .await;
    let email = app
        .create_connector(
            json!({"display_name": "Inbox", "provider": "email_forward", "review_threshold": 0.65}),
        )
        .await;

    assert_eq!(api["status"], "draft");
    assert_eq!(api["setup"]["endpoint"], format!("{API_BASE}/api/v1/leads"));
    assert!(api["setup"]["connector_key"]
        .as_str()
        .unwrap()
        .starts_with("lc_conn_"));
    let form_id = form["setup"]["form_id"].as_str().unwrap();
    assert_eq!(
        form["setup"]["endpoint"],
        format!("{API_BASE}/forms/{form_id}")
    );
    let google_id = google["id"].as_str().unwrap();
    assert_eq!(
        google["setup"]["endpoint"],
        format!("{API_BASE}/webhooks/google/{google_id}")
    );
    assert!(google["setup"]["google_key"]
        .as_str()
        .unwrap()
        .starts_with("gk_"));
    assert_eq!(
        meta["setup"]["endpoint"],
        format!("{API_BASE}/webhooks/meta")
    );
    assert_eq!(meta["transport"], "webhook");
    let slug = &app.seeded.workspace.email_slug;
    assert_eq!(
        email["setup"]["address"],
        format!("{slug}@{INBOUND_DOMAIN}")
    );
    assert_eq!(email["review_threshold"], 0.65);
    let listed = app.admin_get("/admin/connectors").await.json();
    assert_eq!(listed["items"].as_array().unwrap().len(), 6);
    assert_eq!(listed["items"][0]["id"], email["id"], "newest first");
    let fetched = app
        .admin_get(&format!("/admin/connectors/{google_id}"))
        .await;
    assert_eq!(fetched.json()["setup"], google["setup"]);
}

#[tokio::test]
async fn invalid_connector_input_is_refused_field_by_field() {
    let app = TestApp::spawn().await;

    let response = app
        .post_connector(json!({
            "display_name": "Bad",
            "provider": "website_form",
            "transport": "api",
            "assigned_rep": "not-an-email",
            "review_threshold": 1.5,
            "field_aliases": {"full_name": "customer_name", "budget": "price"},
            "settings": {"page_id": "123", "connector_key": "mine"},
            "colour": "blue"
        }))
        .await;
    let unknown = app.post_connector(json!({"provider": "fax"})).await;
    let auth = (
        "authorization".to_owned(),
        format!("Bearer {}", app.seeded.admin_key),
    );
    let malformed = app
        .call(
            "POST",
            "/admin/connectors",
            vec![auth],
            b"{not json".to_vec(),
        )
        .await;

    assert_eq!(response.status, 422, "{}", response.text);
    let mut got = fields(&response);
    got.sort();
    assert_eq!(
        got,
        [
            "assigned_rep",
            "colour",
            "field_aliases.budget",
            "review_threshold",
            "settings.connector_key",
            "settings.page_id",
            "transport",
        ]
    );
    assert_eq!(unknown.status, 422);
    assert_eq!(fields(&unknown), ["provider", "display_name"]);
    assert_eq!(malformed.status, 400);
    assert!(app.items("CONNECTOR#").await.len() == 1, "nothing created");
}

#[tokio::test]
async fn admin_routes_are_served_through_the_local_gateway() {
    let app = TestApp::spawn().await;
    let base = app.serve_gateway().await;

    let response = reqwest::Client::new()
        .get(format!(
            "{base}/admin/connectors/{}",
            app.api_connector().id
        ))
        .bearer_auth(&app.seeded.admin_key)
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["setup"]["connector_key"], app.connector_key());
}
