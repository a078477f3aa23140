//! The admin API of a workspace: connector profiles (create, edit, activate, pause,
//! regenerate, delete, Run Test Import, stats), Recent Imports and their retries, leads
//! (JSON or CSV), source performance, territories, API keys, the workspace's settings,
//! forwarding destinations and their deliveries, bulk imports, Meta page tokens
//! (write-only) checked against the Graph API before a Meta connector takes a page. Every route takes an API
//! key with the `admin` scope; the key's workspace scopes every read and write.

use lambda_http::{Body, Request, Response};
use shared::admin::{self, AdminContext, Deployment, MetaPages, Uploads};
use shared::domain::{ConnectorId, Scope};
use shared::forwarding::Reach;
use shared::http::{self, created, json_body, no_content, ok, page, path_param, route_key};
use shared::http::{ApiError, Door};
use shared::store::Store;
use std::borrow::Cow;

/// The door and what it needs, built once per cold start.
#[derive(Debug, Clone)]
pub struct AdminApi {
    pub store: Store,
    /// What setup answers show. An empty `base_url` is the host each request came in
    /// through (the HTTP API's own URL).
    pub deployment: Deployment,
    /// What forwarding destinations may point at.
    pub reach: Reach,
    /// Where bulk imports are uploaded.
    pub uploads: Uploads,
    /// The workspaces' Meta page tokens and the Graph API that checks them.
    pub meta: MetaPages,
}

impl Door for AdminApi {
    async fn answer(&self, request: &Request) -> Result<Response<Body>, ApiError> {
        let key = http::authenticate(&self.store, request, Scope::Admin).await?;
        let deployment = match http::public_base(request) {
            Some(base) if self.deployment.base_url.is_empty() => Cow::Owned(Deployment {
                base_url: base,
                ..self.deployment.clone()
            }),
            _ => Cow::Borrowed(&self.deployment),
        };
        let ctx = AdminContext::of(&self.store, &key, &deployment).with_meta(&self.meta);
        match route_key(request).unwrap_or_default() {
            route
                if route.contains("/admin/destinations") || route.contains("/admin/deliveries") =>
            {
                forwarding(ctx, self.reach, route, request).await
            }
            route if route.contains("/admin/bulk-imports") => {
                bulk_imports(ctx, &self.uploads, route, request).await
            }
            _ => self::route(ctx, request).await,
        }
    }
}

/// Destinations and their deliveries.
async fn forwarding(
    ctx: AdminContext<'_>,
    reach: Reach,
    route: &str,
    request: &Request,
) -> Result<Response<Body>, ApiError> {
    let id = || path_param(request, "id");
    let body = || json_body(request, None);
    Ok(match route {
        "POST /admin/destinations" => {
            created(&admin::create_destination(&ctx, reach, body()?).await?)
        }
        "GET /admin/destinations" => ok(&admin::list_destinations(&ctx, page(request)?).await?),
        "GET /admin/destinations/{id}" => ok(&admin::destination(&ctx, &id()?).await?),
        "PATCH /admin/destinations/{id}" => {
            ok(&admin::update_destination(&ctx, reach, &id()?, body()?).await?)
        }
        "DELETE /admin/destinations/{id}" => {
            admin::delete_destination(&ctx, &id()?).await?;
            no_content()
        }
        "POST /admin/destinations/{id}/rotate-secret" => {
            let body = json_body(request, Some(serde_json::json!({})))?;
            ok(&admin::rotate_secret(&ctx, &id()?, body).await?)
        }
        "GET /admin/destinations/{id}/deliveries" => {
            let status = http::query_param(request, "status");
            let destination = id()?;
            let listing = admin::deliveries(&ctx, &destination, status.as_deref(), page(request)?);
            ok(&listing.await?)
        }
        "POST /admin/deliveries/{id}/redeliver" => shared::http::json(
            202,
            &admin::redeliver(&ctx, &path_param(request, "id")?).await?,
        ),
        other => return Err(unserved(other)),
    })
}

/// Bulk imports: create (with the upload URL), read, and the failed rows.
async fn bulk_imports(
    ctx: AdminContext<'_>,
    uploads: &Uploads,
    route: &str,
    request: &Request,
) -> Result<Response<Body>, ApiError> {
    let id = || path_param(request, "id");
    Ok(match route {
        "POST /admin/bulk-imports" => {
            created(&admin::create_bulk_import(&ctx, uploads, json_body(request, None)?).await?)
        }
        "GET /admin/bulk-imports/{id}" => ok(&admin::bulk_import(&ctx, &id()?).await?),
        "GET /admin/bulk-imports/{id}/failures" => {
            match http::query_param(request, "format").as_deref() {
                None | Some("csv") => {
                    let id = id()?;
                    let file = format!("bulk-import-{id}-failures.csv");
                    http::csv(admin::bulk_failures_csv(&ctx, &id).await?, &file)
                }
                Some("json") => {
                    let (_, items) = admin::bulk_failures(&ctx, &id()?).await?;
                    ok(&serde_json::json!({ "items": items }))
                }
                Some(_) => {
                    return Err(ApiError::BadRequest(
                        "format must be csv or json".to_owned(),
                    ))
                }
            }
        }
        other => return Err(unserved(other)),
    })
}

fn unserved(route: &str) -> ApiError {
    tracing::warn!(route, "a route this function does not serve");
    ApiError::NotFound("no such admin route".to_owned())
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
        "POST /admin/imports/{id}/retry" => {
            ok(&admin::retry_import(&ctx, &path_param(request, "id")?).await?)
        }
        "POST /admin/imports/retry" => {
            let filter = json_body(request, Some(serde_json::json!({})))?;
            ok(&admin::retry_imports(&ctx, filter).await?)
        }
        "GET /admin/leads" => leads(&ctx, request).await?,
        "GET /admin/leads/{id}" => ok(&admin::lead(&ctx, &path_param(request, "id")?).await?),
        "GET /admin/stats" => {
            let (since, until) = (query("since"), query("until"));
            let group_by = query("group_by");
            let report = admin::stats(
                &ctx,
                since.as_deref(),
                until.as_deref(),
                group_by.as_deref(),
            );
            ok(&report.await?)
        }
        "GET /admin/territories" => ok(&admin::list_territories(&ctx, page(request)?).await?),
        "PUT /admin/territories/{zip}" => ok(&admin::put_territory(&ctx, &zip()?, body()?).await?),
        "DELETE /admin/territories/{zip}" => {
            admin::delete_territory(&ctx, &zip()?).await?;
            no_content()
        }
        "GET /admin/workspace" => ok(&admin::workspace(&ctx).await?),
        "PATCH /admin/workspace" => ok(&admin::update_workspace(&ctx, body()?).await?),
        "POST /admin/api-keys" => created(&admin::create_api_key(&ctx, body()?).await?),
        "GET /admin/api-keys" => ok(&admin::list_api_keys(&ctx, page(request)?).await?),
        "DELETE /admin/api-keys/{id}" => {
            admin::revoke_api_key(&ctx, &path_param::<String>(request, "id")?).await?;
            no_content()
        }
        "GET /admin/meta/pages" => ok(&admin::list_meta_pages(&ctx).await?),
        "PUT /admin/meta/pages/{page_id}" => {
            let page_id = path_param::<String>(request, "page_id")?;
            admin::put_meta_page(&ctx, &page_id, body()?).await?;
            no_content()
        }
        "DELETE /admin/meta/pages/{page_id}" => {
            admin::delete_meta_page(&ctx, &path_param::<String>(request, "page_id")?).await?;
            no_content()
        }
        other => return Err(unserved(other)),
    })
}

/// `GET /admin/leads`: a JSON page, or CSV (`?format=csv`, or `Accept: text/csv`) whose
/// `Link: <…>; rel="next"` names the rest of the selection.
async fn leads(ctx: &AdminContext<'_>, request: &Request) -> Result<Response<Body>, ApiError> {
    let query = |name| http::query_param(request, name);
    let search = admin::LeadSearch {
        connector_id: query("connector_id"),
        source: query("source"),
        assigned_rep: query("assigned_rep"),
        since: query("since"),
        until: query("until"),
        q: query("q"),
    };
    let accepts_csv = || http::header(request, "accept").is_some_and(|a| a.contains("text/csv"));
    let csv = match query("format").as_deref() {
        None | Some("") => accepts_csv(),
        Some("json") => false,
        Some("csv") => true,
        Some(_) => {
            return Err(ApiError::BadRequest(
                "format must be json or csv".to_owned(),
            ))
        }
    };
    if !csv {
        return Ok(ok(&admin::leads(ctx, &search, page(request)?).await?));
    }
    let rows = admin::csv_rows(query("limit").as_deref())?;
    let cursor = query("cursor").filter(|cursor| !cursor.is_empty());
    let export = admin::leads_csv(ctx, &search, rows, cursor).await?;
    let response = http::csv(export.body, "leads.csv");
    Ok(match export.cursor {
        Some(cursor) => {
            let next = format!("<{}>; rel=\"next\"", http::next_page(request, &cursor));
            http::with_headers(response, [("link", next)])
        }
        None => response,
    })
}
