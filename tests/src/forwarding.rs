//! Forwarding support: a receiver on loopback that answers from a script and keeps
//! what it was sent, the forwarder wired to the shared moto with a clock of its own and
//! queues of its own, and a harness that drives the table's stream and the attempts
//! queue as their triggers would until nothing moves.

use crate::followups::{batch, StreamTap};
use crate::TestApp;
use axum::extract::State;
use serde_json::{json, Value};
use shared::clock::Clock;
use shared::domain::{LeadDelivery, WorkspaceId};
use shared::forwarding::{Courier, Forwarder, Reach};
use shared::queue::Queue;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// One request the receiver got.
#[derive(Debug, Clone)]
pub struct Received {
    pub headers: http::HeaderMap,
    pub body: String,
}

impl Received {
    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
    }
}

#[derive(Default)]
struct Script {
    /// The statuses to answer, in turn; the last one again once they run out.
    statuses: Vec<(u16, Option<String>)>,
    received: Vec<Received>,
}

/// A destination's stand-in on 127.0.0.1.
#[derive(Clone)]
pub struct Receiver {
    pub url: String,
    script: Arc<Mutex<Script>>,
}

impl Receiver {
    /// A receiver answering `statuses` in turn (the last one from then on).
    pub async fn answering(statuses: &[u16]) -> Self {
        let script = Script {
            statuses: statuses.iter().map(|s| (*s, None)).collect(),
            received: Vec::new(),
        };
        Self::serve(script).await
    }

    /// A receiver that redirects every request to `location`.
    pub async fn redirecting_to(location: &str) -> Self {
        let script = Script {
            statuses: vec![(302, Some(location.to_owned()))],
            received: Vec::new(),
        };
        Self::serve(script).await
    }

    async fn serve(script: Script) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a free port");
        let url = format!("http://{}/hooks/leads", listener.local_addr().unwrap());
        let script = Arc::new(Mutex::new(script));
        let app = axum::Router::new()
            .fallback(answer)
            .with_state(script.clone());
        tokio::spawn(async move { axum::serve(listener, app).await });
        Self { url, script }
    }

    /// From now on, answer `status`.
    pub fn answer(&self, status: u16) {
        self.script.lock().unwrap().statuses = vec![(status, None)];
    }

    pub fn received(&self) -> Vec<Received> {
        self.script.lock().unwrap().received.clone()
    }
}

async fn answer(
    State(script): State<Arc<Mutex<Script>>>,
    request: axum::extract::Request,
) -> axum::response::Response {
    let (parts, body) = request.into_parts();
    let body = axum::body::to_bytes(body, 1 << 20)
        .await
        .unwrap_or_default();
    let mut script = script.lock().unwrap();
    script.received.push(Received {
        headers: parts.headers,
        body: String::from_utf8_lossy(&body).into_owned(),
    });
    let (status, location) = match script.statuses.len() {
        0 => (200, None),
        1 => script.statuses[0].clone(),
        _ => script.statuses.remove(0),
    };
    let mut response = axum::response::Response::new(axum::body::Body::from(format!(
        "{{\"received\":true,\"status\":{status}}}"
    )));
    *response.status_mut() = http::StatusCode::from_u16(status).unwrap();
    if let Some(location) = location {
        response
            .headers_mut()
            .insert("location", location.parse().unwrap());
    }
    response
}

/// The forwarder of one test, and what drives it.
pub struct Forwarding {
    pub deps: Forwarder,
    pub clock: Clock,
    tap: StreamTap,
    workspace_id: WorkspaceId,
    /// An SQS client with every right, for what the test itself reads.
    operator: aws_sdk_sqs::Client,
}

impl TestApp {
    /// A destination for this workspace at `url` (with `extra` fields); answers the
    /// create answer (id and signing secret).
    pub async fn add_destination(&self, url: &str, extra: Value) -> Value {
        let mut body = json!({ "url": url });
        body.as_object_mut()
            .unwrap()
            .extend(extra.as_object().cloned().unwrap_or_default());
        let created = self.admin("POST", "/admin/destinations", Some(body)).await;
        assert_eq!(created.status, 201, "{}", created.text);
        created.json()
    }

    /// The forwarder with queues of this test's own and a clock that stands at now,
    /// retrying after `retry_delays`, reaching loopback (the test's receivers) when
    /// `reach` allows, and driving the stream from now on.
    pub async fn forwarding(&self, retry_delays: &[i64], reach: Reach) -> Forwarding {
        // Queues of this test's own, standing for the template's, used through the
        // forwarder's clients: every call is checked against its policy.
        let aws = self.function("forwarder");
        let sqs = shared::aws::sqs(&self.config);
        let queue = |name: &'static str, logical_id: &'static str| {
            let own = aws.sqs();
            async move { Queue::new(own, self.queue(name, logical_id).await) }
        };
        let clock = Clock::at(chrono::Utc::now());
        let deps = Forwarder {
            store: aws.store(&self.store).with_clock(clock.clone()),
            attempts: queue("forward", "ForwardQueue").await,
            failures: queue("forward-failures", "ForwardFailures").await,
            courier: Courier::new(reach, Duration::from_secs(5)).expect("an HTTP client"),
            retry_delays: retry_delays.to_vec(),
            max_hop: 0,
        };
        Forwarding {
            deps,
            clock,
            tap: self.stream().await,
            workspace_id: self.workspace_id().clone(),
            operator: sqs,
        }
    }
}

impl Forwarding {
    /// Delivers what the stream and the attempts queue hold to the forwarder, round
    /// after round, until two rounds in a row bring no stream record and no attempt
    /// (an attempt not due yet only goes round the queue).
    pub async fn settle(&mut self) {
        let handler = local::queues::forwarder(self.deps.clone());
        let mut idle = 0;
        while idle < 2 {
            let records = self.tap.records().await;
            let moved = !records.is_empty();
            if moved {
                let response = forwarder::stream(&self.deps, batch(records)).await;
                assert!(
                    response.batch_item_failures.is_empty(),
                    "stream records retried"
                );
            }
            let before = self.attempts_made().await;
            let handler = handler.clone();
            let (sqs, url) = (&self.deps.attempts.sqs, &self.deps.attempts.url);
            local::queues::deliver(sqs, url, 0, move |event| handler(event)).await;
            let attempted = self.attempts_made().await > before;
            idle = if moved || attempted { 0 } else { idle + 1 };
        }
    }

    /// Every attempt made so far in this workspace.
    async fn attempts_made(&self) -> u32 {
        self.deliveries().await.iter().map(|d| d.attempts).sum()
    }

    /// Moves the forwarder's clock on.
    pub fn advance(&self, seconds: i64) {
        self.clock.advance(chrono::Duration::seconds(seconds));
    }

    /// The stream records written since the last read (for a test to replay them).
    pub async fn records(&mut self) -> Vec<aws_lambda_events::event::dynamodb::EventRecord> {
        self.tap.records().await
    }

    /// The notices of failed deliveries.
    pub async fn failure_notices(&self) -> Vec<Value> {
        // Read as an operator would, not as the forwarder (which only sends there).
        let received = self
            .operator
            .receive_message()
            .queue_url(&self.deps.failures.url)
            .max_number_of_messages(10)
            .send()
            .await
            .expect("the failures queue");
        let messages = received.messages.unwrap_or_default();
        let bodies = messages.into_iter().filter_map(|m| m.body);
        bodies.map(|b| serde_json::from_str(&b).unwrap()).collect()
    }

    /// Every delivery of the workspace, as stored.
    pub async fn deliveries(&self) -> Vec<LeadDelivery> {
        let items = self.deps.store.workspace_items(&self.workspace_id).await;
        let items = items.expect("items");
        let deliveries = items.into_iter().filter(|item| {
            item.get("entity")
                .and_then(|e| e.as_s().ok())
                .map(String::as_str)
                == Some("delivery")
        });
        deliveries
            .map(|item| serde_dynamo::from_item(item).expect("a delivery"))
            .collect()
    }
}
