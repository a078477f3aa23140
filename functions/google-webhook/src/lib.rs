//! `POST /webhooks/google/{connector_id}`: Google Ads lead form webhooks, trusted by
//! the connector's `google_key`. Test leads are logged, never created; a stored,
//! replayed or logged-as-failed lead answers 200. The use case is
//! [`shared::providers::google`].

use lambda_http::{Body, Request, Response};
use shared::domain::ConnectorId;
use shared::http::{self, ApiError, Door};
use shared::providers::google;
use shared::store::Store;

/// The door and what it needs, built once per cold start.
#[derive(Debug, Clone)]
pub struct GoogleWebhook {
    pub store: Store,
}

impl Door for GoogleWebhook {
    async fn answer(&self, request: &Request) -> Result<Response<Body>, ApiError> {
        let connector_id: ConnectorId = http::path_param(request, "connector_id")?;
        let body = http::body_bytes(request, http::BODY_LIMIT)?;
        let origin = http::origin(request);
        let outcome = google::receive(&self.store, &connector_id, body, origin).await?;
        Ok(http::acknowledge(&outcome))
    }
}
