//! Faults a user can see: a store that stops answering, and deliveries that race or
//! repeat. A lead is stored whole or not at all; a failure answers a retryable 503
//! that leaks nothing.

use e2e::{lead_body, Moto, TestApp};
use local::seed;
use shared::domain::{ImportStatus, Provider};
use shared::store::Store;

/// A test app on a moto of its own, so stopping it leaves the shared one running.
async fn app_on_private_moto() -> (TestApp, Moto) {
    let moto = tokio::task::spawn_blocking(|| Moto::start(0))
        .await
        .unwrap()
        .expect("moto starts");
    let config = local::moto::sdk_config(&moto.endpoint).await;
    let resources = local::provision::provision(&config).await.unwrap();
    let store = Store::new(shared::aws::dynamodb(&config), &resources.table);
    let mut seeded = seed::workspace(&store, "Fault Workspace").await.unwrap();
    seed::active_connector(&store, &mut seeded, Provider::Api, |_| {})
        .await
        .unwrap();
    let app = TestApp {
        config,
        store,
        seeded,
    };
    (app, moto)
}

#[tokio::test]
async fn a_lead_posted_while_the_store_is_down_answers_503_and_leaks_no_secret() {
    let (app, moto) = app_on_private_moto().await;
    let endpoint = moto.endpoint.clone();
    drop(moto);

    let response = app.post_lead(lead_body("while-down")).await;

    assert_eq!(response.status, 503, "{}", response.text);
    assert_eq!(
        response.header("content-type"),
        Some("application/problem+json")
    );
    let problem = response.json();
    assert_eq!(problem["type"], "/problems/unavailable");
    assert_eq!(problem["status"], 503);
    let connector_key = app.connector_key();
    let port = endpoint.rsplit(':').next().unwrap();
    for secret in [
        app.seeded.api_key.as_str(),
        app.seeded.admin_key.as_str(),
        connector_key.as_str(),
        "lc_live_",
        "Bearer",
        endpoint.as_str(),
        "127.0.0.1",
        port,
        "dispatch",
        "Connection refused",
    ] {
        assert!(
            !response.text.contains(secret),
            "the problem body shows {secret:?}: {}",
            response.text
        );
    }
}

/// Every item a stored lead owns, counted by kind, and each pointing at one client.
async fn assert_one_whole_lead(app: &TestApp, external_id: &str) {
    let leads = app.leads().await;
    assert_eq!(leads.len(), 1, "one lead");
    let lead = &leads[0];
    assert_eq!(lead.external_id.as_deref(), Some(external_id));
    assert_eq!(app.items("LEAD#").await.len(), 1, "one LEAD# item");
    let clients = app.items("CLIENT#").await;
    assert_eq!(clients.len(), 1, "one CLIENT# item, no orphan");
    let client_sk = clients[0]["sk"].as_s().unwrap();
    assert_eq!(client_sk, &format!("CLIENT#{}", lead.client_id));
    let email = app.items("CONTACT#EMAIL#").await;
    let phone = app.items("CONTACT#PHONE#").await;
    assert_eq!(email.len(), 1, "one email contact");
    assert_eq!(phone.len(), 1, "one phone contact");
    assert_eq!(
        email[0]["sk"].as_s().unwrap(),
        "CONTACT#EMAIL#pat@example.com"
    );
    assert_eq!(phone[0]["sk"].as_s().unwrap(), "CONTACT#PHONE#+17175550123");
    for contact in email.iter().chain(&phone) {
        let serialized = format!("{contact:?}");
        assert!(
            serialized.contains(lead.client_id.as_str()),
            "the contact points at the lead's client: {serialized}"
        );
    }
    assert_eq!(app.items("EXT#").await.len(), 1, "one external-id guard");
}

#[tokio::test]
async fn a_redelivered_external_id_leaves_one_lead_one_client_and_its_contacts() {
    let app = TestApp::spawn().await;

    let first = app.post_lead(lead_body("redelivered")).await;
    let second = app.post_lead(lead_body("redelivered")).await;

    assert_eq!(first.status, 201, "{}", first.text);
    assert_eq!(second.status, 200, "{}", second.text);
    assert_eq!(second.json()["lead_id"], first.json()["lead_id"]);
    assert_one_whole_lead(&app, "redelivered").await;
    let statuses: Vec<_> = app.import_log().await.iter().map(|r| r.status).collect();
    assert_eq!(statuses, [ImportStatus::Replayed, ImportStatus::Imported]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn racing_deliveries_whose_transactions_lose_leave_no_partial_items() {
    let app = std::sync::Arc::new(TestApp::spawn().await);

    let attempts = (0..8).map(|_| {
        let app = app.clone();
        tokio::spawn(async move { app.post_lead(lead_body("raced")).await })
    });
    let mut statuses = Vec::new();
    for attempt in attempts {
        statuses.push(attempt.await.unwrap().status);
    }

    assert_eq!(
        statuses.iter().filter(|s| **s == 201).count(),
        1,
        "{statuses:?}"
    );
    assert!(
        statuses.iter().all(|s| *s == 201 || *s == 200),
        "{statuses:?}"
    );
    assert_one_whole_lead(&app, "raced").await;
    assert_eq!(app.import_log().await.len(), 8, "every delivery is logged");
}

/// A stand-in for DynamoDB under load: in front of the shared moto, it answers the
/// requests `throttle(operation, nth)` picks with DynamoDB's
/// `ProvisionedThroughputExceededException` and passes the rest through.
struct Throttling {
    endpoint: String,
    answered: std::sync::Arc<std::sync::Mutex<std::collections::HashMap<String, usize>>>,
}

impl Throttling {
    async fn start(moto: &str, throttle: fn(&str, usize) -> bool) -> Self {
        use axum::{body::Bytes, extract::State, http::HeaderMap, response::IntoResponse};
        type Seen = std::sync::Arc<std::sync::Mutex<std::collections::HashMap<String, usize>>>;
        let answered: Seen = Default::default();
        let upstream = moto.to_owned();
        let client = reqwest::Client::new();
        let state = (answered.clone(), upstream, client);
        let proxy = move |State((seen, upstream, client)): State<(
            Seen,
            String,
            reqwest::Client,
        )>,
                          headers: HeaderMap,
                          body: Bytes| async move {
            let target = headers
                .get("x-amz-target")
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_owned();
            let attempt = {
                let mut seen = seen.lock().unwrap();
                let count = seen.entry(target.clone()).or_default();
                *count += 1;
                *count
            };
            let operation = target.trim_start_matches("DynamoDB_20120810.");
            if throttle(operation, attempt) {
                let body = r#"{"__type":"com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException","message":"The level of configured provisioned throughput for the table was exceeded."}"#;
                return (
                    axum::http::StatusCode::BAD_REQUEST,
                    [("content-type", "application/x-amz-json-1.0")],
                    body.to_owned(),
                )
                    .into_response();
            }
            let mut request = client.post(&upstream).body(body);
            for (name, value) in &headers {
                if name != "host" && name != "content-length" {
                    request = request.header(name, value);
                }
            }
            let response = request.send().await.expect("moto answers");
            let status = axum::http::StatusCode::from_u16(response.status().as_u16()).unwrap();
            let content_type = response
                .headers()
                .get("content-type")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("application/x-amz-json-1.0")
                .to_owned();
            let body = response.bytes().await.expect("moto's body");
            (status, [("content-type", content_type)], body).into_response()
        };
        let router = axum::Router::new()
            .route("/", axum::routing::post(proxy))
            .with_state(state);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let endpoint = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, router).await });
        Self { endpoint, answered }
    }

    /// How many requests of `operation` (e.g. `TransactWriteItems`) arrived.
    fn arrived(&self, operation: &str) -> usize {
        let target = format!("DynamoDB_20120810.{operation}");
        self.answered
            .lock()
            .unwrap()
            .get(&target)
            .copied()
            .unwrap_or(0)
    }

    /// Posts a lead to the API door of `app`, whose store is reached through this proxy.
    async fn post_lead(&self, app: &TestApp, external_id: &str) -> e2e::TestResponse {
        let config = local::moto::sdk_config(&self.endpoint).await;
        let deps = api_intake::ApiIntake {
            store: Store::new(shared::aws::dynamodb(&config), &app.resources().table),
        };
        let request = app.authorised_lead_request(external_id);
        e2e::TestResponse::from_lambda(shared::http::answer(&deps, request).await)
    }
}

#[tokio::test]
async fn throttled_dynamodb_calls_are_retried_by_the_sdk_and_the_lead_is_stored_once() {
    let app = TestApp::spawn().await;
    // Two throttled answers per operation: the store's retry policy makes up to eight.
    let throttling = Throttling::start(app.endpoint(), |_, nth| nth <= 2).await;
    let response = throttling.post_lead(&app, "throttled").await;

    assert_eq!(response.status, 201, "{}", response.text);
    assert_eq!(
        throttling.arrived("TransactWriteItems"),
        3,
        "two throttled, one written"
    );
    assert!(
        throttling.arrived("GetItem") > 2,
        "reads were throttled and retried too"
    );
    assert_one_whole_lead(&app, "throttled").await;
    let statuses: Vec<_> = app.import_log().await.iter().map(|r| r.status).collect();
    assert_eq!(statuses, [ImportStatus::Imported]);
}

#[tokio::test]
async fn throttling_past_the_retries_answers_a_retryable_503_and_writes_nothing() {
    let app = TestApp::spawn().await;
    let throttling = Throttling::start(app.endpoint(), |op, _| op == "TransactWriteItems").await;
    let response = throttling.post_lead(&app, "always-throttled").await;

    assert_eq!(response.status, 503, "{}", response.text);
    assert_eq!(response.json()["type"], "/problems/unavailable");
    assert!(!response.text.contains("Throughput"), "{}", response.text);
    assert_eq!(
        throttling.arrived("TransactWriteItems"),
        8,
        "the store's retry policy tried eight times"
    );
    assert!(app.leads().await.is_empty());
    assert!(app.import_log().await.is_empty());
}
