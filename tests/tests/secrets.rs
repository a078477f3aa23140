//! The Meta secret as a warm function holds it: read again once its time to live has
//! passed, and kept when a refresh fails for a passing reason.

use e2e::TestApp;
use shared::providers::meta::MetaSecrets;
use shared::secrets::Secret;
use std::time::Duration;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

fn value(app_secret: &str) -> String {
    serde_json::json!({"app_secret": app_secret, "verify_token": "v", "page_tokens": {}})
        .to_string()
}

#[tokio::test]
async fn a_changed_secret_is_seen_once_its_time_to_live_has_passed() {
    let app = TestApp::spawn().await;
    let name = format!("ttl-{}", app.workspace_id());
    local::provision::put_secret(&app.config, &name, &value("first"))
        .await
        .unwrap();
    let client = shared::aws::secrets(&app.config);
    let expiring = Secret::<MetaSecrets>::new(client.clone(), &name).with_ttl(Duration::ZERO);
    let held = Secret::<MetaSecrets>::new(client, &name);
    assert_eq!(expiring.get().await.unwrap().app_secret, "first");
    assert_eq!(held.get().await.unwrap().app_secret, "first");

    local::provision::put_secret(&app.config, &name, &value("second"))
        .await
        .unwrap();

    assert_eq!(expiring.get().await.unwrap().app_secret, "second");
    assert_eq!(
        held.get().await.unwrap().app_secret,
        "first",
        "within its five minutes"
    );
}

#[tokio::test]
async fn a_refresh_that_fails_for_a_passing_reason_keeps_the_value_read_before() {
    let server = MockServer::start().await;
    let answer = serde_json::json!({"ARN": "arn:aws:secretsmanager:us-east-1:123456789012:secret:s", "Name": "s", "SecretString": value("kept")});
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(answer))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(500))
        .mount(&server)
        .await;
    let config = local::moto::sdk_config(&server.uri()).await;
    let secret =
        Secret::<MetaSecrets>::new(shared::aws::secrets(&config), "s").with_ttl(Duration::ZERO);
    assert_eq!(secret.get().await.unwrap().app_secret, "kept");

    let refreshed = secret.get().await;

    assert_eq!(refreshed.unwrap().app_secret, "kept");
    let fresh = Secret::<MetaSecrets>::new(shared::aws::secrets(&config), "s");
    let err = fresh.get().await.unwrap_err();
    assert!(
        err.is_retryable(),
        "a first read that fails is an error: {err}"
    );
}

#[tokio::test]
async fn a_fresh_read_goes_past_the_cache_and_callers_at_once_share_one_read() {
    let server = MockServer::start().await;
    let answer = serde_json::json!({"ARN": "arn:aws:secretsmanager:us-east-1:123456789012:secret:s", "Name": "s", "SecretString": value("now")});
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(answer))
        .mount(&server)
        .await;
    let config = local::moto::sdk_config(&server.uri()).await;
    let secret = Secret::<MetaSecrets>::new(shared::aws::secrets(&config), "s");
    let reads = || async { server.received_requests().await.unwrap_or_default().len() };

    let (first, second) = tokio::join!(secret.fresh(), secret.fresh());

    assert_eq!(first.unwrap().app_secret, "now");
    assert_eq!(second.unwrap().app_secret, "now");
    assert_eq!(reads().await, 1, "two callers at once, one read");
    assert_eq!(secret.get().await.unwrap().app_secret, "now");
    assert_eq!(reads().await, 1, "the fresh value is cached");
    secret.fresh().await.unwrap();
    assert_eq!(
        reads().await,
        2,
        "a later fresh read reads again, within the TTL"
    );
}
