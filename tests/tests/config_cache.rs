//! Configuration kept by a warm function (`CONFIG_CACHE_SECONDS`): a revoked key, a
//! regenerated connector key or a paused connector takes effect within that time, and
//! at once when it is zero. The store's clock is moved instead of waiting.

use e2e::TestApp;
use serde_json::json;
use shared::clock::Clock;
use shared::store::Store;

const SECONDS: u64 = 60;

/// The API door of a warm function keeping configuration for `seconds`, on `clock`.
fn warm_door(app: &TestApp, clock: &Clock, seconds: u64) -> api_intake::ApiIntake {
    let store = Store::new(shared::aws::dynamodb(&app.config), app.store.table());
    api_intake::ApiIntake {
        store: store.with_clock(clock.clone()).with_config_cache(seconds),
    }
}

/// Posts a new person's lead (`n`) with `connector_key` and the app's API key, or
/// `api_key` when given.
async fn post(
    app: &TestApp,
    door: &api_intake::ApiIntake,
    n: u32,
    connector_key: &str,
    api_key: Option<&str>,
) -> u16 {
    let body = json!({
        "connector_key": connector_key,
        "customer_name": "Pat Cached",
        "customer_email": format!("cached-{n}@example.com"),
    });
    let mut request = app.authorised_request(&body);
    if let Some(key) = api_key {
        let bearer = http::HeaderValue::from_str(&format!("Bearer {key}")).unwrap();
        request.headers_mut().insert("authorization", bearer);
    }
    shared::http::answer(door, request).await.status().as_u16()
}

fn pass(clock: &Clock, seconds: u64) {
    clock.advance(chrono::Duration::seconds(
        i64::try_from(seconds).unwrap() + 1,
    ));
}

#[tokio::test]
async fn a_revoked_key_is_refused_once_the_cache_time_has_passed() {
    let app = TestApp::spawn().await;
    let clock = Clock::at(chrono::Utc::now());
    let door = warm_door(&app, &clock, SECONDS);
    let issued = app
        .issue_api_key(json!({"scopes": ["leads:write"]}))
        .await
        .json();
    let key = issued["key"].as_str().unwrap();
    let connector_key = app.connector_key();
    assert_eq!(post(&app, &door, 1, &connector_key, Some(key)).await, 201);

    let revoked = app.revoke_api_key(issued["id"].as_str().unwrap()).await;
    let within = post(&app, &door, 2, &connector_key, Some(key)).await;
    pass(&clock, SECONDS);
    let after = post(&app, &door, 3, &connector_key, Some(key)).await;

    assert_eq!(revoked.status, 204);
    assert_eq!(within, 201, "kept for CONFIG_CACHE_SECONDS, as documented");
    assert_eq!(after, 401);
}

#[tokio::test]
async fn a_paused_connector_refuses_leads_once_the_cache_time_has_passed() {
    let app = TestApp::spawn().await;
    let clock = Clock::at(chrono::Utc::now());
    let door = warm_door(&app, &clock, SECONDS);
    let connector_key = app.connector_key();
    assert_eq!(post(&app, &door, 1, &connector_key, None).await, 201);

    let paused = app
        .set_connector_status(&app.api_connector().id, "paused")
        .await;
    let within = post(&app, &door, 2, &connector_key, None).await;
    pass(&clock, SECONDS);
    let after = post(&app, &door, 3, &connector_key, None).await;

    assert_eq!(paused.status, 200, "{}", paused.text);
    assert_eq!(within, 201, "kept for CONFIG_CACHE_SECONDS, as documented");
    assert_eq!(after, 403);
}

#[tokio::test]
async fn a_regenerated_connector_key_replaces_the_old_one_once_the_cache_time_has_passed() {
    let app = TestApp::spawn().await;
    let clock = Clock::at(chrono::Utc::now());
    let door = warm_door(&app, &clock, SECONDS);
    let old_key = app.connector_key();
    assert_eq!(post(&app, &door, 1, &old_key, None).await, 201);

    let path = format!(
        "/admin/connectors/{}/regenerate-key",
        app.api_connector().id
    );
    let regenerated = app.admin("POST", &path, None).await.json();
    let new_key = regenerated["setup"]["connector_key"].as_str().unwrap();
    let new_at_once = post(&app, &door, 2, new_key, None).await;
    let old_within = post(&app, &door, 3, &old_key, None).await;
    pass(&clock, SECONDS);
    let old_after = post(&app, &door, 4, &old_key, None).await;

    assert_eq!(
        new_at_once, 201,
        "a new key is read, never cached as missing"
    );
    assert_eq!(
        old_within, 201,
        "kept for CONFIG_CACHE_SECONDS, as documented"
    );
    assert_eq!(old_after, 422);
}

#[tokio::test]
async fn with_the_cache_off_a_revocation_takes_effect_at_once() {
    let app = TestApp::spawn().await;
    let clock = Clock::at(chrono::Utc::now());
    let door = warm_door(&app, &clock, 0);
    let issued = app
        .issue_api_key(json!({"scopes": ["leads:write"]}))
        .await
        .json();
    let key = issued["key"].as_str().unwrap();
    let connector_key = app.connector_key();
    assert_eq!(post(&app, &door, 1, &connector_key, Some(key)).await, 201);

    app.revoke_api_key(issued["id"].as_str().unwrap()).await;

    assert_eq!(post(&app, &door, 2, &connector_key, Some(key)).await, 401);
}
