//! Territories and API keys: set, listed, used and removed.

use e2e::{lead_body, TestApp};
use serde_json::json;

#[tokio::test]
async fn territories_are_set_listed_used_and_removed() {
    let app = TestApp::spawn().await;

    let set = app.set_territory("17601-1234", "East@Example.com").await;
    app.set_territory("K1A%200B1", "north@example.com").await;
    let listed = app.admin_get("/admin/territories").await.json();
    let lead = app.post_lead(lead_body("territory-1")).await.json();
    let bad_zip = app.set_territory("hello", "a@b.co").await;
    let bad_rep = app.set_territory("17602", "nobody").await;
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
    let listed = app.admin_get("/admin/territories").await.json();
    assert_eq!(listed["items"][0]["zip"], "K1A 0B1");
}

#[tokio::test]
async fn an_api_key_is_shown_once_listed_without_its_secret_and_revoked_at_once() {
    let app = TestApp::spawn().await;

    let issued = app
        .issue_api_key(json!({"scopes": ["leads:write"], "name": "Zapier"}))
        .await;
    let bad = app.issue_api_key(json!({"scopes": ["root"]})).await;
    let empty = app.issue_api_key(json!({"scopes": []})).await;

    assert_eq!(issued.status, 201, "{}", issued.text);
    let issued = issued.json();
    let key = issued["key"].as_str().unwrap().to_owned();
    assert!(key.starts_with("lc_live_"));
    assert_eq!(bad.status, 422);
    assert_eq!(empty.status, 422);
    let listed = app.admin_get("/admin/api-keys").await;
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
    let lead = app.lead_with_connector_key("");
    let id = issued["id"].as_str().unwrap();
    assert_eq!(app.post_lead_as(&key, lead.clone()).await.status, 201);
    assert_eq!(app.revoke_api_key(id).await.status, 204);
    assert_eq!(app.post_lead_as(&key, lead).await.status, 401);
    assert_eq!(app.revoke_api_key(id).await.status, 204);
    assert_eq!(app.revoke_api_key("01NOPE").await.status, 404);
}
