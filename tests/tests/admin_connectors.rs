//! Connector lifecycles through the admin API against moto: the one-active rule,
//! status changes, edits that keep counters, regenerated keys and deletion.

use e2e::admin::{api_connector, error_fields as fields};
use e2e::{lead_body, TestApp};
use serde_json::{json, Value};
use shared::store::keys::RouteKind;

#[tokio::test]
async fn a_second_active_connector_of_a_provider_is_refused_naming_the_active_one() {
    let app = TestApp::spawn().await;
    let active = app.api_connector().id.clone();

    let at_creation = app.post_connector(api_connector("Second", "active")).await;
    let draft = app.create_connector(api_connector("Third", "draft")).await;
    let draft = draft["id"].as_str().unwrap();
    let on_activation = app.set_connector_status(draft, "active").await;

    for refused in [&at_creation, &on_activation] {
        assert_eq!(refused.status, 409, "{}", refused.text);
        assert!(refused.json()["detail"]
            .as_str()
            .unwrap()
            .contains(active.as_str()));
    }
    assert_eq!(
        app.set_connector_status(&active, "paused").await.status,
        200
    );
    let now = app.set_connector_status(draft, "active").await;
    assert_eq!(now.status, 200, "{}", now.text);
    assert_eq!(now.json()["status"], "active");
    let back = app.set_connector_status(&active, "active").await;
    assert_eq!(back.status, 409);
    assert_eq!(app.items("ACTIVE#").await.len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_activations_leave_exactly_one_active() {
    let app = TestApp::spawn().await;
    app.set_connector_status(&app.api_connector().id, "paused")
        .await;
    let a = app.create_connector(api_connector("A", "draft")).await;
    let b = app.create_connector(api_connector("B", "draft")).await;
    let [a, b] = [&a, &b].map(|c| c["id"].as_str().unwrap());

    let (first, second) = tokio::join!(
        app.set_connector_status(a, "active"),
        app.set_connector_status(b, "active")
    );

    let mut statuses = [first.status, second.status];
    statuses.sort();
    assert_eq!(statuses, [200, 409], "{} / {}", first.text, second.text);
}

#[tokio::test]
async fn status_moves_from_draft_to_active_and_between_active_and_paused_only() {
    let app = TestApp::spawn().await;
    let path = format!("/admin/connectors/{}", app.api_connector().id);

    let to_draft = app
        .set_connector_status(&app.api_connector().id, "draft")
        .await;
    let paused_at_birth = app.post_connector(api_connector("P", "paused")).await;
    let meta_without_page = app
        .post_connector(json!({"display_name": "M", "provider": "meta", "status": "active"}))
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
    let api = app.api_connector().id.clone();

    app.set_connector_status(&api, "paused").await;
    let while_paused = app.post_lead(lead_body("paused-1")).await;
    app.set_connector_status(&api, "active").await;
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
    app.count_deliveries().await;

    let edited = app
        .admin(
            "PATCH",
            &path,
            Some(json!({"notes_prefix": "[Zap]", "source_label": "zapier", "assigned_rep": "Rep@Example.com",
                        "field_aliases": {"Full Name": "customer_name"}, "speed_to_lead": true})),
        )
        .await;
    let stats = app.admin_get(&format!("{path}/stats")).await.json();

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
    app.count_deliveries().await;
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
    assert_eq!(app.admin_get(&path).await.status, 404);
    assert_eq!(app.admin("DELETE", &path, None).await.status, 404);
    assert_eq!(app.leads().await.len(), 1);
    let lead_path = format!("/admin/leads/{}", lead["lead_id"].as_str().unwrap());
    assert_eq!(app.admin_get(&lead_path).await.status, 200);
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
async fn deleting_a_draft_leaves_the_active_connector_of_its_kind_alone() {
    let app = TestApp::spawn().await;
    let draft = app.create_connector(api_connector("Spare", "draft")).await;
    let path = format!("/admin/connectors/{}", draft["id"].as_str().unwrap());

    let deleted = app.admin("DELETE", &path, None).await;

    assert_eq!(deleted.status, 204, "{}", deleted.text);
    assert_eq!(app.items("ACTIVE#").await.len(), 1, "the active slot stays");
    assert_eq!(app.post_lead(lead_body("still-active")).await.status, 201);
}

#[tokio::test]
async fn a_meta_page_connects_to_one_connector_only() {
    let app = TestApp::spawn().await;
    let page = e2e::webhooks::unique_page_id();
    app.own_meta_page(&page).await;
    app.create_connector(
        json!({"display_name": "M1", "provider": "meta", "settings": {"page_id": page}}),
    )
    .await;

    let second = app
        .post_connector(
            json!({"display_name": "M2", "provider": "meta", "settings": {"page_id": page}}),
        )
        .await;

    assert_eq!(second.status, 409, "{}", second.text);
}
