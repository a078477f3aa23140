//! `POST /api/v1/leads`: trusted server-to-server intake (Zapier, Make, middleware,
//! CRMs). An API key with `leads:write`, the connector's `connector_key` in the body,
//! `Idempotency-Key` and `external_id` for replay protection.

use lambda_http::{Body, Request, Response};
use shared::domain::{Connector, ImportStatus, Provider, Scope};
use shared::http::{self, ApiError};
use shared::idempotency::{self, IdempotencyKey};
use shared::mapping::{self, Payload};
use shared::pipeline::{self, Delivery, IntakeError, Outcome};
use shared::store::keys::RouteKind;
use shared::store::{IdempotencyBegin, Store, StoredResponse};

/// What the handler needs, built once per cold start.
#[derive(Debug, Clone)]
pub struct Deps {
    pub store: Store,
}

const IDEMPOTENT_REPLAYED: &str = "idempotent-replayed";

pub async fn handle(deps: &Deps, request: Request) -> Response<Body> {
    match accept(deps, &request).await {
        Ok(response) => response,
        Err(err) => err.into_response(),
    }
}

async fn accept(deps: &Deps, request: &Request) -> Result<Response<Body>, ApiError> {
    let store = &deps.store;
    let key = shared::auth::authenticate(
        store,
        http::header(request, "authorization"),
        Scope::LeadsWrite,
    )
    .await?;
    http::require_json(request)?;
    let body = http::body_bytes(request, http::BODY_LIMIT)?;
    let idempotency_key = http::header(request, "idempotency-key")
        .map(IdempotencyKey::parse)
        .transpose()
        .map_err(ApiError::BadRequest)?;

    let Some(idempotency_key) = idempotency_key else {
        return Ok(respond(
            intake(store, &key.workspace_id, request, body).await,
        ));
    };
    match idempotency::begin(store, &key.workspace_id, &idempotency_key, body).await? {
        IdempotencyBegin::Started => {}
        IdempotencyBegin::Replay(stored) => {
            let mut response = http::json_text(stored.status, stored.body);
            response
                .headers_mut()
                .insert(IDEMPOTENT_REPLAYED, http::HeaderValue::from_static("true"));
            return Ok(response);
        }
        IdempotencyBegin::InProgress => {
            return Err(ApiError::Conflict(
                "a request with this Idempotency-Key is still being processed; retry shortly"
                    .to_owned(),
            ))
        }
        IdempotencyBegin::Mismatch => {
            return Err(ApiError::validation(
                "this Idempotency-Key was already used with a different body",
                Vec::new(),
            ))
        }
    }
    let outcome = intake(store, &key.workspace_id, request, body).await;
    let (status, body) = match &outcome {
        Ok(receipt) => (
            status_of(receipt),
            serde_json::to_string(receipt).unwrap_or_default(),
        ),
        Err(err) => (
            err.status(),
            serde_json::to_string(&err.problem()).unwrap_or_default(),
        ),
    };
    let settled = idempotency::finish(
        store,
        &key.workspace_id,
        &idempotency_key,
        StoredResponse { status, body },
    )
    .await;
    if let Err(err) = settled {
        tracing::warn!(error = %err, "idempotency record not settled; it expires on its own");
    }
    Ok(respond(outcome))
}

fn status_of(receipt: &pipeline::Receipt) -> u16 {
    match receipt.status {
        ImportStatus::Imported => 201,
        _ => 200,
    }
}

fn respond(outcome: Result<pipeline::Receipt, ApiError>) -> Response<Body> {
    match outcome {
        Ok(receipt) => http::json(status_of(&receipt), &receipt),
        Err(err) => err.into_response(),
    }
}

/// The body through the shared pipeline; every refusal after authentication is logged.
async fn intake(
    store: &Store,
    workspace_id: &str,
    request: &Request,
    body: &[u8],
) -> Result<pipeline::Receipt, ApiError> {
    let raw = String::from_utf8_lossy(body);
    let delivery = Delivery {
        raw: &raw,
        origin: http::origin(request),
    };
    let refuse = |reason: String| {
        let record = pipeline::attempt(
            workspace_id,
            Some(Provider::Api),
            ImportStatus::Failed,
            &delivery,
        );
        async move {
            pipeline::log_failure(store, record, reason, Vec::new()).await?;
            Ok::<(), ApiError>(())
        }
    };

    let json: serde_json::Value = match serde_json::from_slice(body) {
        Ok(json) => json,
        Err(err) => {
            let reason = format!("the body is not valid JSON: {err}");
            refuse(reason.clone()).await?;
            return Err(ApiError::BadRequest(reason));
        }
    };
    let mut payload = match Payload::from_json(&json) {
        Ok(payload) => payload,
        Err(err) => {
            refuse(err.to_string()).await?;
            return Err(ApiError::BadRequest(err.to_string()));
        }
    };
    let connector = find_connector(store, workspace_id, payload.take("connector_key")).await;
    let connector = match connector {
        Ok(connector) => connector,
        Err(err @ ApiError::Validation { .. }) | Err(err @ ApiError::Forbidden(_)) => {
            refuse(err.to_string()).await?;
            return Err(err);
        }
        Err(err) => return Err(err),
    };
    let candidate = mapping::map(&payload, &connector.field_aliases);

    match pipeline::import(store, &connector, candidate, &delivery).await {
        Ok(Outcome::Imported(receipt) | Outcome::Replayed(receipt)) => Ok(receipt),
        Ok(Outcome::Failed { import_id, errors }) => Err(ApiError::Validation {
            detail: pipeline::summary(&errors),
            errors,
            import_id: Some(import_id),
        }),
        Err(IntakeError::Inactive { status, .. }) => Err(ApiError::Forbidden(format!(
            "the connector is {status}: only an active connector creates leads"
        ))),
        Err(IntakeError::Store(err)) => Err(err.into()),
    }
}

/// The workspace's API connector named by `connector_key`.
async fn find_connector(
    store: &Store,
    workspace_id: &str,
    connector_key: Option<String>,
) -> Result<Connector, ApiError> {
    let unknown = |message: &str| {
        ApiError::validation(
            message.to_owned(),
            vec![shared::domain::FieldError::new("connector_key", message)],
        )
    };
    let connector_key = connector_key.ok_or_else(|| unknown("connector_key is required"))?;
    let connector = store
        .connector_by_route(RouteKind::ConnectorKey, &connector_key)
        .await?
        .filter(|connector| connector.workspace_id == workspace_id)
        .ok_or_else(|| unknown("no connector of this workspace has this connector_key"))?;
    if connector.provider != Provider::Api {
        return Err(ApiError::Forbidden(format!(
            "connector_key belongs to a {} connector; this endpoint takes API connectors",
            connector.provider
        )));
    }
    Ok(connector)
}
