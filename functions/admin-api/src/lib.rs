//! The admin API of a workspace: connector profiles (create, edit, activate, pause,
//! regenerate, delete, Run Test Import, stats), Recent Imports, leads, territories and
//! API keys. Every route takes an API key with the `admin` scope; the key's workspace
//! scopes every read and write.

use lambda_http::{Body, Request, Response};
use shared::admin::http::{
    admin_key, created, json_body, no_content, ok, page, path_param, route_key,
};
use shared::admin::{self, AdminContext};
use shared::http::{self, ApiError};
use shared::store::Store;

/// What the handler needs, built once per cold start.
#[derive(Debug, Clone)]
pub struct Deps {
    pub store: Store,
    /// The domain of inbound mailboxes, shown in email-forward connectors' setup.
    pub inbound_email_domain: Option<String>,
}

pub async fn handle(deps: &Deps, request: Request) -> Response<Body> {
    match serve(deps, &request).await {
        Ok(response) => response,
        Err(err) => err.into_response(),
    }
}

async fn serve(deps: &Deps, request: &Request) -> Result<Response<Body>, ApiError> {
    let key = admin_key(&deps.store, request).await?;
    let ctx = AdminContext {
        store: &deps.store,
        workspace_id: &key.workspace_id,
        inbound_email_domain: deps.inbound_email_domain.as_deref(),
    };
    let id = || path_param(request, "id");
    let zip = || path_param(request, "zip");
    let query = |name| http::query_param(request, name);
    let body = || json_body(request, None);

    Ok(match route_key(request).unwrap_or_default() {
        "POST /admin/connectors" => created(&admin::create_connector(&ctx, body()?).await?),
        "GET /admin/connectors" => ok(&admin::list_connectors(&ctx, page(request)?).await?),
        "GET /admin/connectors/{id}" => ok(&admin::connector(&ctx, &id()?).await?),
        "PATCH /admin/connectors/{id}" => {
            ok(&admin::update_connector(&ctx, &id()?, body()?).await?)
        }
        "DELETE /admin/connectors/{id}" => {
            admin::delete_connector(&ctx, &id()?).await?;
            no_content()
        }
        "GET /admin/connectors/{id}/stats" => ok(&admin::connector(&ctx, &id()?).await?.stats),
        "POST /admin/connectors/{id}/regenerate-key" => {
            ok(&admin::regenerate_key(&ctx, &id()?).await?)
        }
        "POST /admin/connectors/{id}/test-import" => {
            ok(&admin::test_import(&ctx, &id()?, body()?).await?)
        }
        "GET /admin/imports" => {
            let (connector, status) = (query("connector_id"), query("status"));
            let listing = admin::imports(
                &ctx,
                connector.as_deref(),
                status.as_deref(),
                page(request)?,
            );
            ok(&listing.await?)
        }
        "GET /admin/imports/{id}" => ok(&admin::import(&ctx, &id()?).await?),
        "GET /admin/leads/{id}" => ok(&admin::lead(&ctx, &id()?).await?),
        "GET /admin/territories" => ok(&admin::list_territories(&ctx, page(request)?).await?),
        "PUT /admin/territories/{zip}" => ok(&admin::put_territory(&ctx, &zip()?, body()?).await?),
        "DELETE /admin/territories/{zip}" => {
            admin::delete_territory(&ctx, &zip()?).await?;
            no_content()
        }
        "POST /admin/api-keys" => created(&admin::create_api_key(&ctx, body()?).await?),
        "GET /admin/api-keys" => ok(&admin::list_api_keys(&ctx, page(request)?).await?),
        "DELETE /admin/api-keys/{id}" => {
            admin::revoke_api_key(&ctx, &id()?).await?;
            no_content()
        }
        other => {
            tracing::warn!(route = other, "a route this function does not serve");
            return Err(ApiError::NotFound("no such admin route".to_owned()));
        }
    })
}
