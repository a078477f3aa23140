//! HTTP for the API Gateway doors: problem+json errors (RFC 9457), JSON responses,
//! and the request details every door reads.

mod error;
mod request;

pub use error::{chain, ApiError, Problem};
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

/// Text for an HTML page or mail body: the five characters that mean something in
/// HTML as entities.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            other => out.push(other),
        }
    }
    out
}
