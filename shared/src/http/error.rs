use crate::domain::{FieldError, ImportId};
use crate::store::StoreError;
use lambda_http::{Body, Response};
use serde::Serialize;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Every way an HTTP door can refuse or fail a request. `status()` is the one place
/// that decides the status code; the problem body never carries internal detail.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    Unauthorized(String),
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Conflict(String),
    #[error("the body is larger than {limit} bytes")]
    PayloadTooLarge { limit: usize },
    #[error("{0}")]
    UnsupportedMediaType(String),
    #[error("{detail}")]
    Validation {
        detail: String,
        errors: Vec<FieldError>,
        import_id: Option<ImportId>,
    },
    #[error("too many requests; retry after {retry_after} seconds")]
    TooManyRequests { retry_after: u64 },
    #[error("the lead store has not been migrated")]
    MigrationRequired(#[source] StoreError),
    #[error("a dependency is unavailable; retry later")]
    Unavailable(#[source] BoxError),
    #[error("unexpected error")]
    Unexpected(#[source] BoxError),
}

/// An `application/problem+json` body.
#[derive(Debug, Clone, Serialize)]
pub struct Problem {
    #[serde(rename = "type")]
    pub kind: String,
    pub title: &'static str,
    pub status: u16,
    pub detail: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub import_id: Option<ImportId>,
}

impl ApiError {
    pub fn validation(detail: impl Into<String>, errors: Vec<FieldError>) -> Self {
        ApiError::Validation {
            detail: detail.into(),
            errors,
            import_id: None,
        }
    }

    pub fn status(&self) -> u16 {
        match self {
            ApiError::BadRequest(_) => 400,
            ApiError::Unauthorized(_) => 401,
            ApiError::Forbidden(_) => 403,
            ApiError::NotFound(_) => 404,
            ApiError::Conflict(_) => 409,
            ApiError::PayloadTooLarge { .. } => 413,
            ApiError::UnsupportedMediaType(_) => 415,
            ApiError::Validation { .. } => 422,
            ApiError::TooManyRequests { .. } => 429,
            ApiError::MigrationRequired(_) | ApiError::Unavailable(_) => 503,
            ApiError::Unexpected(_) => 500,
        }
    }

    fn slug_and_title(&self) -> (&'static str, &'static str) {
        match self {
            ApiError::BadRequest(_) => ("malformed-request", "Malformed request"),
            ApiError::Unauthorized(_) => ("unauthorized", "Missing or invalid credentials"),
            ApiError::Forbidden(_) => ("forbidden", "Not allowed"),
            ApiError::NotFound(_) => ("not-found", "Not found"),
            ApiError::Conflict(_) => ("conflict", "Conflict"),
            ApiError::PayloadTooLarge { .. } => ("payload-too-large", "Payload too large"),
            ApiError::UnsupportedMediaType(_) => {
                ("unsupported-media-type", "Unsupported media type")
            }
            ApiError::Validation { .. } => ("validation-failed", "The input failed validation"),
            ApiError::TooManyRequests { .. } => ("rate-limited", "Too many requests"),
            ApiError::MigrationRequired(_) => ("migration-required", "Migration required"),
            ApiError::Unavailable(_) => ("unavailable", "Temporarily unavailable"),
            ApiError::Unexpected(_) => ("internal-error", "Internal error"),
        }
    }

    pub fn problem(&self) -> Problem {
        let (slug, title) = self.slug_and_title();
        let detail = match self {
            ApiError::MigrationRequired(_) => {
                "The lead store is not set up yet: apply the lead-connector migrations \
                 (deploy the table), then retry."
                    .to_owned()
            }
            other => other.to_string(),
        };
        let (errors, import_id) = match self {
            ApiError::Validation {
                errors, import_id, ..
            } => (errors.clone(), import_id.clone()),
            _ => (Vec::new(), None),
        };
        Problem {
            kind: format!("/problems/{slug}"),
            title,
            status: self.status(),
            detail,
            errors,
            import_id,
        }
    }

    /// The response; server-side failures are logged with their whole cause chain.
    pub fn into_response(self) -> Response<Body> {
        let status = self.status();
        if status >= 500 {
            tracing::error!(status, error = %chain(&self), "request failed");
        } else {
            // The detail may quote what was sent (an invalid email, a name): not logged.
            tracing::info!(status, problem = %self.problem().kind, "request refused");
        }
        self.response()
    }

    /// The problem+json response, without logging it.
    pub fn response(&self) -> Response<Body> {
        let mut response = super::response::json(self.status(), &self.problem());
        response.headers_mut().insert(
            http::header::CONTENT_TYPE,
            http::HeaderValue::from_static("application/problem+json"),
        );
        if let ApiError::TooManyRequests { retry_after } = self {
            response
                .headers_mut()
                .insert(http::header::RETRY_AFTER, (*retry_after).into());
        }
        response
    }
}

/// `error: cause: cause…`, for the log: each error's message, never a request or
/// response body, with addresses and quoted values [redacted](crate::telemetry::redact).
pub fn chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    crate::telemetry::redact(&text)
}
