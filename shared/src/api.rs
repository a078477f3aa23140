//! The trusted API door's use case (`POST /api/v1/leads`: Zapier, Make, middleware,
//! CRMs): a JSON lead for the workspace of the caller's key, on the API connector its
//! `connector_key` names, once per `Idempotency-Key` and once per `external_id`.

use crate::domain::{ApiKey, Connector, ImportId, Provider, RequestOrigin, WorkspaceId};
use crate::idempotency::{self, IdempotencyKey};
use crate::mapping::{self, Payload};
use crate::pipeline::{self, Delivery, Outcome};
use crate::store::keys::RouteKind;
use crate::store::{IdempotencyBegin, Replay, Settles, Store, StoreError, StoredResponse};

/// One post, as the door read it.
#[derive(Debug, Clone)]
pub struct ApiDelivery<'a> {
    pub idempotency_key: Option<&'a str>,
    pub body: &'a [u8],
    pub origin: RequestOrigin,
}

/// What a post led to.
#[derive(Debug)]
pub enum ApiAnswer {
    /// This post was taken through the pipeline (or refused) now.
    Settled(Result<Outcome, ApiRefusal>),
    /// The same `Idempotency-Key` and body were answered before: that answer again.
    Replayed(Replay),
}

/// Why a post makes no lead. Those after the key check are in the import log too.
#[derive(Debug, thiserror::Error)]
pub enum ApiRefusal {
    #[error("{0}")]
    BadIdempotencyKey(String),
    #[error("a request with this Idempotency-Key is still being processed; retry shortly")]
    InProgress,
    #[error("this Idempotency-Key was already used with a different body")]
    KeyReused,
    #[error("{reason}")]
    Malformed { reason: String, import_id: ImportId },
    #[error("{problem}")]
    Connector {
        problem: ConnectorProblem,
        import_id: ImportId,
    },
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Why the `connector_key` of a post names no connector this door may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ConnectorProblem {
    #[error("connector_key is required")]
    Missing,
    #[error("no connector of this workspace has this connector_key")]
    Unknown,
    #[error("connector_key belongs to a {0} connector; this endpoint takes API connectors")]
    NotApi(Provider),
}

impl ApiRefusal {
    /// The import-log entry of a refusal that was logged.
    pub fn import_id(&self) -> Option<&ImportId> {
        match self {
            ApiRefusal::Malformed { import_id, .. } | ApiRefusal::Connector { import_id, .. } => {
                Some(import_id)
            }
            _ => None,
        }
    }
}

/// How the door answers a settled post, so that a replay answers exactly the same.
pub type Render = fn(&Result<Outcome, ApiRefusal>) -> StoredResponse;

/// Takes one post of `key`'s workspace through the pipeline. With an `Idempotency-Key`
/// the first answer is kept and given again to the same key and body: a lead's receipt
/// in the lead's own transaction (a crash after it cannot make a second lead), any
/// other answer as `render` shapes it; a failure a retry could fix frees the key.
pub async fn receive(
    store: &Store,
    key: &ApiKey,
    delivery: ApiDelivery<'_>,
    render: Render,
) -> ApiAnswer {
    let idempotency_key = match delivery.idempotency_key.map(IdempotencyKey::parse) {
        None => return ApiAnswer::Settled(intake(store, key, &delivery, Settles::Nothing).await),
        Some(Err(message)) => {
            return ApiAnswer::Settled(Err(ApiRefusal::BadIdempotencyKey(message)))
        }
        Some(Ok(idempotency_key)) => idempotency_key,
    };
    let workspace_id = &key.workspace_id;
    let begun = idempotency::begin(store, workspace_id, &idempotency_key, delivery.body).await;
    let hold = match begun {
        Ok(IdempotencyBegin::Started(hold)) => hold,
        Ok(IdempotencyBegin::Replay(replay)) => return ApiAnswer::Replayed(replay),
        Ok(IdempotencyBegin::InProgress) => return ApiAnswer::Settled(Err(ApiRefusal::InProgress)),
        Ok(IdempotencyBegin::Mismatch) => return ApiAnswer::Settled(Err(ApiRefusal::KeyReused)),
        Err(err) => return ApiAnswer::Settled(Err(err.into())),
    };
    let settles = Settles::Idempotency(hold.clone());
    let settled = match intake(store, key, &delivery, settles).await {
        // The hold lapsed and another request took the key over: it answers.
        Err(ApiRefusal::Store(StoreError::Superseded)) => Err(ApiRefusal::InProgress),
        settled => settled,
    };
    // A lead (made or found) completed the key in its own transaction.
    let completed = matches!(&settled, Ok(outcome) if outcome.receipt().is_some());
    if !completed {
        if let Err(err) = idempotency::finish(store, &hold, render(&settled)).await {
            tracing::warn!(error = %err, "idempotency record not settled; it expires on its own");
        }
    }
    ApiAnswer::Settled(settled)
}

/// The body through the shared pipeline; every refusal is logged.
async fn intake(
    store: &Store,
    key: &ApiKey,
    delivery: &ApiDelivery<'_>,
    settles: Settles,
) -> Result<Outcome, ApiRefusal> {
    let raw = String::from_utf8_lossy(delivery.body);
    let logged = Delivery {
        raw: &raw,
        origin: delivery.origin.clone(),
    };
    let workspace_id = &key.workspace_id;
    let refuse = |reason: String| async {
        let entry = pipeline::attempt(store.clock(), workspace_id, Some(Provider::Api), &logged);
        let outcome = pipeline::fail(store, entry, reason, Vec::new()).await?;
        Ok::<ImportId, StoreError>(outcome.import_id().clone())
    };

    let mut payload = match payload(delivery.body) {
        Ok(payload) => payload,
        Err(reason) => {
            let import_id = refuse(reason.clone()).await?;
            return Err(ApiRefusal::Malformed { reason, import_id });
        }
    };
    let connector = match connector(store, workspace_id, payload.take("connector_key")).await? {
        Ok(connector) => connector,
        Err(problem) => {
            let import_id = refuse(problem.to_string()).await?;
            return Err(ApiRefusal::Connector { problem, import_id });
        }
    };
    let candidate = mapping::map(&payload, &connector.field_aliases);
    let entry = pipeline::record(store.clock(), &connector, &logged);
    let options = pipeline::Options::settling(settles);
    Ok(pipeline::import_as(store, &connector, candidate, entry, options).await?)
}

/// A post's body as label/value pairs, `connector_key` among them; why not, in words.
pub fn payload(body: &[u8]) -> Result<Payload, String> {
    serde_json::from_slice::<serde_json::Value>(body)
        .map_err(|err| format!("the body is not valid JSON: {err}"))
        .and_then(|json| Payload::from_json(&json).map_err(|err| err.to_string()))
}

/// The workspace's API connector named by `connector_key`.
pub(crate) async fn connector(
    store: &Store,
    workspace_id: &WorkspaceId,
    connector_key: Option<String>,
) -> Result<Result<Connector, ConnectorProblem>, StoreError> {
    let Some(connector_key) = connector_key else {
        return Ok(Err(ConnectorProblem::Missing));
    };
    let connector = store
        .connector_by_route(RouteKind::ConnectorKey, &connector_key)
        .await?
        .filter(|connector| connector.workspace_id == *workspace_id);
    Ok(match connector {
        None => Err(ConnectorProblem::Unknown),
        Some(connector) if connector.provider != Provider::Api => {
            Err(ConnectorProblem::NotApi(connector.provider))
        }
        Some(connector) => Ok(connector),
    })
}
