//! `POST /api/v1/leads`: trusted server-to-server intake (Zapier, Make, middleware,
//! CRMs). An API key with `leads:write`, the connector's `connector_key` in the body,
//! `Idempotency-Key` and `external_id` for replay protection. The use case is
//! [`shared::api`]; this door reads the request and shapes the answer.

use lambda_http::{Body, Request, Response};
use shared::api::{self, ApiDelivery};
use shared::auth::bearer_token;
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
        // The key's read and the connector's are independent: on a cold container they
        // run at once (warm, both are cached). The answers keep their order: key, then
        // content type, then size.
        let body = http::body_bytes(request, http::BODY_LIMIT);
        // Without bearer credentials, or with an oversized body, nothing is looked up
        // (an empty body names no connector): the request is refused below.
        let credentials = bearer_token(http::header(request, "authorization")).is_some();
        let named = body.as_deref().ok().filter(|_| credentials);
        let lookup = api::look_up(&self.store, named.unwrap_or_default());
        let authenticate = http::authenticate(&self.store, request, Scope::LeadsWrite);
        // Boxed: both futures side by side would make the door's own future twice as big.
        let (key, lookup) = tokio::join!(Box::pin(authenticate), Box::pin(lookup));
        let key = key?;
        http::require_json(request)?;
        let delivery = ApiDelivery {
            idempotency_key: http::header(request, "idempotency-key"),
            body: body?,
            origin: http::origin(request),
        };
        let receive = api::receive(&self.store, &key, delivery, lookup, http::api_stored);
        let answer = Box::pin(receive).await;
        Ok(http::api(answer))
    }
}
