//! The page chosen for a connector: the app subscribed to its `leadgen` changes with the
//! workspace's page token, then the connector edited as the admin API edits it (the
//! page's token checked on the Graph API, its route taken, refused when another
//! connector holds it, the connector activated); or the page released again.

use super::{ConnectError, MetaConnect};
use crate::admin::{self, AdminContext, ConnectorView};
use crate::domain::{ConnectorId, ConnectorStatus};
use crate::http::chain;
use serde_json::json;

/// Subscribes `page_id` (one of the pages the workspace's login stored a token for) to
/// `leadgen`, routes it to the connector and activates the connector; a "needs
/// reconnect" mark goes, the page's token being a fresh one.
pub async fn choose_page(
    connect: &MetaConnect,
    ctx: &AdminContext<'_>,
    connector_id: &ConnectorId,
    page_id: Option<&str>,
) -> Result<ConnectorView, ConnectError> {
    let record = connect
        .meta_connector(ctx.workspace_id, connector_id)
        .await?;
    let page_id = page_id.map(str::trim).filter(|id| !id.is_empty());
    let page_id = page_id.ok_or(ConnectError::NoPageId)?;
    let secrets = connect.secrets().await?;
    let app = MetaConnect::app(&secrets)?;
    // Past this container's cache: the login that stored the page's token may have run
    // in another one moments ago.
    let tokens = &connect.meta.tokens;
    let token = tokens.fresh_token(ctx.workspace_id, page_id).await?;
    let token = token.ok_or_else(|| ConnectError::UnknownPage(page_id.to_owned()))?;
    let graph = &connect.meta.graph;
    if !graph.subscribe(app, page_id, token.expose(), true).await? {
        return Err(ConnectError::NotSubscribed(page_id.to_owned()));
    }
    let edit = json!({ "status": "active", "settings": { "page_id": page_id } });
    let mut view = admin::update_connector(ctx, connector_id, edit).await?;
    // Only once the edit is taken: a refused one leaves the connector as it was.
    if connect.clear_mark(&record.connector).await? {
        view.connector.needs_reconnect = None;
    }
    Ok(view)
}

/// Unsubscribes the connector's page and releases its route; an active connector is
/// paused (it has no page to take leads from). Nothing to release is not an error.
pub async fn release_page(
    connect: &MetaConnect,
    ctx: &AdminContext<'_>,
    connector_id: &ConnectorId,
) -> Result<ConnectorView, ConnectError> {
    let record = connect
        .meta_connector(ctx.workspace_id, connector_id)
        .await?;
    let Some(page_id) = record.connector.settings.page_id.clone() else {
        return Ok(admin::connector(ctx, connector_id).await?);
    };
    let secrets = connect.secrets().await?;
    let app = MetaConnect::app(&secrets)?;
    if let Some(token) = connect
        .meta
        .tokens
        .token(ctx.workspace_id, &page_id)
        .await?
    {
        let graph = &connect.meta.graph;
        match graph.subscribe(app, &page_id, token.expose(), false).await {
            Ok(_) => {}
            Err(err) if err.is_retryable() => return Err(err.into()),
            // A dead token cannot unsubscribe; the route goes all the same, so the
            // page's leads reach no connector.
            Err(err) => tracing::warn!(
                page_id,
                error = %chain(&err),
                "the page's subscription could not be removed"
            ),
        }
    }
    let mut edit = json!({ "settings": { "page_id": null } });
    if record.connector.status == ConnectorStatus::Active {
        edit["status"] = "paused".into();
    }
    let mut view = admin::update_connector(ctx, connector_id, edit).await?;
    if connect.clear_mark(&record.connector).await? {
        view.connector.needs_reconnect = None;
    }
    Ok(view)
}
