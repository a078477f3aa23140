//! The Meta door as Lambda runs it: a secret read again when it is stale or lacks a page
//! token, changes fetched several at once, and none started that the function's time
//! cannot finish.

use axum::extract::{Path, State};
use e2e::webhooks::{
    graph_lead, leadgen_delivery, page_token, store_page_token, unique_page_id, MetaApp,
    APP_SECRET, VERIFY_TOKEN,
};
use e2e::TestResponse;
use lambda_http::RequestExt;
use local::gateway::HttpCall;
use local::graph::GraphLeads;
use serde_json::{json, Value};
use shared::clock::Clock;
use shared::domain::ImportStatus;
use shared::providers::meta::{self, CONCURRENT_CHANGES};
use shared::secrets::{Secret, DEFAULT_TTL};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn stand_in(leads: &[Value]) -> String {
    let graph = GraphLeads::default();
    for lead in leads {
        graph.register(lead.clone()).unwrap();
    }
    local::graph::spawn(graph).await.unwrap()
}

/// The Meta secret with `app_secret`, and `token` for the page in the workspace's tokens.
async fn put_secret(meta: &MetaApp, app_secret: &str, token: &str) {
    let secret = json!({ "app_secret": app_secret, "verify_token": VERIFY_TOKEN });
    let name = format!("meta-webhook-{}", meta.app.workspace_id());
    local::provision::put_secret(&meta.app.config, &name, &secret.to_string())
        .await
        .unwrap();
    store_page_token(&meta.app, &meta.page_id, token).await;
}

fn statuses(log: &[shared::domain::ImportRecord]) -> Vec<ImportStatus> {
    log.iter().rev().map(|r| r.status).collect()
}

#[tokio::test]
async fn a_page_token_added_to_the_secret_is_read_again_and_the_redelivery_imports_the_lead() {
    let graph = stand_in(&[graph_lead("5550030")]).await;
    let page = unique_page_id();
    let meta = MetaApp::spawn_for(&graph, &page, "", |_| {}).await;
    let delivery = leadgen_delivery(&page, &["5550030"]);

    let first = meta.deliver(&delivery).await;
    put_secret(&meta, APP_SECRET, &page_token(&page)).await;
    let redelivered = meta.deliver(&delivery).await;

    assert_eq!(first.status, 503, "Meta delivers it again: {}", first.text);
    assert_eq!(redelivered.status, 200, "{}", redelivered.text);
    assert_eq!(meta.app.leads().await.len(), 1);
    let log = meta.app.import_log().await;
    assert_eq!(
        statuses(&log),
        [ImportStatus::Failed, ImportStatus::Imported],
        "each attempt is logged"
    );
}

#[tokio::test]
async fn a_token_meta_calls_expired_has_the_secret_read_again_and_a_newer_token_used() {
    let graph = MockServer::start().await;
    let meta = MetaApp::spawn(&graph.uri(), |_| {}).await;
    let expired = page_token(&meta.page_id);
    Mock::given(method("GET"))
        .and(path("/v21.0/5550031"))
        .and(query_param("access_token", expired.as_str()))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({"error": {
            "message": "Error validating access token", "type": "OAuthException", "code": 190
        }})))
        .expect(2)
        .mount(&graph)
        .await;
    Mock::given(method("GET"))
        .and(path("/v21.0/5550031"))
        .and(query_param("access_token", "a-new-token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(graph_lead("5550031")))
        .expect(1)
        .mount(&graph)
        .await;
    let delivery = leadgen_delivery(&meta.page_id, &["5550031"]);

    let first = meta.deliver(&delivery).await;
    put_secret(&meta, APP_SECRET, "a-new-token").await;
    let redelivered = meta.deliver(&delivery).await;

    assert_eq!(first.status, 503, "{}", first.text);
    assert_eq!(redelivered.status, 200, "{}", redelivered.text);
    assert_eq!(meta.app.leads().await.len(), 1);
    let log = meta.app.import_log().await;
    assert_eq!(
        statuses(&log),
        [ImportStatus::Failed, ImportStatus::Imported]
    );
}

#[tokio::test]
async fn a_rotated_app_secret_is_used_once_the_value_read_is_minutes_old() {
    let graph = stand_in(&[graph_lead("5550032")]).await;
    let mut meta = MetaApp::spawn(&graph, |_| {}).await;
    let clock = Clock::at(chrono::Utc::now());
    let name = format!("meta-webhook-{}", meta.app.workspace_id());
    meta.deps.secrets =
        Secret::new(shared::aws::secrets(&meta.app.config), name).with_clock(clock.clone());
    let warm = meta
        .get("hub.mode=subscribe&hub.challenge=1&hub.verify_token=x")
        .await;
    put_secret(&meta, "the-rotated-secret", &page_token(&meta.page_id)).await;
    let body = leadgen_delivery(&meta.page_id, &["5550032"]).to_string();
    let signature = meta::sign("the-rotated-secret", body.as_bytes());

    let soon = meta.post(body.as_bytes(), Some(&signature)).await;
    clock.advance(chrono::Duration::seconds(DEFAULT_TTL.as_secs() as i64 + 1));
    let later = meta.post(body.as_bytes(), Some(&signature)).await;

    assert_eq!(warm.status, 403, "the secret was read: {}", warm.text);
    assert_eq!(soon.status, 401, "the value read before still serves");
    assert_eq!(later.status, 200, "{}", later.text);
    assert_eq!(meta.app.leads().await.len(), 1);
}

/// A Graph API that takes its time and counts how many calls it answers at once.
#[derive(Clone, Default)]
struct Busy {
    now: Arc<AtomicUsize>,
    most: Arc<AtomicUsize>,
}

async fn busy_lead(
    State(busy): State<Busy>,
    Path((_, id)): Path<(String, String)>,
) -> axum::Json<Value> {
    let now = busy.now.fetch_add(1, Ordering::SeqCst) + 1;
    busy.most.fetch_max(now, Ordering::SeqCst);
    tokio::time::sleep(std::time::Duration::from_millis(150)).await;
    busy.now.fetch_sub(1, Ordering::SeqCst);
    axum::Json(graph_lead(&id))
}

#[tokio::test]
async fn the_changes_of_one_delivery_are_fetched_several_at_once_and_no_more() {
    let busy = Busy::default();
    let router = axum::Router::new()
        .route("/{version}/{id}", axum::routing::get(busy_lead))
        .with_state(busy.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, router).await });
    let meta = MetaApp::spawn(&base, |_| {}).await;
    let ids: Vec<String> = (0..20).map(|n| format!("55501{n:02}")).collect();
    let ids: Vec<&str> = ids.iter().map(String::as_str).collect();

    let response = meta.deliver(&leadgen_delivery(&meta.page_id, &ids)).await;

    assert_eq!(response.status, 200, "{}", response.text);
    assert_eq!(response.json()["imported"], 20, "{}", response.text);
    let most = busy.most.load(Ordering::SeqCst);
    assert!(
        (2..=CONCURRENT_CHANGES).contains(&most),
        "{most} Graph calls at once"
    );
}

#[tokio::test]
async fn a_delivery_too_close_to_the_functions_deadline_is_redelivered_and_nothing_stored() {
    let graph = stand_in(&[graph_lead("5550033")]).await;
    let meta = MetaApp::spawn(&graph, |_| {}).await;
    let body = leadgen_delivery(&meta.page_id, &["5550033"]).to_string();
    let signature = meta::sign(APP_SECRET, body.as_bytes());
    let mut context = lambda_http::Context::default();
    let now_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as u64;
    context.deadline = now_ms + 2_000;
    let request = HttpCall {
        route_key: "POST /webhooks/meta".into(),
        method: "POST".into(),
        path: "/webhooks/meta".into(),
        headers: vec![("x-hub-signature-256".to_owned(), signature)],
        body: body.into_bytes(),
        source_ip: "173.252.127.1".into(),
        ..Default::default()
    }
    .request()
    .unwrap()
    .with_lambda_context(context);

    let response = TestResponse::from_lambda(shared::http::answer(&meta.deps, request).await);

    assert_eq!(response.status, 503, "{}", response.text);
    assert!(meta.app.leads().await.is_empty());
    assert!(meta.app.import_log().await.is_empty());
}
