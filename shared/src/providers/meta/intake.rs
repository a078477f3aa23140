//! One Meta delivery: verify it, then take every `leadgen` change through routing, the
//! Graph API and the pipeline, several at once (bounded), starting none the function's
//! time could not finish. Each change ends stored, replayed or logged; what a redelivery
//! can still fix (the Graph API or DynamoDB unavailable, a page token missing or expired,
//! no time left) answers 5xx so that Meta delivers the whole notification again.

use super::change::{Door, Handled, Unfinished};
use super::graph::GraphClient;
use super::pages::PageTokens;
use super::webhook::{verify_signature, Notification};
use super::MetaSecrets;
use crate::domain::{ImportStatus, RequestOrigin};
use crate::providers::WebhookError;
use crate::secrets::Secret;
use crate::store::Store;
use futures_util::stream::{self, StreamExt};
use serde::{Deserialize, Serialize};
use std::time::{Duration, Instant};

/// Changes of one delivery handled at once: a burst finishes within the function's
/// time (each Graph call may take its 5 s timeout) and the Graph API sees few calls.
pub const CONCURRENT_CHANGES: usize = 8;
/// A change is started only while this much time is left before the function's
/// deadline: a Graph call's timeout and the writes after it.
pub const TIME_A_CHANGE_NEEDS: Duration = Duration::from_secs(8);

/// How the changes of one delivery ended, as the 200 answer reports it.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct DeliveryReport {
    pub changes: usize,
    pub imported: usize,
    pub replayed: usize,
    pub failed: usize,
    pub ignored: usize,
    /// Changes for pages no connector is set up for: warned about, nothing stored.
    pub unrouted: usize,
}

/// One `POST /webhooks/meta` as the door read it.
#[derive(Debug, Clone)]
pub struct MetaDelivery<'a> {
    pub signature: Option<&'a str>,
    pub body: &'a [u8],
    pub origin: RequestOrigin,
    /// When the function is stopped, if the runtime says.
    pub deadline: Option<Instant>,
}

/// Verifies a `POST /webhooks/meta` body over its raw bytes with the app secret, then
/// handles every `leadgen` change. An error means: refuse (401/400) or ask Meta to
/// redeliver (5xx).
pub async fn receive(
    store: &Store,
    graph: &GraphClient,
    secret: &Secret<MetaSecrets>,
    pages: &PageTokens,
    delivery: MetaDelivery<'_>,
) -> Result<DeliveryReport, WebhookError> {
    let secrets = secret.get().await.map_err(WebhookError::Secret)?;
    verify_signature(&secrets.app_secret, delivery.signature, delivery.body)
        .map_err(|err| WebhookError::Unauthorized(err.to_string()))?;
    let not_a_notification = |err: serde_json::Error| {
        WebhookError::BadRequest(format!(
            "the body is not a Meta webhook notification (line {}, column {})",
            err.line(),
            err.column()
        ))
    };
    let json: serde_json::Value =
        serde_json::from_slice(delivery.body).map_err(not_a_notification)?;
    if !json.is_object() {
        return Err(WebhookError::BadRequest(
            "the body is not a Meta webhook notification: expected a JSON object".to_owned(),
        ));
    }
    let notification = Notification::deserialize(&json).map_err(not_a_notification)?;
    let mut report = DeliveryReport::default();
    if notification.object != "page" {
        tracing::info!(object = %notification.object, "Meta notification for another object: ignored");
        return Ok(report);
    }
    let door = Door::new(store, graph, pages, secrets, delivery.origin);
    let changes = notification.leadgen_changes();
    // Collected first: a stream over a closure trips the compiler's `Send` check.
    let started: Vec<_> = changes
        .iter()
        .map(|(change, raw)| door.in_time(change, raw, delivery.deadline))
        .collect();
    let ended: Vec<_> = stream::iter(started)
        .buffer_unordered(CONCURRENT_CHANGES)
        .collect()
        .await;
    tally(&mut report, ended)?;
    Ok(report)
}

/// Counts what became of the changes; the first of what Meta should redeliver for, by
/// what an operator should see first (the store, the Graph API, tokens, time).
fn tally(
    report: &mut DeliveryReport,
    ended: Vec<Result<Handled, Unfinished>>,
) -> Result<(), WebhookError> {
    let mut unfinished = Vec::new();
    for change in ended {
        report.changes += 1;
        match change {
            Ok(Handled::Unrouted) => report.unrouted += 1,
            Ok(Handled::Logged(outcome)) => match outcome.status() {
                ImportStatus::Imported => report.imported += 1,
                ImportStatus::Replayed => report.replayed += 1,
                ImportStatus::Ignored => report.ignored += 1,
                _ => report.failed += 1,
            },
            Err(err) => unfinished.push(err),
        }
    }
    unfinished.sort_by_key(Unfinished::rank);
    let count = |rank| unfinished.iter().filter(|u| u.rank() == rank).count();
    let failed = [0, 1, 2, 3].map(count);
    match unfinished.into_iter().next() {
        None => Ok(()),
        Some(Unfinished::Store(err)) => Err(WebhookError::Store(err)),
        Some(Unfinished::Graph(source)) => Err(WebhookError::Graph {
            failed: failed[1],
            source,
        }),
        Some(Unfinished::Token) => Err(WebhookError::PageToken { failed: failed[2] }),
        Some(Unfinished::OutOfTime) => Err(WebhookError::OutOfTime { left: failed[3] }),
    }
}
