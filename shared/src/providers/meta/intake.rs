//! One Meta delivery: verify it, then take every `leadgen` change through routing,
//! the Graph API and the pipeline. Each change ends stored, replayed or logged, or
//! (Graph API or DynamoDB unavailable) untouched so Meta's redelivery can finish it.

use super::graph::{GraphClient, GraphError, PageAccess};
use super::webhook::{verify_signature, LeadgenChange, Notification};
use super::{preset, MetaSecrets};
use crate::domain::{
    Connector, ImportRecord, ImportStatus, LeadCandidate, Provider, RequestOrigin,
};
use crate::http::chain;
use crate::pipeline::{self, Delivery, Outcome};
use crate::providers::{other_form, Id, WebhookError};
use crate::store::keys::RouteKind;
use crate::store::{Store, StoreError};
use serde::{Deserialize, Serialize};
use serde_json::json;

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

enum Handled {
    Logged(Outcome),
    Unrouted,
}

/// A change that could not be finished now; nothing of it was stored.
enum Unfinished {
    Graph(GraphError),
    Store(StoreError),
}

struct Door<'a> {
    store: &'a Store,
    graph: &'a GraphClient,
    secrets: &'a MetaSecrets,
    origin: RequestOrigin,
}

/// Verifies a `POST /webhooks/meta` body over its raw bytes, then handles every
/// `leadgen` change. An error means: refuse (401/400) or ask Meta to redeliver (5xx).
pub async fn receive(
    store: &Store,
    graph: &GraphClient,
    secrets: &MetaSecrets,
    signature: Option<&str>,
    body: &[u8],
    origin: RequestOrigin,
) -> Result<DeliveryReport, WebhookError> {
    verify_signature(&secrets.app_secret, signature, body)
        .map_err(|err| WebhookError::Unauthorized(err.to_string()))?;
    let not_a_notification = |err: serde_json::Error| {
        WebhookError::BadRequest(format!(
            "the body is not a Meta webhook notification (line {}, column {})",
            err.line(),
            err.column()
        ))
    };
    let json: serde_json::Value = serde_json::from_slice(body).map_err(not_a_notification)?;
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
    let door = Door {
        store,
        graph,
        secrets,
        origin,
    };
    let mut graph_failures = Vec::new();
    let mut store_failure = None;
    for (change, raw) in notification.leadgen_changes() {
        report.changes += 1;
        match door.change(&change, raw).await {
            Ok(Handled::Unrouted) => report.unrouted += 1,
            Ok(Handled::Logged(outcome)) => match outcome.status() {
                ImportStatus::Imported => report.imported += 1,
                ImportStatus::Replayed => report.replayed += 1,
                ImportStatus::Ignored => report.ignored += 1,
                _ => report.failed += 1,
            },
            Err(Unfinished::Graph(err)) => graph_failures.push(err),
            Err(Unfinished::Store(err)) => store_failure = store_failure.or(Some(err)),
        }
    }
    if let Some(err) = store_failure {
        return Err(WebhookError::Store(err));
    }
    let failed = graph_failures.len();
    match graph_failures.into_iter().next() {
        Some(source) => Err(WebhookError::Graph { failed, source }),
        None => Ok(report),
    }
}

fn meaningful(id: &Option<Id>) -> Option<&str> {
    id.as_ref().filter(|id| id.is_meaningful()).map(Id::as_str)
}

impl Door<'_> {
    async fn change(
        &self,
        change: &LeadgenChange,
        raw: &serde_json::Value,
    ) -> Result<Handled, Unfinished> {
        let leadgen_id = meaningful(&change.leadgen_id);
        let Some(page_id) = meaningful(&change.page_id) else {
            tracing::warn!(
                leadgen_id,
                "Meta leadgen change without a page id: nothing stored"
            );
            return Ok(Handled::Unrouted);
        };
        let connector = self
            .store
            .connector_by_route(RouteKind::MetaPage, page_id)
            .await
            .map_err(Unfinished::Store)?
            .filter(|connector| connector.provider == Provider::Meta);
        let Some(connector) = connector else {
            // No workspace owns this page, so there is no import log to write to.
            tracing::warn!(
                page_id,
                leadgen_id,
                "Meta lead for a page no Meta connector is set up for: acknowledged, nothing stored"
            );
            return Ok(Handled::Unrouted);
        };
        self.lead(&connector, change, raw, page_id, leadgen_id)
            .await
            .map(Handled::Logged)
    }

    async fn lead(
        &self,
        connector: &Connector,
        change: &LeadgenChange,
        raw: &serde_json::Value,
        page_id: &str,
        leadgen_id: Option<&str>,
    ) -> Result<Outcome, Unfinished> {
        let logged = json!({ "change": raw }).to_string();
        let delivery = Delivery {
            raw: &logged,
            origin: self.origin.clone(),
        };
        let mut entry = pipeline::record(self.store.clock(), connector, &delivery);
        entry.external_id = leadgen_id.map(str::to_owned);

        if let Some(reason) = other_form(connector, change.form_id.as_ref()) {
            return self.ignore(entry, reason).await;
        }
        let Some(leadgen_id) = leadgen_id else {
            let reason = "the leadgen change carries no leadgen_id";
            return self.fail(entry, reason).await;
        };
        if !connector.is_active() {
            let candidate = LeadCandidate {
                external_id: Some(leadgen_id.to_owned()),
                ..Default::default()
            };
            return self.import(connector, candidate, &delivery).await;
        }
        let Some(access_token) = self.secrets.page_token(page_id) else {
            let reason = format!(
                "no page access token for page {page_id}: add it under page_tokens in the Meta \
                 webhook secret (reconnect the page), then resend the lead from Meta's Leads Center"
            );
            return self.fail(entry, reason).await;
        };
        let access = PageAccess {
            access_token,
            app_secret: &self.secrets.app_secret,
        };
        let fetched = match self.graph.lead(leadgen_id, access).await {
            Ok(fetched) => fetched,
            Err(err) if err.is_retryable() => {
                tracing::warn!(
                    page_id,
                    leadgen_id,
                    error = %chain(&err),
                    "Graph API unavailable: nothing stored, Meta will redeliver"
                );
                return Err(Unfinished::Graph(err));
            }
            Err(err) => {
                let reason = format!("could not fetch the lead from Meta: {}", err.reason());
                return self.fail(entry, reason).await;
            }
        };

        let logged = json!({ "change": raw, "lead": fetched.raw }).to_string();
        let delivery = Delivery {
            raw: &logged,
            origin: self.origin.clone(),
        };
        let mut entry = pipeline::record(self.store.clock(), connector, &delivery);
        entry.external_id = Some(leadgen_id.to_owned());
        if change.form_id.is_none() {
            if let Some(reason) = other_form(connector, fetched.lead.form_id.as_ref()) {
                return self.ignore(entry, reason).await;
            }
        }
        let aliases = &connector.field_aliases;
        let candidate = match preset::candidate(&fetched.lead, change, leadgen_id, aliases) {
            Ok(candidate) => candidate,
            Err(err) => return self.fail(entry, err.to_string()).await,
        };
        self.import(connector, candidate, &delivery).await
    }

    async fn import(
        &self,
        connector: &Connector,
        candidate: LeadCandidate,
        delivery: &Delivery<'_>,
    ) -> Result<Outcome, Unfinished> {
        pipeline::import(self.store, connector, candidate, delivery)
            .await
            .map_err(Unfinished::Store)
    }

    async fn fail(
        &self,
        entry: ImportRecord,
        reason: impl Into<String>,
    ) -> Result<Outcome, Unfinished> {
        pipeline::fail(self.store, entry, reason, Vec::new())
            .await
            .map_err(Unfinished::Store)
    }

    async fn ignore(&self, entry: ImportRecord, reason: String) -> Result<Outcome, Unfinished> {
        pipeline::ignore(self.store, entry, reason)
            .await
            .map_err(Unfinished::Store)
    }
}
