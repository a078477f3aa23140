//! A workspace's Meta pages: page access tokens stored write-only (`PUT`), removed and
//! listed without their tokens, and the check that a page is the workspace's to connect
//! (its stored token reads the page on the Graph API) before a connector takes the
//! page's route.

use super::input::Fields;
use super::{AdminContext, AdminError};
use crate::domain::WorkspaceId;
use crate::providers::meta::{
    GraphClient, GraphError, MetaSecrets, NewPage, PageAccess, PageTokenError, PageTokens,
    StoredPage,
};
use crate::secrets::Secret;
use crate::store::keys::RouteKind;
use serde::Serialize;
use serde_json::Value;
use std::sync::Arc;

/// What the admin API holds and checks Meta pages with: the workspaces' page tokens,
/// the Graph API, and the Meta app's secret (each Graph call carries `appsecret_proof`).
#[derive(Debug, Clone)]
pub struct MetaPages {
    pub tokens: PageTokens,
    pub graph: GraphClient,
    pub app: Arc<Secret<MetaSecrets>>,
}

impl MetaPages {
    /// As a function builds them: the page tokens under `META_PAGES_SECRET_PREFIX`, the
    /// Meta secret `META_SECRET_ID`, the Graph API of `GRAPH_API_BASE` (and version).
    pub fn from_env(aws: &crate::aws::Aws, clock: crate::clock::Clock) -> Result<Self, String> {
        let prefix = crate::aws::env("META_PAGES_SECRET_PREFIX")?;
        Ok(Self {
            tokens: PageTokens::new(aws.secrets(), prefix, clock),
            graph: GraphClient::from_env().map_err(|err| err.to_string())?,
            app: Arc::new(Secret::new(
                aws.secrets(),
                crate::aws::env("META_SECRET_ID")?,
            )),
        })
    }
}

/// A stored page as `GET /admin/meta/pages` shows it: never its token.
#[derive(Debug, Clone, Serialize)]
pub struct MetaPageView {
    pub page_id: String,
    pub name: Option<String>,
    /// RFC 3339.
    pub stored_at: String,
    pub expires_at: Option<String>,
}

/// `{"items": [...]}`.
#[derive(Debug, Clone, Serialize)]
pub struct MetaPageList {
    pub items: Vec<MetaPageView>,
}

const MAX_TOKEN: usize = 1024;
const MAX_NAME: usize = 200;

fn meta<'a>(ctx: &AdminContext<'a>) -> Result<&'a MetaPages, AdminError> {
    ctx.meta.ok_or_else(|| {
        AdminError::Unavailable("this function is not set up to reach Meta pages".into())
    })
}

/// Meta page ids are numbers.
fn page_id(raw: &str) -> Result<&str, AdminError> {
    let id = raw.trim();
    if id.is_empty() || id.len() > 32 || !id.bytes().all(|b| b.is_ascii_digit()) {
        return Err(AdminError::field(
            "page_id",
            "must be a Meta page id (digits)",
        ));
    }
    Ok(id)
}

/// `PUT /admin/meta/pages/{page_id}` `{"token", "name"?}`: stores (or replaces) the page's
/// access token in the workspace's secret. Write-only: the token is never answered.
pub async fn put_meta_page(
    ctx: &AdminContext<'_>,
    raw_page_id: &str,
    body: Value,
) -> Result<(), AdminError> {
    let page_id = page_id(raw_page_id)?.to_owned();
    let meta = meta(ctx)?;
    let mut fields = Fields::new(body)?;
    let token = fields.text("token", MAX_TOKEN);
    let name = fields.text("name", MAX_NAME);
    if token.is_none() && !fields.errors.iter().any(|e| e.field == "token") {
        fields.error("token", "is required: the page access token");
    }
    fields.finish()?;
    let page = NewPage {
        page_id: page_id.clone(),
        name,
        token: token.unwrap_or_default(),
        expires_at: None,
    };
    meta.tokens
        .store(ctx.workspace_id, vec![page])
        .await
        .map_err(tokens_error)?;
    reconnected(ctx, &page_id).await
}

/// A new token for `page_id` takes the "needs reconnect" mark off the workspace's
/// connector routed to the page, as a login does: the Meta door stops holding its leads
/// back (within its configuration cache's time), not at the next daily check.
async fn reconnected(ctx: &AdminContext<'_>, page_id: &str) -> Result<(), AdminError> {
    let store = ctx.store;
    let routed = store
        .connector_by_route(RouteKind::MetaPage, page_id)
        .await?;
    let Some(routed) = routed.filter(|c| c.workspace_id == *ctx.workspace_id) else {
        return Ok(());
    };
    // Read as stored, not as cached: the mark may be newer than the route's connector.
    let current = store.connector(ctx.workspace_id, &routed.id).await?;
    let mark = current.and_then(|connector| connector.needs_reconnect);
    if mark.is_some_and(|mark| mark.page_id == page_id) {
        store
            .mark_reconnect(ctx.workspace_id, &routed.id, None)
            .await?;
    }
    Ok(())
}

/// `DELETE /admin/meta/pages/{page_id}`: forgets the page's token (404 when none).
pub async fn delete_meta_page(ctx: &AdminContext<'_>, raw_page_id: &str) -> Result<(), AdminError> {
    let page_id = page_id(raw_page_id)?;
    let removed = meta(ctx)?.tokens.remove(ctx.workspace_id, page_id).await;
    match removed.map_err(tokens_error)? {
        true => Ok(()),
        false => Err(AdminError::NotFound("Meta page")),
    }
}

/// `GET /admin/meta/pages`: the workspace's pages, ids, names and dates, no tokens.
pub async fn list_meta_pages(ctx: &AdminContext<'_>) -> Result<MetaPageList, AdminError> {
    let pages = meta(ctx)?.tokens.list(ctx.workspace_id).await;
    let items = pages.map_err(tokens_error)?.into_iter().map(view).collect();
    Ok(MetaPageList { items })
}

fn view(page: StoredPage) -> MetaPageView {
    use crate::clock::stamp_epoch;
    MetaPageView {
        stored_at: stamp_epoch(page.stored_at),
        expires_at: page.expires_at.map(stamp_epoch),
        page_id: page.page_id,
        name: page.name,
    }
}

/// Whether `workspace` may connect the Meta page `page_id`: the token it stored for the
/// page reads the page on the Graph API (`GET /{version}/{page_id}?fields=id`). Call it
/// before a connector takes the page's route: creating or activating a Meta connector,
/// changing its page id, and issue 20's `POST /admin/connectors/{id}/meta/page`
/// ("check page, take route, activate"). No token: 422 on `field` saying to store it
/// first; Meta refuses: 422 with Meta's reason; Meta or Secrets Manager unreachable: 503.
pub async fn check_meta_page(
    ctx: &AdminContext<'_>,
    workspace: &WorkspaceId,
    page_id: &str,
    field: &str,
) -> Result<(), AdminError> {
    let meta = meta(ctx)?;
    let token = meta.tokens.fresh_token(workspace, page_id).await;
    let Some(token) = token.map_err(tokens_error)? else {
        return Err(AdminError::field(
            field,
            format!(
                "this workspace holds no access token for Meta page {page_id}: store the \
                 page's token first (PUT /admin/meta/pages/{page_id})"
            ),
        ));
    };
    let app = meta.app.get().await.map_err(|err| {
        tracing::error!(error = %crate::http::chain(&err), "the Meta secret cannot be read");
        AdminError::Unavailable("the Meta app secret is not set up (leadctl meta set)".into())
    })?;
    let access = PageAccess {
        access_token: token.expose(),
        app_secret: &app.app_secret,
    };
    match meta.graph.page(page_id, access).await {
        Ok(()) => Ok(()),
        Err(err) if err.is_retryable() => {
            tracing::warn!(page_id, error = %crate::http::chain(&err), "the Graph API is unavailable");
            Err(AdminError::Unavailable(
                "Meta's Graph API could not be reached to check the page; retry later".into(),
            ))
        }
        Err(err) => Err(AdminError::field(
            field,
            format!(
                "Meta refused to read page {page_id} with this workspace's stored token: {}",
                refusal(&err)
            ),
        )),
    }
}

/// Meta's own words for a refusal (capped), or what the answer was.
fn refusal(err: &GraphError) -> String {
    match err {
        GraphError::Api(fault) => {
            let message: String = fault.message.chars().take(300).collect();
            format!("{message} (code {})", fault.code)
        }
        other => other.to_string(),
    }
}

fn tokens_error(err: PageTokenError) -> AdminError {
    match err {
        PageTokenError::TooLarge { .. } => AdminError::field("page_id", err.to_string()),
        err if err.is_retryable() => {
            tracing::warn!(error = %crate::http::chain(&err), "page tokens unavailable");
            AdminError::Unavailable("the page tokens could not be reached; retry later".into())
        }
        err => AdminError::Unexpected(Box::new(err)),
    }
}
