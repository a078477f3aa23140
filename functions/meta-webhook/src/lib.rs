//! `GET /webhooks/meta`: Meta's subscription handshake. `POST /webhooks/meta`: Page
//! `leadgen` changes, signed with the app secret; each lead is fetched from the Graph
//! API and taken through the shared pipeline ([`shared::providers::meta`]). 200 once
//! every change is stored or logged; 5xx only when Meta's redelivery could succeed.

use lambda_http::{Body, Request, Response};
use shared::http::{self, ApiError, Door};
use shared::providers::meta::{self, GraphClient, MetaDelivery, MetaSecrets, PageTokens};
use shared::providers::WebhookError;
use shared::secrets::Secret;
use shared::store::Store;
use std::sync::Arc;

/// The door and what it needs, built once per cold start; the secret and each
/// workspace's page tokens are read on first use and again once their time to live has
/// passed.
#[derive(Debug)]
pub struct MetaWebhook {
    pub store: Store,
    pub secrets: Secret<MetaSecrets>,
    /// Each workspace's page access tokens: a page's leads are read with the token of
    /// the workspace its route points to.
    pub pages: PageTokens,
    pub graph: GraphClient,
}

impl Door for MetaWebhook {
    async fn answer(&self, request: &Request) -> Result<Response<Body>, ApiError> {
        match request.method().as_str() {
            "GET" => self.subscribe(request).await,
            "POST" => self.deliver(request).await,
            other => Err(ApiError::NotFound(format!(
                "/webhooks/meta takes GET and POST, not {other}"
            ))),
        }
    }
}

impl MetaWebhook {
    async fn secrets(&self) -> Result<Arc<MetaSecrets>, ApiError> {
        self.secrets
            .get()
            .await
            .map_err(|err| WebhookError::Secret(err).into())
    }

    async fn subscribe(&self, request: &Request) -> Result<Response<Body>, ApiError> {
        let secrets = self.secrets().await?;
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
            Some(challenge) => Ok(http::plain_text(challenge)),
            None => Err(ApiError::Forbidden(
                "the subscription needs hub.mode=subscribe and the configured hub.verify_token"
                    .to_owned(),
            )),
        }
    }

    async fn deliver(&self, request: &Request) -> Result<Response<Body>, ApiError> {
        let delivery = MetaDelivery {
            signature: http::header(request, "x-hub-signature-256"),
            body: http::body_bytes(request, http::BODY_LIMIT)?,
            origin: http::origin(request),
            deadline: http::deadline(request),
        };
        let report = meta::receive(
            &self.store,
            &self.graph,
            &self.secrets,
            &self.pages,
            delivery,
        )
        .await?;
        Ok(http::ok(&report))
    }
}
