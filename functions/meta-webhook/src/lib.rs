//! `GET /webhooks/meta`: Meta's subscription handshake. `POST /webhooks/meta`: Page
//! `leadgen` changes, signed with the app secret; each lead is fetched from the Graph
//! API and taken through the shared pipeline. 200 once every change is stored or
//! logged; 5xx only when Meta's redelivery could succeed.

use lambda_http::{Body, Request, Response};
use shared::http::{self, ApiError};
use shared::providers::meta::{self, GraphClient, MetaSecrets};
use shared::providers::WebhookError;
use shared::secrets::Secret;
use shared::store::Store;

/// What the handler needs, built once per cold start; the secret is read on first use.
#[derive(Debug)]
pub struct Deps {
    pub store: Store,
    pub secrets: Secret<MetaSecrets>,
    pub graph: GraphClient,
}

pub async fn handle(deps: &Deps, request: Request) -> Response<Body> {
    let answer = match request.method().as_str() {
        "GET" => subscribe(deps, &request).await,
        "POST" => deliver(deps, &request).await,
        other => Err(ApiError::NotFound(format!(
            "/webhooks/meta takes GET and POST, not {other}"
        ))),
    };
    answer.unwrap_or_else(ApiError::into_response)
}

async fn secrets(deps: &Deps) -> Result<&MetaSecrets, ApiError> {
    deps.secrets
        .get()
        .await
        .map_err(|err| WebhookError::Secret(err).into())
}

async fn subscribe(deps: &Deps, request: &Request) -> Result<Response<Body>, ApiError> {
    let secrets = secrets(deps).await?;
    let param = |name| http::query_param(request, name);
    let (mode, token, challenge) = (
        param("hub.mode"),
        param("hub.verify_token"),
        param("hub.challenge"),
    );
    let answer = meta::handshake(
        &secrets.verify_token,
        mode.as_deref(),
        token.as_deref(),
        challenge.as_deref(),
    );
    match answer {
        Some(challenge) => Ok(plain_text(challenge)),
        None => Err(ApiError::Forbidden(
            "the subscription needs hub.mode=subscribe and the configured hub.verify_token"
                .to_owned(),
        )),
    }
}

async fn deliver(deps: &Deps, request: &Request) -> Result<Response<Body>, ApiError> {
    let secrets = secrets(deps).await?;
    let body = http::body_bytes(request, http::BODY_LIMIT)?;
    let report = meta::receive(
        &deps.store,
        &deps.graph,
        secrets,
        http::header(request, "x-hub-signature-256"),
        body,
        http::origin(request),
    )
    .await?;
    Ok(http::json(200, &report))
}

fn plain_text(text: &str) -> Response<Body> {
    let mut response = Response::new(Body::Text(text.to_owned()));
    response.headers_mut().insert(
        "content-type",
        http::HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    response
}
