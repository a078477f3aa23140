//! The HTTP edge, and the only one: API Gateway requests read, every use case's
//! outcome and refusal turned into an answer (problem+json per RFC 9457 for errors),
//! and the [`Door`] every HTTP function runs as.

mod answer;
mod door;
mod error;
mod refusals;
mod request;
mod response;

#[cfg(feature = "admin")]
pub use answer::meta_login;
pub use answer::{acknowledge, api, api_stored, form, lead, preflight, respond};
pub use door::{answer, run, serve, Door};
pub use error::{chain, ApiError, Problem};
#[cfg(feature = "admin")]
pub use request::page;
pub use request::{
    body_bytes, deadline, header, headers, json_body, next_page, origin, path_param, public_base,
    query_param, require_json, route_key, url, BODY_LIMIT,
};
pub use response::{
    created, csv, escape_html, html, html_document, json, json_text, no_content, ok, plain_text,
    see_other, status, with_headers, HeaderValue,
};

use crate::domain::{ApiKey, Scope};
use crate::store::Store;
use lambda_http::Request;

/// The request's API key, which must hold `scope`: its workspace is the only one the
/// request may read or change.
pub async fn authenticate(
    store: &Store,
    request: &Request,
    scope: Scope,
) -> Result<ApiKey, ApiError> {
    let header = header(request, "authorization");
    Ok(crate::auth::authenticate(store, header, scope).await?)
}
