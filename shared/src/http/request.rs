use super::ApiError;
use crate::domain::RequestOrigin;
use lambda_http::{Body, Request, RequestExt};

/// The largest body the JSON doors take (API Gateway would take up to 10 MB).
pub const BODY_LIMIT: usize = 256 * 1024;

pub fn header<'a>(request: &'a Request, name: &str) -> Option<&'a str> {
    request
        .headers()
        .get(name)
        .and_then(|value| value.to_str().ok())
}

pub fn query_param(request: &Request, name: &str) -> Option<String> {
    request
        .query_string_parameters_ref()
        .and_then(|params| params.first(name))
        .map(str::to_owned)
}

/// The body's bytes, refused when over `limit`.
pub fn body_bytes(request: &Request, limit: usize) -> Result<&[u8], ApiError> {
    let bytes: &[u8] = match request.body() {
        Body::Empty => &[],
        Body::Text(text) => text.as_bytes(),
        Body::Binary(bytes) => bytes,
        _ => &[],
    };
    if bytes.len() > limit {
        return Err(ApiError::PayloadTooLarge { limit });
    }
    Ok(bytes)
}

/// Refuses a body declared as anything but JSON; no declared type is read as JSON.
pub fn require_json(request: &Request) -> Result<(), ApiError> {
    match header(request, "content-type") {
        None => Ok(()),
        Some(value) => {
            let essence = value.split(';').next().unwrap_or_default().trim();
            let is_json = essence.eq_ignore_ascii_case("application/json")
                || essence.to_ascii_lowercase().ends_with("+json");
            if is_json {
                Ok(())
            } else {
                Err(ApiError::UnsupportedMediaType(format!(
                    "send the lead as application/json, not {essence}"
                )))
            }
        }
    }
}

/// The caller's IP (as API Gateway saw it) and user agent.
pub fn origin(request: &Request) -> RequestOrigin {
    let source_ip = match request.request_context_ref() {
        Some(lambda_http::request::RequestContext::ApiGatewayV2(context)) => {
            context.http.source_ip.clone()
        }
        _ => None,
    };
    RequestOrigin {
        source_ip,
        user_agent: header(request, "user-agent").map(|ua| ua.chars().take(512).collect()),
    }
}
