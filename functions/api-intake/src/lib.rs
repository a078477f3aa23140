//! `POST /api/v1/leads`: trusted server-to-server intake (Zapier, Make, middleware,
//! CRMs). An API key with `leads:write`, the connector's `connector_key` in the body,
//! `Idempotency-Key` and `external_id` for replay protection. The use case is
//! [`shared::api`]; this door reads the request and shapes the answer.

use lambda_http::{Body, Request, Response};
use shared::api::{self, ApiDelivery};
use shared::domain::Scope;
use shared::http::{self, ApiError, Door};
use shared::store::Store;

/// The door and what it needs, built once per cold start.
#[derive(Debug, Clone)]
pub struct ApiIntake {
    pub store: Store,
}

impl Door for ApiIntake {
    async fn answer(&self, request: &Request) -> Result<Response<Body>, ApiError> {
        let key = http::authenticate(&self.store, request, Scope::LeadsWrite).await?;
        http::require_json(request)?;
        let delivery = ApiDelivery {
            idempotency_key: http::header(request, "idempotency-key"),
            body: http::body_bytes(request, http::BODY_LIMIT)?,
            origin: http::origin(request),
        };
        let answer = api::receive(&self.store, &key, delivery, http::api_stored).await;
        Ok(http::api(answer))
    }
}
