//! HTTP for the API Gateway doors: problem+json errors (RFC 9457), JSON responses,
//! and the request details every door reads.

mod error;
mod request;

pub use error::{ApiError, Problem};
pub use http::HeaderValue;
pub use request::{body_bytes, header, origin, query_param, require_json, BODY_LIMIT};

use lambda_http::{Body, Response};
use serde::Serialize;

/// A JSON response with `status`.
pub fn json<T: Serialize>(status: u16, value: &T) -> Response<Body> {
    let body = serde_json::to_string(value).unwrap_or_else(|_| "{}".to_owned());
    json_text(status, body)
}

/// A JSON response whose body is already serialised (a stored idempotent response).
pub fn json_text(status: u16, body: String) -> Response<Body> {
    let mut response = Response::new(Body::Text(body));
    *response.status_mut() =
        http::StatusCode::from_u16(status).unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR);
    response.headers_mut().insert(
        http::header::CONTENT_TYPE,
        http::HeaderValue::from_static("application/json"),
    );
    response
}
