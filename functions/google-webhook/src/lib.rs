//! `POST /webhooks/google/{connector_id}`: Google Ads lead form webhooks, trusted by
//! the connector's `google_key`. Test leads are logged, never created; a stored,
//! replayed or logged-as-failed lead answers 200.

use lambda_http::{Body, Request, RequestExt, Response};
use shared::http::{self, ApiError};
use shared::providers::google;
use shared::store::Store;

/// What the handler needs, built once per cold start.
#[derive(Debug, Clone)]
pub struct Deps {
    pub store: Store,
}

pub async fn handle(deps: &Deps, request: Request) -> Response<Body> {
    accept(deps, &request)
        .await
        .unwrap_or_else(ApiError::into_response)
}

async fn accept(deps: &Deps, request: &Request) -> Result<Response<Body>, ApiError> {
    let connector_id = request
        .path_parameters_ref()
        .and_then(|params| params.first("connector_id"))
        .ok_or_else(|| ApiError::NotFound("the path names no connector".to_owned()))?;
    let body = http::body_bytes(request, http::BODY_LIMIT)?;
    let answer = google::receive(&deps.store, connector_id, body, http::origin(request)).await?;
    Ok(http::json(200, &answer))
}
