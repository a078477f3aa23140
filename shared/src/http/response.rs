//! The one set of answers every door builds its responses from.

use lambda_http::{Body, Response};
use serde::Serialize;

pub use http::HeaderValue;

/// An empty response with `status`.
pub fn status(status: u16) -> Response<Body> {
    with_status(Response::new(Body::Empty), status)
}

fn with_status(mut response: Response<Body>, status: u16) -> Response<Body> {
    *response.status_mut() =
        http::StatusCode::from_u16(status).unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR);
    response
}

fn typed(status: u16, body: String, content_type: &'static str) -> Response<Body> {
    let mut response = with_status(Response::new(Body::Text(body)), status);
    response.headers_mut().insert(
        http::header::CONTENT_TYPE,
        HeaderValue::from_static(content_type),
    );
    response
}

/// A JSON response with `status`.
pub fn json<T: Serialize>(status: u16, value: &T) -> Response<Body> {
    let body = serde_json::to_string(value).unwrap_or_else(|_| "{}".to_owned());
    json_text(status, body)
}

/// A JSON response whose body is already serialised (a stored idempotent response).
pub fn json_text(status: u16, body: String) -> Response<Body> {
    typed(status, body, "application/json")
}

/// `200 OK` with `value` as JSON.
pub fn ok<T: Serialize>(value: &T) -> Response<Body> {
    json(200, value)
}

/// `201 Created` with `value` as JSON.
pub fn created<T: Serialize>(value: &T) -> Response<Body> {
    json(201, value)
}

/// `204 No Content`.
pub fn no_content() -> Response<Body> {
    status(204)
}

/// An HTML page with `status`.
pub fn html(status: u16, page: String) -> Response<Body> {
    typed(status, page, "text/html; charset=utf-8")
}

/// `200 OK` with plain text.
pub fn plain_text(text: &str) -> Response<Body> {
    typed(200, text.to_owned(), "text/plain; charset=utf-8")
}

/// `200 OK` with a CSV document (RFC 4180, UTF-8, a header row), offered as a download
/// named `filename`.
pub fn csv(body: String, filename: &str) -> Response<Body> {
    let response = typed(200, body, "text/csv; charset=utf-8; header=present");
    let disposition = format!("attachment; filename=\"{filename}\"");
    with_headers(response, [("content-disposition", disposition)])
}

/// `303 See Other` to `location`.
pub fn see_other(location: &str) -> Response<Body> {
    let mut response = status(303);
    if let Ok(location) = HeaderValue::from_str(location) {
        response
            .headers_mut()
            .insert(http::header::LOCATION, location);
    }
    response
}

/// Adds `headers` to `response`, skipping any value a header cannot carry.
pub fn with_headers(
    mut response: Response<Body>,
    headers: impl IntoIterator<Item = (&'static str, String)>,
) -> Response<Body> {
    for (name, value) in headers {
        if let Ok(value) = HeaderValue::from_str(&value) {
            response.headers_mut().insert(name, value);
        }
    }
    response
}

/// A small, self-contained HTML page: `title` (escaped here) as its heading, then
/// `body` (markup the caller escaped).
pub fn html_document(title: &str, body: &str) -> String {
    format!(
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{title}</title>\n\
         <style>body{{font-family:system-ui,sans-serif;max-width:36rem;margin:4rem auto;\
         padding:0 1rem;line-height:1.5}}</style>\n</head>\n<body>\n<h1>{title}</h1>\n{body}\n\
         </body>\n</html>\n",
        title = escape_html(title),
    )
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
