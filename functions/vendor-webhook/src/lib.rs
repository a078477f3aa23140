//! `POST /webhooks/{provider}/{connector_id}`: signed webhooks of form and ad vendors
//! (Typeform, Calendly, HubSpot, Jotform, TikTok, LinkedIn, Gravity Forms, WPForms,
//! Contact Form 7, Unbounce), one preset each. A delivery with a wrong, missing or
//! stale signature is 401 and nothing is stored; every settled delivery answers 200.
//! `GET` on the same path answers LinkedIn's endpoint validation. The use cases are
//! [`shared::providers::vendors::receive`] and [`shared::providers::vendors::challenge`].

use lambda_http::{Body, Request, Response};
use shared::domain::ConnectorId;
use shared::http::{self, ApiError, Door};
use shared::providers::vendors;
use shared::store::Store;

/// The door and what it needs, built once per cold start.
#[derive(Debug, Clone)]
pub struct VendorWebhook {
    pub store: Store,
}

impl Door for VendorWebhook {
    async fn answer(&self, request: &Request) -> Result<Response<Body>, ApiError> {
        let vendor: String = http::path_param(request, "provider")?;
        let connector_id: ConnectorId = http::path_param(request, "connector_id")?;
        if request.method() == "GET" {
            let code = http::query_param(request, "challengeCode");
            let answer =
                vendors::challenge(&self.store, &vendor, &connector_id, code.as_deref()).await?;
            return Ok(http::json(200, &answer));
        }
        let body = http::body_bytes(request, http::BODY_LIMIT)?;
        let (url, headers) = (http::url(request), http::headers(request));
        let delivery = vendors::Request {
            method: request.method().as_str(),
            url: &url,
            headers: &headers,
            body,
        };
        let origin = http::origin(request);
        let outcome =
            vendors::receive(&self.store, &vendor, &connector_id, &delivery, origin).await?;
        Ok(http::acknowledge(&outcome))
    }
}
