//! Connect Meta. `POST /admin/connectors/{id}/meta/authorize` answers the Facebook Login
//! dialog URL; `GET /oauth/meta/callback` (public: Facebook sends the person's browser
//! back) stores the workspace's page tokens and shows the pages; `POST` and `DELETE
//! /admin/connectors/{id}/meta/page` choose a page (subscribed to `leadgen`, routed,
//! the connector activated) or release it ([`shared::providers::meta::connect`]).

use lambda_http::{Body, Request, Response};
use shared::admin::{AdminContext, Deployment};
use shared::domain::{ConnectorId, Scope};
use shared::http::{self, ApiError, Door};
use shared::providers::meta::connect::{self, CallbackQuery};
use shared::providers::meta::MetaConnect;

/// Where Facebook Login sends the person back, under the API's base URL.
pub const CALLBACK_PATH: &str = "/oauth/meta/callback";

/// The door and what it needs, built once per cold start.
#[derive(Debug)]
pub struct MetaConnectDoor {
    pub connect: MetaConnect,
    /// The API's public base URL (a custom domain); empty: the host each request came
    /// in through. The callback's URL must be the same in the dialog and the exchange.
    pub deployment: Deployment,
}

impl Door for MetaConnectDoor {
    async fn answer(&self, request: &Request) -> Result<Response<Body>, ApiError> {
        if http::route_key(request) == Some("GET /oauth/meta/callback") {
            return Ok(self.callback(request).await);
        }
        let key = http::authenticate(&self.connect.store, request, Scope::Admin).await?;
        let connector: ConnectorId = http::path_param(request, "id")?;
        let workspace = &key.workspace_id;
        let connect = &self.connect;
        match http::route_key(request).unwrap_or_default() {
            "POST /admin/connectors/{id}/meta/authorize" => {
                let redirect_uri = self.redirect_uri(request);
                let authorization =
                    connect::authorize(connect, workspace, &connector, &redirect_uri).await?;
                Ok(http::ok(&authorization))
            }
            "POST /admin/connectors/{id}/meta/page" => {
                let body = http::json_body(request, Some(serde_json::json!({})))?;
                let page_id = match &body["page_id"] {
                    serde_json::Value::String(id) => Some(id.clone()),
                    serde_json::Value::Number(id) => Some(id.to_string()),
                    _ => None,
                };
                let ctx = self.admin(&key);
                let chosen = connect::choose_page(connect, &ctx, &connector, page_id.as_deref());
                Ok(http::ok(&chosen.await?))
            }
            "DELETE /admin/connectors/{id}/meta/page" => {
                let ctx = self.admin(&key);
                Ok(http::ok(
                    &connect::release_page(connect, &ctx, &connector).await?,
                ))
            }
            other => {
                tracing::warn!(route = other, "a route this function does not serve");
                Err(ApiError::NotFound("no such route".to_owned()))
            }
        }
    }
}

impl MetaConnectDoor {
    fn redirect_uri(&self, request: &Request) -> String {
        let base = match http::public_base(request) {
            Some(base) if self.deployment.base_url.is_empty() => base,
            _ => self.deployment.base_url.clone(),
        };
        format!("{}{CALLBACK_PATH}", base.trim_end_matches('/'))
    }

    async fn callback(&self, request: &Request) -> Response<Body> {
        let param = |name| http::query_param(request, name);
        let (code, state) = (param("code"), param("state"));
        let (error, error_description) = (param("error"), param("error_description"));
        let query = CallbackQuery {
            code: code.as_deref(),
            state: state.as_deref(),
            error: error.as_deref(),
            error_description: error_description.as_deref(),
        };
        let redirect_uri = self.redirect_uri(request);
        http::meta_login(connect::callback(&self.connect, query, &redirect_uri).await)
    }

    /// The admin API's context for `key`'s workspace, able to check Meta pages.
    fn admin<'a>(&'a self, key: &'a shared::domain::ApiKey) -> AdminContext<'a> {
        AdminContext::of(&self.connect.store, key, &self.deployment).with_meta(&self.connect.meta)
    }
}
