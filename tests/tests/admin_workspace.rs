//! The workspace's own settings over the admin API (`GET`/`PATCH /admin/workspace`), and
//! setup answers a person can paste: absolute URLs of the deployment.

use e2e::admin::API_BASE;
use e2e::TestApp;
use serde_json::json;

#[tokio::test]
async fn workspace_settings_round_trip_through_the_admin_api() {
    let app = TestApp::spawn().await;
    let change = json!({
        "name": "Acme Cleaning",
        "settings": {
            "notification_address": "ops@acme.example",
            "reviewer_addresses": ["Reviews@Acme.example", "boss@acme.example"],
            "acknowledge_leads": true,
            "sender_address": "hello@example.com",
            "sender_name": "Acme",
            "safety_lock_minutes": 30,
            "templates": {"acknowledgement_subject": "Thanks, {name}",
                          "acknowledgement_body": "We will call you soon."}
        }
    });

    let patched = app.admin("PATCH", "/admin/workspace", Some(change)).await;
    let read = app.admin("GET", "/admin/workspace", None).await;

    assert_eq!(patched.status, 200, "{}", patched.text);
    assert_eq!(read.json(), patched.json());
    let settings = &read.json()["settings"];
    assert_eq!(read.json()["name"], "Acme Cleaning");
    assert_eq!(settings["notification_address"], "ops@acme.example");
    assert_eq!(
        settings["reviewer_addresses"],
        json!(["reviews@acme.example", "boss@acme.example"])
    );
    assert_eq!(settings["acknowledge_leads"], true);
    assert_eq!(settings["safety_lock_minutes"], 30);
    assert_eq!(
        settings["templates"]["acknowledgement_subject"],
        "Thanks, {name}"
    );
    let stored = app
        .store
        .workspace(app.workspace_id())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.settings.sender_name.as_deref(), Some("Acme"));

    let again = app
        .admin("PATCH", "/admin/workspace", Some(read.json()))
        .await;
    assert_eq!(
        again.status, 200,
        "what GET answers is a valid PATCH: {}",
        again.text
    );
    let cleared = json!({"settings": {"notification_address": null, "templates": {"acknowledgement_subject": null}}});
    let cleared = app
        .admin("PATCH", "/admin/workspace", Some(cleared))
        .await
        .json();
    assert_eq!(cleared["settings"]["notification_address"], json!(null));
    assert_eq!(
        cleared["settings"]["templates"]["acknowledgement_subject"],
        json!(null)
    );
    assert_eq!(
        cleared["settings"]["safety_lock_minutes"], 30,
        "untouched fields stay"
    );
}

#[tokio::test]
async fn a_new_email_slug_routes_at_once_and_the_old_address_stops() {
    let app = TestApp::spawn().await;
    let old = app.seeded.workspace.email_slug.clone();
    let new = format!("acme-{}", app.workspace_id().to_lowercase());

    let response = app
        .admin(
            "PATCH",
            "/admin/workspace",
            Some(json!({"email_slug": new.to_uppercase()})),
        )
        .await;

    assert_eq!(response.status, 200, "{}", response.text);
    assert_eq!(response.json()["email_slug"], new);
    assert_eq!(
        response.json()["forwarding_address"],
        format!("{new}@{}", e2e::admin::INBOUND_DOMAIN)
    );
    let routed = app.store.workspace_by_slug(&new).await.unwrap();
    assert_eq!(routed.map(|w| w.id).as_ref(), Some(app.workspace_id()));
    assert!(app.store.workspace_by_slug(&old).await.unwrap().is_none());
}

#[tokio::test]
async fn a_slug_another_workspace_holds_is_a_conflict_and_changes_nothing() {
    let (first, second) = (TestApp::spawn().await, TestApp::spawn().await);
    let taken = first.seeded.workspace.email_slug.clone();
    let own = second.seeded.workspace.email_slug.clone();

    let response = second
        .admin(
            "PATCH",
            "/admin/workspace",
            Some(json!({"email_slug": taken, "name": "Renamed"})),
        )
        .await;

    assert_eq!(response.status, 409, "{}", response.text);
    let workspace = second
        .store
        .workspace(second.workspace_id())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (workspace.email_slug, workspace.name),
        (own.clone(), "Test Workspace".into())
    );
    let store = &first.store;
    let holder = store.workspace_by_slug(&taken).await.unwrap().map(|w| w.id);
    assert_eq!(holder.as_ref(), Some(first.workspace_id()));
    let holder = store.workspace_by_slug(&own).await.unwrap().map(|w| w.id);
    assert_eq!(holder.as_ref(), Some(second.workspace_id()));
}

#[tokio::test]
async fn invalid_workspace_settings_are_refused_field_by_field() {
    let app = TestApp::spawn().await;
    let body = json!({
        "name": " ",
        "email_slug": "-no good-",
        "id": "01SOMEONEELSE",
        "colour": "blue",
        "settings": {
            "notification_address": "not an address",
            "reviewer_addresses": ["ok@example.com", "nope"],
            "safety_lock_minutes": 2.5,
            "sender_address": "hello@elsewhere.example",
            "acknowledge_leads": "yes",
            "shade": 1,
            "templates": {"notification_subject": "New lead\r\nBcc: x@evil.example"}
        }
    });

    let response = app.admin("PATCH", "/admin/workspace", Some(body)).await;

    assert_eq!(response.status, 422, "{}", response.text);
    let fields: Vec<String> = response.json()["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap().to_owned())
        .collect();
    for field in [
        "name",
        "email_slug",
        "id",
        "colour",
        "settings.notification_address",
        "settings.reviewer_addresses",
        "settings.safety_lock_minutes",
        "settings.sender_address",
        "settings.acknowledge_leads",
        "settings.shade",
        "settings.templates.notification_subject",
    ] {
        assert!(fields.iter().any(|f| f == field), "{field} in {fields:?}");
    }
    let stored = app
        .store
        .workspace(app.workspace_id())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored, app.seeded.workspace, "nothing changed");
}

#[tokio::test]
async fn setup_answers_are_absolute_urls_a_person_can_paste() {
    let app = TestApp::spawn().await;
    let base = app.serve_gateway().await;
    let http = reqwest::Client::new();
    let created: serde_json::Value = http
        .post(format!("{base}/admin/connectors"))
        .bearer_auth(&app.seeded.admin_key)
        .json(&json!({"display_name": "Site", "provider": "website_form", "status": "active"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let endpoint = created["setup"]["endpoint"].as_str().unwrap();
    assert!(
        endpoint.starts_with(&format!("{base}/forms/form_")),
        "{endpoint}"
    );

    let posted = http
        .post(endpoint)
        .json(&json!({"name": "Pat Example", "email": "pat@example.com"}))
        .send()
        .await
        .unwrap();

    assert_eq!(posted.status(), 201);
    assert_eq!(app.leads().await.len(), 1);
    let in_process = app
        .create_connector(json!({"display_name": "Ads", "provider": "google_ads"}))
        .await;
    let google = in_process["setup"]["endpoint"].as_str().unwrap();
    assert!(
        google.starts_with(&format!("{API_BASE}/webhooks/google/")),
        "{google}"
    );
}
