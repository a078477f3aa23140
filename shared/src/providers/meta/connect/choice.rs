//! The page chosen for a connector: the app subscribed to its `leadgen` changes with the
//! workspace's page token, the page's route taken for the connector (refused when another
//! connector holds it) and the connector activated; or the page released again.

use super::{ConnectError, MetaConnect};
use crate::domain::{ConnectorId, ConnectorStatus, WorkspaceId};
use crate::http::chain;
use crate::store::{ConnectorRecord, Saved};

/// Subscribes `page_id` (one of the pages the workspace's login stored a token for) to
/// `leadgen`, routes it to the connector and activates the connector.
pub async fn choose_page(
    connect: &MetaConnect,
    workspace_id: &WorkspaceId,
    connector_id: &ConnectorId,
    page_id: Option<&str>,
) -> Result<(), ConnectError> {
    let record = connect.meta_connector(workspace_id, connector_id).await?;
    let page_id = page_id.map(str::trim).filter(|id| !id.is_empty());
    let page_id = page_id.ok_or(ConnectError::NoPageId)?;
    let secrets = connect.secrets().await?;
    let app = MetaConnect::app(&secrets)?;
    let token = connect.pages.token(workspace_id, page_id).await?;
    let token = token.ok_or_else(|| ConnectError::UnknownPage(page_id.to_owned()))?;
    connect
        .graph
        .subscribe(app, page_id, token.expose(), true)
        .await?;
    activate(connect, &record, page_id).await
}

/// Routes `page_id` to the connector and activates it, its "needs reconnect" cleared.
async fn activate(
    connect: &MetaConnect,
    record: &ConnectorRecord,
    page_id: &str,
) -> Result<(), ConnectError> {
    let mut after = record.connector.clone();
    after.settings.page_id = Some(page_id.to_owned());
    after.status = ConnectorStatus::Active;
    after.needs_reconnect = None;
    after.updated_at = connect.store.clock().stamp();
    saved(
        connect,
        &after,
        connect.store.save_connector(record, &after).await?,
        page_id,
    )
    .await
}

/// Unsubscribes the connector's page and releases its route; an active connector is
/// paused (it has no page to take leads from). Nothing to release is not an error.
pub async fn release_page(
    connect: &MetaConnect,
    workspace_id: &WorkspaceId,
    connector_id: &ConnectorId,
) -> Result<(), ConnectError> {
    let record = connect.meta_connector(workspace_id, connector_id).await?;
    let Some(page_id) = record.connector.settings.page_id.clone() else {
        return Ok(());
    };
    let secrets = connect.secrets().await?;
    let app = MetaConnect::app(&secrets)?;
    if let Some(token) = connect.pages.token(workspace_id, &page_id).await? {
        match connect
            .graph
            .subscribe(app, &page_id, token.expose(), false)
            .await
        {
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
    let mut after = record.connector.clone();
    after.settings.page_id = None;
    after.needs_reconnect = None;
    if after.status == ConnectorStatus::Active {
        after.status = ConnectorStatus::Paused;
    }
    after.updated_at = connect.store.clock().stamp();
    let saved_as = connect.store.save_connector(&record, &after).await?;
    saved(connect, &after, saved_as, &page_id).await
}

async fn saved(
    connect: &MetaConnect,
    after: &crate::domain::Connector,
    saved: Saved,
    page_id: &str,
) -> Result<(), ConnectError> {
    match saved {
        Saved::Saved => Ok(()),
        Saved::Missing => Err(ConnectError::UnknownConnector),
        Saved::RouteTaken { .. } => Err(ConnectError::PageTaken(page_id.to_owned())),
        Saved::SlotTaken { connector_id } => {
            let name = match connect
                .store
                .connector(&after.workspace_id, &connector_id)
                .await
            {
                Ok(Some(active)) => format!("'{}' ({connector_id})", active.display_name),
                _ => connector_id.to_string(),
            };
            Err(ConnectError::SlotTaken(format!(
                "connector {name} is already the active Meta connector in this workspace; \
                 pause it first"
            )))
        }
        Saved::Stale => Err(ConnectError::Stale),
    }
}
