//! The HTTP side the admin doors share: the route API Gateway matched, path
//! parameters, JSON bodies, paging parameters and response shapes.

use super::PageRequest;
use crate::domain::{ApiKey, Scope};
use crate::http::{self, ApiError};
use crate::store::Store;
use lambda_http::request::RequestContext;
use lambda_http::{Body, Request, RequestExt, Response};
use serde::Serialize;
use serde_json::Value;

/// The request's API key, which must hold the `admin` scope: its workspace is the
/// only one the request may read or change.
pub async fn admin_key(store: &Store, request: &Request) -> Result<ApiKey, ApiError> {
    let header = http::header(request, "authorization");
    Ok(crate::auth::authenticate(store, header, Scope::Admin).await?)
}

/// The route API Gateway matched, as the template declares it:
/// `"GET /admin/connectors/{id}"`.
pub fn route_key(request: &Request) -> Option<&str> {
    match request.request_context_ref() {
        Some(RequestContext::ApiGatewayV2(context)) => context.route_key.as_deref(),
        _ => None,
    }
}

/// A path parameter of the matched route (`{id}`, `{zip}`), percent-decoded.
pub fn path_param(request: &Request, name: &str) -> Result<String, ApiError> {
    request
        .path_parameters_ref()
        .and_then(|params| params.first(name))
        .map(percent_decode)
        .filter(|value| !value.is_empty())
        .ok_or_else(|| ApiError::NotFound(format!("the path has no {name}")))
}

/// `%20` and friends back to their bytes; anything that is not a valid escape stays.
fn percent_decode(raw: &str) -> String {
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let escaped = (bytes[i] == b'%')
            .then(|| raw.get(i + 1..i + 3))
            .flatten()
            .and_then(|hex| u8::from_str_radix(hex, 16).ok());
        match escaped {
            Some(byte) => {
                out.push(byte);
                i += 3;
            }
            None => {
                out.push(bytes[i]);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The JSON body; `empty` stands in when there is none.
pub fn json_body(request: &Request, empty: Option<Value>) -> Result<Value, ApiError> {
    http::require_json(request)?;
    let bytes = http::body_bytes(request, http::BODY_LIMIT)?;
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return empty.ok_or_else(|| ApiError::BadRequest("a JSON body is required".to_owned()));
    }
    serde_json::from_slice(bytes)
        .map_err(|err| ApiError::BadRequest(format!("the body is not valid JSON: {err}")))
}

/// `?limit=&cursor=`.
pub fn page(request: &Request) -> Result<PageRequest, ApiError> {
    let limit = http::query_param(request, "limit");
    Ok(PageRequest::parse(
        limit.as_deref(),
        http::query_param(request, "cursor"),
    )?)
}

pub fn ok<T: Serialize>(value: &T) -> Response<Body> {
    http::json(200, value)
}

pub fn created<T: Serialize>(value: &T) -> Response<Body> {
    http::json(201, value)
}

pub fn no_content() -> Response<Body> {
    let mut response = Response::new(Body::Empty);
    *response.status_mut() = ::http::StatusCode::NO_CONTENT;
    response
}

#[cfg(test)]
mod tests {
    #[test]
    fn path_parameters_are_percent_decoded() {
        assert_eq!(super::percent_decode("K1A%200B1"), "K1A 0B1");
        assert_eq!(super::percent_decode("100%"), "100%");
        assert_eq!(super::percent_decode("%zz1"), "%zz1");
    }
}
