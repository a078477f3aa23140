//! Configuration kept by a warm function (`CONFIG_CACHE_SECONDS`): a revoked key, a
//! regenerated connector key or a paused connector takes effect within that time, and
//! at once when it is zero. The store's clock is moved instead of waiting.

use e2e::TestApp;
use serde_json::json;
use shared::clock::Clock;
use shared::store::Store;

const SECONDS: u64 = 60;

/// A workspace, and the API door of a warm function of it keeping configuration for
/// `seconds`, on a clock of its own.
struct Warm {
    app: TestApp,
    clock: Clock,
    door: api_intake::ApiIntake,
}

impl Warm {
    async fn spawn(seconds: u64) -> Self {
        let app = TestApp::spawn().await;
        let clock = Clock::at(chrono::Utc::now());
        let store = Store::new(shared::aws::dynamodb(&app.config), app.store.table());
        let door = api_intake::ApiIntake {
            store: store.with_clock(clock.clone()).with_config_cache(seconds),
        };
        Self { app, clock, door }
    }

    /// Posts a new person's lead (`n`) with `connector_key` and the app's API key, or
    /// `api_key` when given; answers the status.
    async fn post(&self, n: u32, connector_key: &str, api_key: Option<&str>) -> u16 {
        let body = json!({
            "connector_key": connector_key,
            "customer_name": "Pat Cached",
            "customer_email": format!("cached-{n}@example.com"),
        });
        let mut request = self.app.authorised_request(&body);
        if let Some(key) = api_key {
            let bearer = http::HeaderValue::from_str(&format!("Bearer {key}")).unwrap();
            request.headers_mut().insert("authorization", bearer);
        }
        shared::http::answer(&self.door, request)
            .await
            .status()
            .as_u16()
    }

    /// The statuses of a post now and of one after the cache's time has passed.
    async fn now_and_later(&self, connector_key: &str, api_key: Option<&str>) -> (u16, u16) {
        let now = self.post(2, connector_key, api_key).await;
        let later = i64::try_from(SECONDS).unwrap() + 1;
        self.clock.advance(chrono::Duration::seconds(later));
        (now, self.post(3, connector_key, api_key).await)
    }

    /// A new `leads:write` key: its id and the key.
    async fn issue_key(&self) -> (String, String) {
        let scopes = json!({"scopes": ["leads:write"]});
        let issued = self.app.issue_api_key(scopes).await.json();
        let text = |name: &str| issued[name].as_str().unwrap().to_owned();
        (text("id"), text("key"))
    }
}

#[tokio::test]
async fn a_revoked_key_is_refused_once_the_cache_time_has_passed() {
    let warm = Warm::spawn(SECONDS).await;
    let (id, key) = warm.issue_key().await;
    let connector_key = warm.app.connector_key();
    assert_eq!(warm.post(1, &connector_key, Some(&key)).await, 201);

    let revoked = warm.app.revoke_api_key(&id).await;
    let (within, after) = warm.now_and_later(&connector_key, Some(&key)).await;

    assert_eq!(revoked.status, 204);
    assert_eq!(within, 201, "kept for CONFIG_CACHE_SECONDS, as documented");
    assert_eq!(after, 401);
}

#[tokio::test]
async fn a_paused_connector_refuses_leads_once_the_cache_time_has_passed() {
    let warm = Warm::spawn(SECONDS).await;
    let connector_key = warm.app.connector_key();
    assert_eq!(warm.post(1, &connector_key, None).await, 201);

    let connector_id = warm.app.api_connector().id.clone();
    let paused = warm.app.set_connector_status(&connector_id, "paused").await;
    let (within, after) = warm.now_and_later(&connector_key, None).await;

    assert_eq!(paused.status, 200, "{}", paused.text);
    assert_eq!(within, 201, "kept for CONFIG_CACHE_SECONDS, as documented");
    assert_eq!(after, 403);
}

#[tokio::test]
async fn a_regenerated_connector_key_replaces_the_old_one_once_the_cache_time_has_passed() {
    let warm = Warm::spawn(SECONDS).await;
    let old_key = warm.app.connector_key();
    assert_eq!(warm.post(1, &old_key, None).await, 201);

    let connector_id = &warm.app.api_connector().id;
    let path = format!("/admin/connectors/{connector_id}/regenerate-key");
    let regenerated = warm.app.admin("POST", &path, None).await.json();
    let new_key = regenerated["setup"]["connector_key"].as_str().unwrap();
    let new_at_once = warm.post(4, new_key, None).await;
    let (old_within, old_after) = warm.now_and_later(&old_key, None).await;

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
    let warm = Warm::spawn(0).await;
    let (id, key) = warm.issue_key().await;
    let connector_key = warm.app.connector_key();
    assert_eq!(warm.post(1, &connector_key, Some(&key)).await, 201);

    warm.app.revoke_api_key(&id).await;

    assert_eq!(warm.post(2, &connector_key, Some(&key)).await, 401);
}
