//! What a door reads from an API Gateway (HTTP API, payload 2.0) request.

use super::ApiError;
#[cfg(feature = "admin")]
use crate::admin::PageRequest;
use crate::domain::RequestOrigin;
use lambda_http::request::RequestContext;
use lambda_http::{Body, Request, RequestExt};
use serde_json::Value;

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

/// The route API Gateway matched, as the template declares it:
/// `"GET /admin/connectors/{id}"`.
pub fn route_key(request: &Request) -> Option<&str> {
    match request.request_context_ref() {
        Some(RequestContext::ApiGatewayV2(context)) => context.route_key.as_deref(),
        _ => None,
    }
}

/// `https://` and the host name the request came in through (the API's own domain, or a
/// custom domain mapped to it), as API Gateway saw it.
pub fn public_base(request: &Request) -> Option<String> {
    match request.request_context_ref() {
        Some(RequestContext::ApiGatewayV2(context)) => context
            .domain_name
            .as_deref()
            .filter(|domain| !domain.is_empty())
            .map(|domain| format!("https://{domain}")),
        _ => None,
    }
}

/// A path parameter of the matched route (`{id}`, `{zip}`), percent-decoded, as the
/// id (or text) it names.
pub fn path_param<T: From<String>>(request: &Request, name: &str) -> Result<T, ApiError> {
    request
        .path_parameters_ref()
        .and_then(|params| params.first(name))
        .map(percent_decode)
        .filter(|value| !value.is_empty())
        .map(T::from)
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
                    "send the body as application/json, not {essence}"
                )))
            }
        }
    }
}

/// The JSON body; `empty` stands in when there is none.
pub fn json_body(request: &Request, empty: Option<Value>) -> Result<Value, ApiError> {
    require_json(request)?;
    let bytes = body_bytes(request, BODY_LIMIT)?;
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return empty.ok_or_else(|| ApiError::BadRequest("a JSON body is required".to_owned()));
    }
    serde_json::from_slice(bytes)
        .map_err(|err| ApiError::BadRequest(format!("the body is not valid JSON: {err}")))
}

/// This request's path and query with `cursor` in place of its own: where the next
/// page of the same list is.
pub fn next_page(request: &Request, cursor: &str) -> String {
    let mut pairs: Vec<(&str, &str)> = request
        .query_string_parameters_ref()
        .map(|params| {
            params
                .iter()
                .filter(|(name, _)| *name != "cursor")
                .collect()
        })
        .unwrap_or_default();
    pairs.sort_unstable();
    let mut query = form_urlencoded::Serializer::new(String::new());
    query.extend_pairs(pairs);
    query.append_pair("cursor", cursor);
    format!("{}?{}", request.uri().path(), query.finish())
}

/// Every header whose value is text, as sent (the vendor door checks signatures over
/// them).
pub fn headers(request: &Request) -> Vec<(&str, &str)> {
    request
        .headers()
        .iter()
        .filter_map(|(name, value)| Some((name.as_str(), value.to_str().ok()?)))
        .collect()
}

/// The URL the caller called, query included, as API Gateway describes it (scheme from
/// `X-Forwarded-Proto`, host from `Host`).
pub fn url(request: &Request) -> String {
    request.uri().to_string()
}

/// `?limit=&cursor=`.
#[cfg(feature = "admin")]
pub fn page(request: &Request) -> Result<PageRequest, ApiError> {
    let limit = query_param(request, "limit");
    Ok(PageRequest::parse(
        limit.as_deref(),
        query_param(request, "cursor"),
    )?)
}

/// The caller's IP (as API Gateway saw it) and user agent.
pub fn origin(request: &Request) -> RequestOrigin {
    let source_ip = match request.request_context_ref() {
        Some(RequestContext::ApiGatewayV2(context)) => context.http.source_ip.clone(),
        _ => None,
    };
    RequestOrigin {
        source_ip,
        user_agent: header(request, "user-agent").map(|ua| ua.chars().take(512).collect()),
        content_type: header(request, "content-type").map(|ct| ct.chars().take(256).collect()),
    }
}

/// When the runtime stops this invocation, if it says (Lambda's context deadline).
pub fn deadline(request: &Request) -> Option<std::time::Instant> {
    let deadline_ms = request.lambda_context_ref()?.deadline;
    if deadline_ms == 0 {
        return None;
    }
    let now_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .ok()?
        .as_millis();
    let left = u128::from(deadline_ms).saturating_sub(now_ms);
    let left = std::time::Duration::from_millis(u64::try_from(left).ok()?);
    Some(std::time::Instant::now() + left)
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
