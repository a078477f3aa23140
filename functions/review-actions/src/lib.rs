//! The review queue: doubtful email parses held for a person. Listing, and the
//! single-use decisions: approve (the normal pipeline runs once) or reject (the import
//! entry becomes `ignored`). An API key with the `admin` scope; its workspace only.

use lambda_http::{Body, Request, Response};
use shared::admin::http::{admin_key, json_body, ok, page, path_param, route_key};
use shared::admin::{self, AdminContext};
use shared::domain::ImportStatus;
use shared::http::{self, ApiError};
use shared::store::Store;

/// What the handler needs, built once per cold start.
#[derive(Debug, Clone)]
pub struct Deps {
    pub store: Store,
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
        inbound_email_domain: None,
    };
    let id = || path_param(request, "id");

    Ok(match route_key(request).unwrap_or_default() {
        "GET /admin/reviews" => {
            let status = http::query_param(request, "status");
            ok(&admin::list_reviews(&ctx, status.as_deref(), page(request)?).await?)
        }
        "POST /admin/reviews/{id}/approve" => {
            let body = json_body(request, Some(serde_json::json!({})))?;
            let decision = admin::approve_review(&ctx, &id()?, body).await?;
            let created = decision
                .outcome
                .as_ref()
                .is_some_and(|receipt| receipt.status == ImportStatus::Imported);
            http::json(if created { 201 } else { 200 }, &decision)
        }
        "POST /admin/reviews/{id}/reject" => ok(&admin::reject_review(&ctx, &id()?).await?),
        other => {
            tracing::warn!(route = other, "a route this function does not serve");
            return Err(ApiError::NotFound("no such review route".to_owned()));
        }
    })
}
