//! What moto does not do and Lambda does: stop a handler between two writes. [`Crash`]
//! is the HTTP client of a handler's SDK clients (DynamoDB, S3, SQS, SES): it lets the
//! first `k` writes through and then never answers again, and the test drops the
//! handler's future the moment it blocks — exactly what a timeout or a crash leaves: no
//! further write, no cleanup. Loop `k` over every write of a handler, then deliver the
//! event again, and assert what a user would see.
//!
//! It also answers like DynamoDB where moto is lenient: a key over DynamoDB's limits is
//! a `ValidationException` (moto stores it), so every test client goes through it.

use aws_config::SdkConfig;
use aws_sdk_dynamodb::config::{HttpClient, RuntimeComponents};
use aws_smithy_runtime_api::client::http::{
    HttpConnector, HttpConnectorFuture, HttpConnectorSettings, SharedHttpClient,
    SharedHttpConnector,
};
use aws_smithy_runtime_api::client::orchestrator::{HttpRequest, HttpResponse};
use serde_json::Value;
use std::future::Future;
use std::sync::{Arc, Mutex};
use tokio::sync::watch;

/// The plan of one handler run: how many writes pass, and what went through.
#[derive(Debug, Clone)]
pub struct Crash {
    plan: Arc<Plan>,
}

#[derive(Debug)]
struct Plan {
    /// Writes let through before the handler stops; `None` never stops it.
    allowed: Option<usize>,
    writes: Mutex<Vec<String>>,
    stopped: watch::Sender<bool>,
}

impl Crash {
    /// Lets every call through; counts the writes.
    pub fn never() -> Self {
        Self::plan(None)
    }

    /// Lets `writes` writes through; the next call of any kind never answers.
    pub fn after(writes: usize) -> Self {
        Self::plan(Some(writes))
    }

    fn plan(allowed: Option<usize>) -> Self {
        Self {
            plan: Arc::new(Plan {
                allowed,
                writes: Mutex::new(Vec::new()),
                stopped: watch::channel(false).0,
            }),
        }
    }

    /// `base` with every client going through this plan.
    pub fn config(&self, base: &SdkConfig) -> SdkConfig {
        let client = CrashingClient {
            inner: aws_smithy_http_client::Builder::new().build_http(),
            plan: self.plan.clone(),
        };
        base.to_builder().http_client(client).build()
    }

    /// The writes that went through, by operation (`PutItem`, `SendMessage`, `S3 PUT`…).
    pub fn writes(&self) -> Vec<String> {
        self.plan.writes.lock().expect("writes").clone()
    }

    /// Runs `handler` until it finishes (`Some`) or stops at the crash (`None`, the
    /// future dropped as Lambda freezes it).
    pub async fn run<F: Future>(&self, handler: F) -> Option<F::Output> {
        let mut stopped = self.plan.stopped.subscribe();
        tokio::select! {
            output = handler => Some(output),
            _ = stopped.wait_for(|stopped| *stopped) => None,
        }
    }
}

#[derive(Debug)]
struct CrashingClient {
    inner: SharedHttpClient,
    plan: Arc<Plan>,
}

impl HttpClient for CrashingClient {
    fn http_connector(
        &self,
        settings: &HttpConnectorSettings,
        components: &RuntimeComponents,
    ) -> SharedHttpConnector {
        SharedHttpConnector::new(CrashingConnector {
            inner: self.inner.http_connector(settings, components),
            plan: self.plan.clone(),
        })
    }
}

#[derive(Debug)]
struct CrashingConnector {
    inner: SharedHttpConnector,
    plan: Arc<Plan>,
}

impl HttpConnector for CrashingConnector {
    fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
        if let Some(refusal) = dynamodb_refusal(&request) {
            return HttpConnectorFuture::ready(Ok(refusal));
        }
        if *self.plan.stopped.borrow() {
            return HttpConnectorFuture::new(std::future::pending());
        }
        if let Some(write) = write(&request) {
            let mut writes = self.plan.writes.lock().expect("writes");
            if self
                .plan
                .allowed
                .is_some_and(|allowed| writes.len() >= allowed)
            {
                self.plan.stopped.send_replace(true);
                return HttpConnectorFuture::new(std::future::pending());
            }
            writes.push(write);
        }
        self.inner.call(request)
    }
}

/// The operation of a request that changes something, if it does.
fn write(request: &HttpRequest) -> Option<String> {
    const WRITES: [&str; 10] = [
        "PutItem",
        "UpdateItem",
        "DeleteItem",
        "TransactWriteItems",
        "BatchWriteItem",
        "SendMessage",
        "SendMessageBatch",
        "DeleteMessage",
        "ChangeMessageVisibility",
        "PutSecretValue",
    ];
    if let Some(target) = request.headers().get("x-amz-target") {
        let operation = target.rsplit('.').next().unwrap_or_default();
        return WRITES.contains(&operation).then(|| operation.to_owned());
    }
    let form = request
        .headers()
        .get("content-type")
        .is_some_and(|t| t.starts_with("application/x-www-form-urlencoded"));
    if form {
        // A query-protocol call (SES): its action is in the body.
        let body = String::from_utf8_lossy(request.body().bytes().unwrap_or_default());
        let action = body
            .split('&')
            .find_map(|pair| pair.strip_prefix("Action="));
        return action
            .filter(|action| action.starts_with("Send"))
            .map(str::to_owned);
    }
    let method = request.method();
    matches!(method, "PUT" | "POST" | "DELETE").then(|| format!("S3 {method}"))
}

/// DynamoDB's answer to a request whose keys are over its limits (2048 bytes of
/// partition key, 1024 of sort key), which moto would take.
fn dynamodb_refusal(request: &HttpRequest) -> Option<HttpResponse> {
    let target = request.headers().get("x-amz-target")?;
    if !target.starts_with("DynamoDB_") {
        return None;
    }
    let body: Value = serde_json::from_slice(request.body().bytes()?).ok()?;
    let mut keys: Vec<&Value> = Vec::new();
    keys.extend(body.get("Key"));
    keys.extend(body.get("Item"));
    for item in body["TransactItems"].as_array().into_iter().flatten() {
        for kind in ["Put", "Update", "Delete", "ConditionCheck"] {
            keys.extend(item[kind].get("Item").or(item[kind].get("Key")));
        }
    }
    for request in body["RequestItems"].as_object().into_iter().flatten() {
        keys.extend(request.1["Keys"].as_array().into_iter().flatten());
    }
    let text = |value: &Value, name: &str| value[name]["S"].as_str().map_or(0, str::len);
    let too_long = keys.iter().any(|key| {
        ["pk", "gsi1pk"].iter().any(|name| text(key, name) > 2048)
            || ["sk", "gsi1sk"].iter().any(|name| text(key, name) > 1024)
    }) || text(&body["ExpressionAttributeValues"], ":pk") > 2048;
    too_long.then(|| {
        crate::conflicts::refusal(serde_json::json!({
            "__type": "com.amazon.coral.validate#ValidationException",
            "message": "One or more parameter values were invalid: Size of hashkey has exceeded the maximum size limit of 2048 bytes",
        }))
    })
}
