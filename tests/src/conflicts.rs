//! What moto does not do and DynamoDB does: refuse overlapping writes to one item.
//! moto takes one request at a time and lets every transaction through; DynamoDB cancels
//! a transaction that touches an item another running transaction holds
//! (`TransactionCanceledException`, reason `TransactionConflict`) and refuses a
//! single-item write to such an item (`TransactionConflictException`).
//!
//! [`Conflicts`] is the HTTP client of a store's SDK client that adds this: each
//! `TransactWriteItems` holds the keys of its items (puts, updates, deletes and
//! condition checks alike) while it runs and for a short window after, and a write that
//! touches a held key is answered as DynamoDB answers it, without reaching moto. It
//! counts what it saw, so a test can assert how many transactions were cancelled.

use aws_config::SdkConfig;
use aws_sdk_dynamodb::config::{HttpClient, RuntimeComponents};
use aws_smithy_runtime_api::client::http::{
    HttpConnector, HttpConnectorFuture, HttpConnectorSettings, SharedHttpClient,
    SharedHttpConnector,
};
use aws_smithy_runtime_api::client::orchestrator::{HttpRequest, HttpResponse};
use aws_smithy_types::body::SdkBody;
use serde_json::{json, Value};
use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// How long a transaction holds its items after moto answered it: about what a
/// DynamoDB transaction takes on the service side.
const HOLD_AFTER: Duration = Duration::from_millis(20);

/// The conflict stand-in of one test, and what it saw.
#[derive(Debug, Clone, Default)]
pub struct Conflicts {
    state: Arc<State>,
}

#[derive(Debug, Default)]
struct State {
    held: Mutex<HashSet<ItemKey>>,
    seen: Mutex<Seen>,
}

/// What the stand-in saw: transactions sent, and those it cancelled; single-item
/// writes it refused.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Seen {
    pub transactions: usize,
    pub cancelled: usize,
    pub refused_writes: usize,
}

/// An item of a table: table name, partition key, sort key.
type ItemKey = (String, String, String);

impl Conflicts {
    /// `base` with every client going through this stand-in.
    pub fn config(&self, base: &SdkConfig) -> SdkConfig {
        let client = ConflictingClient {
            inner: aws_smithy_http_client::Builder::new().build_http(),
            state: self.state.clone(),
        };
        base.to_builder().http_client(client).build()
    }

    pub fn seen(&self) -> Seen {
        *self.state.seen.lock().expect("seen")
    }
}

#[derive(Debug)]
struct ConflictingClient {
    inner: SharedHttpClient,
    state: Arc<State>,
}

impl HttpClient for ConflictingClient {
    fn http_connector(
        &self,
        settings: &HttpConnectorSettings,
        components: &RuntimeComponents,
    ) -> SharedHttpConnector {
        SharedHttpConnector::new(ConflictingConnector {
            inner: self.inner.http_connector(settings, components),
            state: self.state.clone(),
        })
    }
}

#[derive(Debug)]
struct ConflictingConnector {
    inner: SharedHttpConnector,
    state: Arc<State>,
}

/// What a write request touches: its operation and the keys of its items, in order.
fn touched(request: &HttpRequest) -> Option<(String, Vec<ItemKey>)> {
    let target = request.headers().get("x-amz-target")?;
    let operation = target.strip_prefix("DynamoDB_20120810.")?.to_owned();
    let body: Value = serde_json::from_slice(request.body().bytes()?).ok()?;
    let key = |table: &Value, item: &Value| -> ItemKey {
        let text = |name: &str| item[name]["S"].as_str().unwrap_or_default().to_owned();
        let table = table.as_str().unwrap_or_default().to_owned();
        (table, text("pk"), text("sk"))
    };
    let keys = match operation.as_str() {
        "TransactWriteItems" => body["TransactItems"]
            .as_array()?
            .iter()
            .filter_map(|item| {
                let (_, action) = item.as_object()?.iter().next()?;
                let item = action.get("Item").or(action.get("Key"))?;
                Some(key(&action["TableName"], item))
            })
            .collect(),
        "PutItem" => vec![key(&body["TableName"], &body["Item"])],
        "UpdateItem" | "DeleteItem" => vec![key(&body["TableName"], &body["Key"])],
        _ => return None,
    };
    Some((operation, keys))
}

/// DynamoDB's answer to a request it refuses: status 400 with a JSON error body.
pub(crate) fn refusal(body: Value) -> HttpResponse {
    let mut response = HttpResponse::new(
        400.try_into().expect("a status"),
        SdkBody::from(body.to_string()),
    );
    response
        .headers_mut()
        .insert("content-type", "application/x-amz-json-1.0");
    response
}

/// DynamoDB's answer to a transaction some of whose items another one holds.
fn cancelled(keys: &[ItemKey], held: &HashSet<ItemKey>) -> HttpResponse {
    let reasons: Vec<Value> = keys
        .iter()
        .map(|key| match held.contains(key) {
            true => json!({"Code": "TransactionConflict", "Message": "Transaction is ongoing for the item"}),
            false => json!({"Code": "None"}),
        })
        .collect();
    let codes: Vec<&str> = reasons
        .iter()
        .map(|r| r["Code"].as_str().unwrap_or_default())
        .collect();
    refusal(json!({
        "__type": "com.amazonaws.dynamodb.v20120810#TransactionCanceledException",
        "Message": format!("Transaction cancelled, please refer cancellation reasons for specific reasons [{}]", codes.join(", ")),
        "CancellationReasons": reasons,
    }))
}

/// DynamoDB's answer to a single-item write to an item a transaction holds.
fn conflict() -> HttpResponse {
    refusal(json!({
        "__type": "com.amazonaws.dynamodb.v20120810#TransactionConflictException",
        "message": "Transaction is ongoing for the item",
    }))
}

/// Releases a transaction's keys when it ends (answered, or dropped by a crash).
struct Release {
    state: Arc<State>,
    keys: Vec<ItemKey>,
}

impl Drop for Release {
    fn drop(&mut self) {
        let mut held = self.state.held.lock().expect("held");
        for key in &self.keys {
            held.remove(key);
        }
    }
}

impl HttpConnector for ConflictingConnector {
    fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
        let Some((operation, keys)) = touched(&request) else {
            return self.inner.call(request);
        };
        let state = self.state.clone();
        let mut held = state.held.lock().expect("held");
        let mut seen = state.seen.lock().expect("seen");
        let busy = keys.iter().any(|key| held.contains(key));
        if operation != "TransactWriteItems" {
            if busy {
                seen.refused_writes += 1;
                return HttpConnectorFuture::ready(Ok(conflict()));
            }
            drop((held, seen));
            return self.inner.call(request);
        }
        seen.transactions += 1;
        if busy {
            seen.cancelled += 1;
            return HttpConnectorFuture::ready(Ok(cancelled(&keys, &held)));
        }
        held.extend(keys.iter().cloned());
        drop((held, seen));
        let release = Release {
            state: state.clone(),
            keys,
        };
        let answer = self.inner.call(request);
        HttpConnectorFuture::new(async move {
            let response = answer.await;
            tokio::time::sleep(HOLD_AFTER).await;
            drop(release);
            response
        })
    }
}
