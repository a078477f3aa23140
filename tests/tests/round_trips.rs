//! DynamoDB round trips per imported lead on the API's happy path, counted on the
//! wire (every request the SDK sends, by its `X-Amz-Target`). A measurement for
//! BENCHMARKS.md; the test fails only if the count grows past the design's budget.

use aws_sdk_dynamodb::config::interceptors::BeforeTransmitInterceptorContextRef;
use aws_sdk_dynamodb::config::{ConfigBag, Intercept, RuntimeComponents};
use e2e::TestApp;
use std::sync::{Arc, Mutex};

type BoxError = Box<dyn std::error::Error + Send + Sync>;

#[derive(Debug, Clone, Default)]
struct Requests(Arc<Mutex<Vec<String>>>);

impl Intercept for Requests {
    fn name(&self) -> &'static str {
        "CountRequests"
    }

    fn read_before_transmit(
        &self,
        context: &BeforeTransmitInterceptorContextRef<'_>,
        _: &RuntimeComponents,
        _: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let target = context
            .request()
            .headers()
            .get("x-amz-target")
            .unwrap_or("?")
            .rsplit('.')
            .next()
            .unwrap_or("?")
            .to_owned();
        self.0.lock().map_err(|e| e.to_string())?.push(target);
        Ok(())
    }
}

/// The DynamoDB operations one API `request` makes (answered 201).
async fn operations(app: &TestApp, request: lambda_http::Request) -> Vec<String> {
    let requests = Requests::default();
    let counted = aws_sdk_dynamodb::config::Builder::from(&app.config)
        .interceptor(requests.clone())
        .build();
    let store = shared::store::Store::new(
        aws_sdk_dynamodb::Client::from_conf(counted),
        app.store.table(),
    );
    let deps = api_intake::ApiIntake { store };

    let response = shared::http::answer(&deps, request).await;

    assert_eq!(response.status(), 201);
    let sent = requests.0.lock().unwrap().clone();
    sent
}

#[tokio::test]
async fn an_imported_lead_costs_a_few_reads_and_one_transaction() {
    let app = TestApp::spawn().await;

    let sent = operations(&app, app.authorised_lead_request("counted-1")).await;

    println!(
        "DynamoDB requests for one imported lead: {} {sent:?}",
        sent.len()
    );
    assert_eq!(
        sent.iter().filter(|t| *t == "TransactWriteItems").count(),
        1
    );
    assert!(sent.len() <= 5, "{sent:?}");
}

#[tokio::test]
async fn an_idempotency_key_costs_its_claim_and_nothing_after_the_lead_transaction() {
    let app = TestApp::spawn().await;
    let mut request = app.authorised_lead_request("counted-key");
    let key = http::HeaderValue::from_static("counted-key");
    request.headers_mut().insert("idempotency-key", key);

    let sent = operations(&app, request).await;

    println!("DynamoDB requests for one lead with an Idempotency-Key: {sent:?}");
    let writes: Vec<_> = sent
        .iter()
        .filter(|op| !matches!(op.as_str(), "GetItem" | "BatchGetItem" | "Query"))
        .collect();
    assert_eq!(writes, ["PutItem", "TransactWriteItems"], "{sent:?}");
}
