//! The admin API against a real DynamoDB API (moto): authentication, workspace
//! isolation, and connector profiles.

use e2e::admin::INBOUND_DOMAIN;
use e2e::{lead_body, TestApp};
use serde_json::{json, Value};
use shared::store::keys::RouteKind;

fn api_connector(name: &str, status: &str) -> Value {
    json!({"display_name": name, "provider": "api", "status": status})
}

fn fields(response: &e2e::TestResponse) -> Vec<String> {
    let body = response.json();
    body["errors"]
        .as_array()
        .map(|errors| {
            errors
                .iter()
                .map(|e| e["field"].as_str().unwrap().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn admin_routes_refuse_missing_bad_and_revoked_keys() {
    let app = TestApp::spawn().await;
    let issued = app
        .admin(
            "POST",
            "/admin/api-keys",
            Some(json!({"scopes": ["admin"]})),
        )
        .await
        .json();
    let revoked = issued["key"].as_str().unwrap();
    let id = issued["id"].as_str().unwrap();
    assert_eq!(
        app.admin("DELETE", &format!("/admin/api-keys/{id}"), None)
            .await
            .status,
        204
    );

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
        .admin(
            "POST",
            "/admin/api-keys",
            Some(json!({"scopes": ["leads:write"]})),
        )
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
    let still = theirs.admin("GET", &c, None).await;
    assert_eq!(still.json()["status"], "active");
    assert_eq!(
        still.json()["settings"]["connector_key"],
        theirs.connector_key()
    );
    let listed = ours
        .admin(
            "GET",
            &format!("/admin/imports?connector_id={connector}"),
            None,
        )
        .await;
    assert_eq!(listed.json()["items"], json!([]));
    let key = key["key"].as_str().unwrap();
    let body = json!({"connector_key": theirs.connector_key(), "customer_name": "Pat", "customer_phone": "7175550123"});
    let headers = [("authorization", format!("Bearer {key}"))];
    let headers: Vec<_> = headers.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert_eq!(
        theirs
            .post_raw(&headers, body.to_string().as_bytes())
            .await
            .status,
        201
    );
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
    let meta = app
        .create_connector(json!({"display_name": "Meta", "provider": "meta", "settings": {"page_id": "1234567890"}}))
        .await;
    let email = app
        .create_connector(
            json!({"display_name": "Inbox", "provider": "email_forward", "review_threshold": 0.65}),
        )
        .await;

    assert_eq!(api["status"], "draft");
    assert_eq!(api["setup"]["endpoint"], "/api/v1/leads");
    assert!(api["setup"]["connector_key"]
        .as_str()
        .unwrap()
        .starts_with("lc_conn_"));
    let form_id = form["setup"]["form_id"].as_str().unwrap();
    assert_eq!(form["setup"]["endpoint"], format!("/forms/{form_id}"));
    let google_id = google["id"].as_str().unwrap();
    assert_eq!(
        google["setup"]["endpoint"],
        format!("/webhooks/google/{google_id}")
    );
    assert!(google["setup"]["google_key"]
        .as_str()
        .unwrap()
        .starts_with("gk_"));
    assert_eq!(meta["setup"]["endpoint"], "/webhooks/meta");
    assert_eq!(meta["transport"], "webhook");
    let slug = &app.seeded.workspace.email_slug;
    assert_eq!(
        email["setup"]["address"],
        format!("{slug}@{INBOUND_DOMAIN}")
    );
    assert_eq!(email["review_threshold"], 0.65);
    let listed = app.admin("GET", "/admin/connectors", None).await.json();
    assert_eq!(listed["items"].as_array().unwrap().len(), 6);
    assert_eq!(listed["items"][0]["id"], email["id"], "newest first");
    let fetched = app
        .admin("GET", &format!("/admin/connectors/{google_id}"), None)
        .await;
    assert_eq!(fetched.json()["setup"], google["setup"]);
}

#[tokio::test]
async fn invalid_connector_input_is_refused_field_by_field() {
    let app = TestApp::spawn().await;

    let response = app
        .admin(
            "POST",
            "/admin/connectors",
            Some(json!({
                "display_name": "Bad",
                "provider": "website_form",
                "transport": "api",
                "assigned_rep": "not-an-email",
                "review_threshold": 1.5,
                "field_aliases": {"full_name": "customer_name", "budget": "price"},
                "settings": {"page_id": "123", "connector_key": "mine"},
                "colour": "blue"
            })),
        )
        .await;
    let unknown = app
        .admin(
            "POST",
            "/admin/connectors",
            Some(json!({"provider": "fax"})),
        )
        .await;
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
async fn a_second_active_connector_of_a_provider_is_refused_naming_the_active_one() {
    let app = TestApp::spawn().await;
    let active = app.api_connector().id.clone();

    let at_creation = app
        .admin(
            "POST",
            "/admin/connectors",
            Some(api_connector("Second", "active")),
        )
        .await;
    let draft = app.create_connector(api_connector("Third", "draft")).await;
    let path = format!("/admin/connectors/{}", draft["id"].as_str().unwrap());
    let on_activation = app
        .admin("PATCH", &path, Some(json!({"status": "active"})))
        .await;

    for refused in [&at_creation, &on_activation] {
        assert_eq!(refused.status, 409, "{}", refused.text);
        assert!(refused.json()["detail"].as_str().unwrap().contains(&active));
    }
    let pause = format!("/admin/connectors/{active}");
    assert_eq!(
        app.admin("PATCH", &pause, Some(json!({"status": "paused"})))
            .await
            .status,
        200
    );
    let now = app
        .admin("PATCH", &path, Some(json!({"status": "active"})))
        .await;
    assert_eq!(now.status, 200, "{}", now.text);
    assert_eq!(now.json()["status"], "active");
    let back = app
        .admin("PATCH", &pause, Some(json!({"status": "active"})))
        .await;
    assert_eq!(back.status, 409);
    assert_eq!(app.items("ACTIVE#").await.len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_activations_leave_exactly_one_active() {
    let app = TestApp::spawn().await;
    let seeded = format!("/admin/connectors/{}", app.api_connector().id);
    app.admin("PATCH", &seeded, Some(json!({"status": "paused"})))
        .await;
    let a = app.create_connector(api_connector("A", "draft")).await;
    let b = app.create_connector(api_connector("B", "draft")).await;
    let activate = |id: &Value| {
        let path = format!("/admin/connectors/{}", id.as_str().unwrap());
        let app = &app;
        async move {
            app.admin("PATCH", &path, Some(json!({"status": "active"})))
                .await
        }
    };

    let (first, second) = tokio::join!(activate(&a["id"]), activate(&b["id"]));

    let mut statuses = [first.status, second.status];
    statuses.sort();
    assert_eq!(statuses, [200, 409], "{} / {}", first.text, second.text);
}

#[tokio::test]
async fn status_moves_from_draft_to_active_and_between_active_and_paused_only() {
    let app = TestApp::spawn().await;
    let path = format!("/admin/connectors/{}", app.api_connector().id);

    let to_draft = app
        .admin("PATCH", &path, Some(json!({"status": "draft"})))
        .await;
    let paused_at_birth = app
        .admin(
            "POST",
            "/admin/connectors",
            Some(api_connector("P", "paused")),
        )
        .await;
    let meta_without_page = app
        .admin(
            "POST",
            "/admin/connectors",
            Some(json!({"display_name": "M", "provider": "meta", "status": "active"})),
        )
        .await;
    let changed_provider = app
        .admin("PATCH", &path, Some(json!({"provider": "meta"})))
        .await;

    assert_eq!(to_draft.status, 422);
    assert_eq!(fields(&to_draft), ["status"]);
    assert_eq!(paused_at_birth.status, 422);
    assert_eq!(fields(&meta_without_page), ["settings.page_id"]);
    assert_eq!(fields(&changed_provider), ["provider"]);
}

#[tokio::test]
async fn a_paused_connector_refuses_leads_until_it_is_active_again() {
    let app = TestApp::spawn().await;
    let path = format!("/admin/connectors/{}", app.api_connector().id);

    app.admin("PATCH", &path, Some(json!({"status": "paused"})))
        .await;
    let while_paused = app.post_lead(lead_body("paused-1")).await;
    app.admin("PATCH", &path, Some(json!({"status": "active"})))
        .await;
    let after = app.post_lead(lead_body("paused-2")).await;

    assert_eq!(while_paused.status, 403);
    assert_eq!(after.status, 201, "{}", after.text);
}

#[tokio::test]
async fn editing_a_connector_keeps_its_counters_and_shows_its_stats() {
    let app = TestApp::spawn().await;
    let path = format!("/admin/connectors/{}", app.api_connector().id);
    app.post_lead(lead_body("stats-1")).await;
    app.post_lead(lead_body("stats-1")).await;
    app.post_lead(json!({"customer_name": "No Contact"})).await;

    let edited = app
        .admin(
            "PATCH",
            &path,
            Some(json!({"notes_prefix": "[Zap]", "source_label": "zapier", "assigned_rep": "Rep@Example.com",
                        "field_aliases": {"Full Name": "customer_name"}, "speed_to_lead": true})),
        )
        .await;
    let stats = app
        .admin("GET", &format!("{path}/stats"), None)
        .await
        .json();

    assert_eq!(edited.status, 200, "{}", edited.text);
    let edited = edited.json();
    assert_eq!(edited["assigned_rep"], "rep@example.com");
    assert_eq!(
        edited["field_aliases"],
        json!({"Full Name": "customer_name"})
    );
    assert_eq!(edited["stats"]["leads_received"], 1);
    assert_eq!(stats["leads_received"], 1);
    assert_eq!(stats["deliveries"], 3);
    assert_eq!(stats["by_status"]["replayed"], 1);
    assert_eq!(stats["by_status"]["failed"], 1);
    assert!(stats["last_received_at"].is_string());
    let lead = app
        .post_lead(json!({"Full Name": "Pat Alias", "customer_phone": "7175550199"}))
        .await;
    assert_eq!(lead.json()["source"], "zapier");
    assert_eq!(lead.json()["assigned_rep"], "rep@example.com");
    let cleared = app
        .admin("PATCH", &path, Some(json!({"source_label": null})))
        .await
        .json();
    assert_eq!(cleared["source_label"], Value::Null);
    assert_eq!(cleared["stats"]["leads_received"], 2);
}

#[tokio::test]
async fn regenerating_a_key_makes_the_old_one_fail_at_once() {
    let app = TestApp::spawn().await;
    let old_key = app.connector_key();
    let path = format!("/admin/connectors/{}", app.api_connector().id);
    let form = app
        .create_connector(json!({"display_name": "Site", "provider": "website_form"}))
        .await;
    let old_form = form["settings"]["form_id"].as_str().unwrap().to_owned();

    let regenerated = app
        .admin("POST", &format!("{path}/regenerate-key"), None)
        .await;
    let form_path = format!(
        "/admin/connectors/{}/regenerate-key",
        form["id"].as_str().unwrap()
    );
    let new_form = app.admin("POST", &form_path, None).await.json();

    assert_eq!(regenerated.status, 200, "{}", regenerated.text);
    let new_key = regenerated.json()["setup"]["connector_key"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_ne!(new_key, old_key);
    let with_old = app.post_lead(json!({"connector_key": old_key, "customer_name": "Pat", "customer_phone": "7175550123"})).await;
    assert_eq!(with_old.status, 422, "{}", with_old.text);
    let with_new = app.post_lead(json!({"connector_key": new_key, "customer_name": "Pat", "customer_phone": "7175550123"})).await;
    assert_eq!(with_new.status, 201);
    let store = &app.store;
    assert!(store
        .connector_by_route(RouteKind::FormId, &old_form)
        .await
        .unwrap()
        .is_none());
    let new_form = new_form["settings"]["form_id"].as_str().unwrap();
    assert!(store
        .connector_by_route(RouteKind::FormId, new_form)
        .await
        .unwrap()
        .is_some());
    let meta = app
        .create_connector(json!({"display_name": "M", "provider": "meta"}))
        .await;
    let meta_path = format!(
        "/admin/connectors/{}/regenerate-key",
        meta["id"].as_str().unwrap()
    );
    assert_eq!(app.admin("POST", &meta_path, None).await.status, 422);
}

#[tokio::test]
async fn deleting_a_connector_keeps_its_leads_and_its_log() {
    let app = TestApp::spawn().await;
    let key = app.connector_key();
    let path = format!("/admin/connectors/{}", app.api_connector().id);
    let lead = app.post_lead(lead_body("kept-1")).await.json();

    let deleted = app.admin("DELETE", &path, None).await;

    assert_eq!(deleted.status, 204);
    assert_eq!(app.admin("GET", &path, None).await.status, 404);
    assert_eq!(app.admin("DELETE", &path, None).await.status, 404);
    assert_eq!(app.leads().await.len(), 1);
    let lead_path = format!("/admin/leads/{}", lead["lead_id"].as_str().unwrap());
    assert_eq!(app.admin("GET", &lead_path, None).await.status, 200);
    assert_eq!(app.import_log().await.len(), 1);
    let after = app
        .post_lead(
            json!({"connector_key": key, "customer_name": "Pat", "customer_phone": "7175550123"}),
        )
        .await;
    assert_eq!(after.status, 422, "the old connector key no longer routes");
    assert!(app.items("ACTIVE#").await.is_empty());
    assert_eq!(app.import_log().await.len(), 2);
    app.create_connector(api_connector("Replacement", "active"))
        .await;
}

#[tokio::test]
async fn a_meta_page_connects_to_one_connector_only() {
    let app = TestApp::spawn().await;
    let page = format!("page{}", app.workspace_id().to_lowercase());
    app.create_connector(
        json!({"display_name": "M1", "provider": "meta", "settings": {"page_id": page}}),
    )
    .await;

    let second = app
        .admin(
            "POST",
            "/admin/connectors",
            Some(json!({"display_name": "M2", "provider": "meta", "settings": {"page_id": page}})),
        )
        .await;

    assert_eq!(second.status, 409, "{}", second.text);
}

#[tokio::test]
async fn admin_routes_are_served_through_the_local_gateway() {
    let app = TestApp::spawn().await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let routes = local::template::Template::load().unwrap().http_routes();
    tokio::spawn(local::gateway::serve(
        listener,
        routes,
        local::handlers(&app.store),
        axum::Router::new(),
    ));

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
