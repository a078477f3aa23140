//! The review queue: doubtful email parses held for a person. Listing, and the
//! single-use decisions: approve (the normal pipeline runs once) or reject (the import
//! entry becomes `ignored`). An API key with the `admin` scope; its workspace only.

use lambda_http::{Body, Request, Response};
use shared::admin::{self, AdminContext};
use shared::domain::{ImportStatus, ReviewId, Scope};
use shared::http::{self, json_body, ok, page, path_param, route_key, ApiError, Door};
use shared::store::Store;

/// The door and what it needs, built once per cold start.
#[derive(Debug, Clone)]
pub struct ReviewActions {
    pub store: Store,
}

impl Door for ReviewActions {
    async fn answer(&self, request: &Request) -> Result<Response<Body>, ApiError> {
        let key = http::authenticate(&self.store, request, Scope::Admin).await?;
        let deployment = admin::Deployment::default();
        let ctx = AdminContext::of(&self.store, &key, &deployment);
        let id = || path_param::<ReviewId>(request, "id");
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
}
