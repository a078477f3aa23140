//! The local gateway: every function's HTTP routes from `template.yaml` behind one
//! port, each request turned into the API Gateway (HTTP API, payload 2.0) event that
//! Lambda would deliver, and handed to the function's handler in-process.

use crate::template::Route;
use axum::body::to_bytes;
use axum::extract::{ConnectInfo, State};
use axum::response::IntoResponse;
use lambda_http::{Body, Request, Response};
use shared::http::Door;
use std::collections::HashMap;
use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use tokio::net::TcpListener;

/// API Gateway's own payload limit.
const GATEWAY_BODY_LIMIT: usize = 10 * 1024 * 1024;

pub type Handler =
    Arc<dyn Fn(Request) -> Pin<Box<dyn Future<Output = Response<Body>> + Send>> + Send + Sync>;

/// A door as the gateway runs it, in-process, as Lambda would.
pub fn door<D: Door + 'static>(door: D) -> Handler {
    let door = Arc::new(door);
    Arc::new(move |request| {
        let door = door.clone();
        Box::pin(async move { shared::http::answer(door.as_ref(), request).await })
    })
}

struct Gateway {
    routes: Vec<(Route, Handler)>,
}

/// Serves `routes` (from the template) with `handlers` (by binary name) until the
/// listener closes.
pub async fn serve(
    listener: TcpListener,
    routes: Vec<Route>,
    handlers: HashMap<String, Handler>,
) -> std::io::Result<()> {
    serve_with(listener, routes, handlers, axum::Router::new()).await
}

/// [`serve`], plus `extra`: local-only routes (`/_local/…`: the SES and Graph API
/// stand-ins) that are matched before the template's.
pub async fn serve_with(
    listener: TcpListener,
    routes: Vec<Route>,
    handlers: HashMap<String, Handler>,
    extra: axum::Router,
) -> std::io::Result<()> {
    let routes = routes
        .into_iter()
        .filter_map(|route| {
            let handler = handlers.get(&route.binary)?.clone();
            Some((route, handler))
        })
        .collect();
    let app = axum::Router::new()
        .fallback(dispatch)
        .with_state(Arc::new(Gateway { routes }));
    let app = extra.merge(app);
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .await
}

/// Path parameters when `pattern` (`/forms/{form_id}`) matches `path`.
pub fn match_path(pattern: &str, path: &str) -> Option<HashMap<String, String>> {
    let pattern: Vec<&str> = pattern.trim_matches('/').split('/').collect();
    let path: Vec<&str> = path.trim_matches('/').split('/').collect();
    if pattern.len() != path.len() {
        return None;
    }
    let mut params = HashMap::new();
    for (expected, actual) in pattern.iter().zip(&path) {
        match expected.strip_prefix('{').and_then(|p| p.strip_suffix('}')) {
            Some(name) if !actual.is_empty() => {
                params.insert(name.to_owned(), actual.to_string());
            }
            None if expected == actual => {}
            _ => return None,
        }
    }
    Some(params)
}

/// The caller's IP: the socket's, or the first `X-Forwarded-For` entry when the socket
/// is loopback (so tests can act as many IPs).
fn client_ip(peer: SocketAddr, headers: &http::HeaderMap) -> String {
    let forwarded = headers
        .get("x-forwarded-for")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(',').next())
        .map(str::trim)
        .filter(|ip| !ip.is_empty());
    match forwarded {
        Some(ip) if peer.ip().is_loopback() => ip.to_owned(),
        _ => peer.ip().to_string(),
    }
}

async fn dispatch(
    State(gateway): State<Arc<Gateway>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    request: axum::extract::Request,
) -> axum::response::Response {
    let (parts, body) = request.into_parts();
    let path = parts.uri.path().to_owned();
    let method = parts.method.as_str().to_owned();
    // As API Gateway does, the most specific route wins: `/webhooks/google/{id}` over
    // `/webhooks/{provider}/{id}`.
    let found = gateway
        .routes
        .iter()
        .filter_map(|(route, handler)| {
            (route.method == method)
                .then(|| match_path(&route.path, &path))
                .flatten()
                .map(|params| (route, handler, params))
        })
        .min_by_key(|(_, _, params)| params.len());
    let Some((route, handler, params)) = found else {
        return (http::StatusCode::NOT_FOUND, "{\"message\":\"Not Found\"}").into_response();
    };
    let Ok(body) = to_bytes(body, GATEWAY_BODY_LIMIT).await else {
        return (
            http::StatusCode::PAYLOAD_TOO_LARGE,
            "{\"message\":\"Request Entity Too Large\"}",
        )
            .into_response();
    };
    let call = HttpCall {
        route_key: format!("{} {}", route.method, route.path),
        method: route.method.clone(),
        path,
        query: parts.uri.query().unwrap_or_default().to_owned(),
        headers: with_forwarded_proto(&parts.headers),
        path_parameters: params,
        body: body.to_vec(),
        source_ip: client_ip(peer, &parts.headers),
    };
    let request = match call.request() {
        Ok(request) => request,
        Err(err) => {
            return (http::StatusCode::BAD_REQUEST, format!("bad event: {err}")).into_response()
        }
    };
    into_axum(handler(request).await)
}

/// The request's headers, with `X-Forwarded-Proto: http` added as API Gateway adds its
/// own (`https`), so a function sees the URL the caller called.
fn with_forwarded_proto(headers: &http::HeaderMap) -> Vec<(String, String)> {
    let mut pairs: Vec<(String, String)> = headers
        .iter()
        .map(|(name, value)| {
            let value = String::from_utf8_lossy(value.as_bytes()).into_owned();
            (name.as_str().to_owned(), value)
        })
        .collect();
    if !headers.contains_key("x-forwarded-proto") {
        pairs.push(("x-forwarded-proto".to_owned(), "http".to_owned()));
    }
    pairs
}

/// One HTTP request as the gateway (or a test) describes it to a function.
#[derive(Debug, Clone, Default)]
pub struct HttpCall {
    /// `"POST /forms/{form_id}"`
    pub route_key: String,
    pub method: String,
    pub path: String,
    pub query: String,
    pub headers: Vec<(String, String)>,
    pub path_parameters: HashMap<String, String>,
    pub body: Vec<u8>,
    pub source_ip: String,
}

impl HttpCall {
    /// The HTTP API payload 2.0 event Lambda would deliver for this request.
    pub fn event(&self) -> serde_json::Value {
        use base64::Engine;
        let mut headers = serde_json::Map::new();
        for (name, value) in &self.headers {
            let name = name.to_ascii_lowercase();
            let joined = match headers.get(&name).and_then(|v| v.as_str()) {
                Some(earlier) => format!("{earlier},{value}"),
                None => value.clone(),
            };
            headers.insert(name, joined.into());
        }
        let mut query = serde_json::Map::new();
        for (name, value) in form_urlencoded::parse(self.query.as_bytes()) {
            query
                .entry(name.into_owned())
                .or_insert(value.into_owned().into());
        }
        let (body, encoded) = match std::str::from_utf8(&self.body) {
            Ok(text) => (text.to_owned(), false),
            Err(_) => (
                base64::engine::general_purpose::STANDARD.encode(&self.body),
                true,
            ),
        };
        let user_agent = headers.get("user-agent").cloned().unwrap_or_default();
        let now = chrono::Utc::now();
        let or_null = |map: serde_json::Map<String, serde_json::Value>| {
            if map.is_empty() {
                serde_json::Value::Null
            } else {
                map.into()
            }
        };
        let path_parameters = self
            .path_parameters
            .iter()
            .map(|(k, v)| (k.clone(), v.clone().into()))
            .collect();
        serde_json::json!({
            "version": "2.0",
            "routeKey": self.route_key,
            "rawPath": self.path,
            "rawQueryString": self.query,
            "headers": headers,
            "queryStringParameters": or_null(query),
            "pathParameters": or_null(path_parameters),
            "requestContext": {
                "accountId": "000000000000",
                "apiId": "local",
                "domainName": "127.0.0.1",
                "domainPrefix": "local",
                "http": {
                    "method": self.method,
                    "path": self.path,
                    "protocol": "HTTP/1.1",
                    "sourceIp": self.source_ip,
                    "userAgent": user_agent,
                },
                "requestId": shared::domain::new_id(),
                "routeKey": self.route_key,
                "stage": "$default",
                "time": now.format("%d/%b/%Y:%H:%M:%S %z").to_string(),
                "timeEpoch": now.timestamp_millis(),
            },
            "body": body,
            "isBase64Encoded": encoded,
        })
    }

    /// The request a function's handler receives for this call.
    pub fn request(&self) -> Result<Request, serde_json::Error> {
        lambda_http::request::from_str(&self.event().to_string())
    }
}

fn into_axum(response: Response<Body>) -> axum::response::Response {
    let (parts, body) = response.into_parts();
    let bytes = match body {
        Body::Text(text) => text.into_bytes(),
        Body::Binary(bytes) => bytes,
        _ => Vec::new(),
    };
    axum::response::Response::from_parts(parts, axum::body::Body::from(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_patterns_capture_parameters() {
        let params = match_path("/forms/{form_id}", "/forms/form_abc").unwrap();
        assert_eq!(params["form_id"], "form_abc");
        assert!(match_path("/forms/{form_id}", "/forms").is_none());
        assert!(match_path("/api/v1/leads", "/api/v1/leads")
            .unwrap()
            .is_empty());
    }

    #[test]
    fn a_literal_segment_is_more_specific_than_a_parameter() {
        let google = match_path("/webhooks/google/{connector_id}", "/webhooks/google/c1");
        let vendor = match_path("/webhooks/{provider}/{connector_id}", "/webhooks/google/c1");
        assert!(google.unwrap().len() < vendor.unwrap().len());
    }

    #[test]
    fn forwarded_ips_are_trusted_only_from_loopback() {
        let mut headers = http::HeaderMap::new();
        headers.insert("x-forwarded-for", "198.51.100.7, 10.0.0.1".parse().unwrap());
        let loopback: SocketAddr = "127.0.0.1:5000".parse().unwrap();
        let remote: SocketAddr = "203.0.113.9:5000".parse().unwrap();
        assert_eq!(client_ip(loopback, &headers), "198.51.100.7");
        assert_eq!(client_ip(remote, &headers), "203.0.113.9");
    }
}
