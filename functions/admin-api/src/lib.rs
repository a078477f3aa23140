//! The admin API of a workspace: connector profiles (create, edit, activate, pause,
//! regenerate, delete, Run Test Import, stats), Recent Imports, leads, territories and
//! API keys. Every route takes an API key with the `admin` scope; the key's workspace
//! scopes every read and write.

use lambda_http::{Body, Request, Response};
use shared::admin::{self, AdminContext};
use shared::domain::{ConnectorId, Scope};
use shared::http::{self, created, json_body, no_content, ok, page, path_param, route_key};
use shared::http::{ApiError, Door};
use shared::store::Store;

/// The door and what it needs, built once per cold start.
#[derive(Debug, Clone)]
pub struct AdminApi {
    pub store: Store,
    /// The domain of inbound mailboxes, shown in email-forward connectors' setup.
    pub inbound_email_domain: Option<String>,
}

impl Door for AdminApi {
    async fn answer(&self, request: &Request) -> Result<Response<Body>, ApiError> {
        let key = http::authenticate(&self.store, request, Scope::Admin).await?;
        let domain = self.inbound_email_domain.as_deref();
        route(AdminContext::of(&self.store, &key, domain), request).await
    }
}

async fn route(ctx: AdminContext<'_>, request: &Request) -> Result<Response<Body>, ApiError> {
    let zip = || path_param::<String>(request, "zip");
    let query = |name| http::query_param(request, name);
    let body = || json_body(request, None);

    Ok(match route_key(request).unwrap_or_default() {
        "POST /admin/connectors" => created(&admin::create_connector(&ctx, body()?).await?),
        "GET /admin/connectors" => ok(&admin::list_connectors(&ctx, page(request)?).await?),
        "GET /admin/connectors/{id}" => {
            ok(&admin::connector(&ctx, &path_param(request, "id")?).await?)
        }
        "PATCH /admin/connectors/{id}" => {
            ok(&admin::update_connector(&ctx, &path_param(request, "id")?, body()?).await?)
        }
        "DELETE /admin/connectors/{id}" => {
            admin::delete_connector(&ctx, &path_param(request, "id")?).await?;
            no_content()
        }
        "GET /admin/connectors/{id}/stats" => {
            ok(&admin::connector(&ctx, &path_param(request, "id")?)
                .await?
                .stats)
        }
        "POST /admin/connectors/{id}/regenerate-key" => {
            ok(&admin::regenerate_key(&ctx, &path_param(request, "id")?).await?)
        }
        "POST /admin/connectors/{id}/test-import" => {
            ok(&admin::test_import(&ctx, &path_param(request, "id")?, body()?).await?)
        }
        "GET /admin/imports" => {
            let connector = query("connector_id").map(ConnectorId::from);
            let status = query("status");
            let listing =
                admin::imports(&ctx, connector.as_ref(), status.as_deref(), page(request)?);
            ok(&listing.await?)
        }
        "GET /admin/imports/{id}" => ok(&admin::import(&ctx, &path_param(request, "id")?).await?),
        "GET /admin/leads/{id}" => ok(&admin::lead(&ctx, &path_param(request, "id")?).await?),
        "GET /admin/territories" => ok(&admin::list_territories(&ctx, page(request)?).await?),
        "PUT /admin/territories/{zip}" => ok(&admin::put_territory(&ctx, &zip()?, body()?).await?),
        "DELETE /admin/territories/{zip}" => {
            admin::delete_territory(&ctx, &zip()?).await?;
            no_content()
        }
        "POST /admin/api-keys" => created(&admin::create_api_key(&ctx, body()?).await?),
        "GET /admin/api-keys" => ok(&admin::list_api_keys(&ctx, page(request)?).await?),
        "DELETE /admin/api-keys/{id}" => {
            admin::revoke_api_key(&ctx, &path_param::<String>(request, "id")?).await?;
            no_content()
        }
        other => {
            tracing::warn!(route = other, "a route this function does not serve");
            return Err(ApiError::NotFound("no such admin route".to_owned()));
        }
    })
}
