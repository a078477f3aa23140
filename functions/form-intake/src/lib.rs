//! `POST /forms/{form_id}` (and its `OPTIONS` preflight): public website forms. The
//! form id is the connector's public id, not a secret; no API key lives in a browser.
//! Browsers posting a plain HTML form get a redirect or a page, scripts get JSON. The
//! use case is [`shared::forms`].

use lambda_http::http::Method;
use lambda_http::{Body, Request, Response};
use shared::forms::{self, Submission};
use shared::http::{self, ApiError, Door};
use shared::store::Store;

/// The door and what it needs, built once per cold start.
#[derive(Debug, Clone)]
pub struct FormIntake {
    pub store: Store,
}

impl Door for FormIntake {
    async fn answer(&self, request: &Request) -> Result<Response<Body>, ApiError> {
        let browser = forms::wants_html(
            http::header(request, "content-type"),
            http::header(request, "accept"),
        );
        let form_id: String = http::path_param(request, "form_id").unwrap_or_default();
        let connector = match forms::connector(&self.store, &form_id).await {
            Ok(connector) => connector,
            Err(refusal) => return Ok(http::form(browser, Err(refusal.into()), None)),
        };
        let cors = forms::cors::check(
            &connector.settings.allowed_origins,
            http::header(request, "origin"),
        );
        if request.method() == Method::OPTIONS {
            return Ok(http::preflight(&cors));
        }
        let submission = Submission {
            content_type: http::header(request, "content-type"),
            origin: http::header(request, "origin"),
            body: http::body_bytes(request, usize::MAX).unwrap_or_default(),
            client: http::origin(request),
        };
        let submitted = forms::submit(&self.store, &connector, submission).await;
        let answer = http::form(browser, submitted, http::header(request, "referer"));
        Ok(http::with_headers(answer, cors.headers()))
    }
}
