//! The login handoff: the dialog URL with a fresh `state` for one connector, then the
//! callback that checks the state, turns the code into a long-lived user token, lists
//! the person's pages and stores their page tokens for the workspace.

use super::state::{LoginState, StateError};
use super::{meta_only, ConnectError, MetaConnect};
use crate::clock;
use crate::domain::{ConnectorId, WorkspaceId};
use crate::providers::meta::pages::NewPage;
use serde::Serialize;

/// Where to send the person: the login dialog, valid until `expires_at`.
#[derive(Debug, Clone, Serialize)]
pub struct Authorization {
    pub url: String,
    pub redirect_uri: String,
    pub expires_at: String,
}

/// The callback's query as Facebook Login sends it back.
#[derive(Debug, Clone, Copy, Default)]
pub struct CallbackQuery<'a> {
    pub code: Option<&'a str>,
    pub state: Option<&'a str>,
    /// Set when the person cancelled or refused (`error`, `error_reason`).
    pub error: Option<&'a str>,
    pub error_description: Option<&'a str>,
}

/// A page the person may choose for the connector.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PageChoice {
    pub id: String,
    pub name: Option<String>,
}

/// A completed login: the pages whose tokens are now stored for the workspace.
#[derive(Debug, Clone, Serialize)]
pub struct Connected {
    pub workspace_id: WorkspaceId,
    pub connector_id: ConnectorId,
    pub connector_name: String,
    pub pages: Vec<PageChoice>,
    /// The connector's page, when this login connected it again (its "needs
    /// reconnect" mark is cleared).
    pub reconnected: Option<String>,
    /// The admin page the connector's `redirect_url` names, to send the browser back to.
    pub return_to: Option<String>,
}

impl Connected {
    /// `return_to` with `connector_id` and the page ids (`pages`, comma-separated) added.
    pub fn return_url(&self) -> Option<String> {
        let mut url = url::Url::parse(self.return_to.as_deref()?).ok()?;
        let pages: Vec<&str> = self.pages.iter().map(|p| p.id.as_str()).collect();
        url.query_pairs_mut()
            .append_pair("connector_id", &self.connector_id)
            .append_pair("pages", &pages.join(","));
        Some(url.into())
    }
}

/// The login dialog for the workspace's Meta connector, coming back to `redirect_uri`.
pub async fn authorize(
    connect: &MetaConnect,
    workspace_id: &WorkspaceId,
    connector_id: &ConnectorId,
    redirect_uri: &str,
) -> Result<Authorization, ConnectError> {
    connect.meta_connector(workspace_id, connector_id).await?;
    let secrets = connect.secrets().await?;
    let app = MetaConnect::app(&secrets)?;
    let state = LoginState::new(workspace_id, connector_id, connect.store.clock().epoch());
    let url = connect.meta.graph.login_dialog(
        &connect.dialog_base,
        app.app_id,
        redirect_uri,
        &state.sign(app.app_secret),
    )?;
    Ok(Authorization {
        url,
        redirect_uri: redirect_uri.to_owned(),
        expires_at: clock::stamp_epoch(state.expires_at),
    })
}

/// Facebook Login's answer at `redirect_uri` (the same the dialog was opened with). A
/// bad, used or expired state stores nothing.
pub async fn callback(
    connect: &MetaConnect,
    query: CallbackQuery<'_>,
    redirect_uri: &str,
) -> Result<Connected, ConnectError> {
    let secrets = connect.secrets().await?;
    let app = MetaConnect::app(&secrets)?;
    let now = connect.store.clock().epoch();
    let state =
        LoginState::verify(app.app_secret, query.state, now).map_err(ConnectError::State)?;
    if !connect
        .store
        .spend_oauth_state(&state.nonce, state.expires_at)
        .await?
    {
        return Err(ConnectError::State(StateError::Used));
    }
    if let Some(error) = query.error.filter(|e| !e.trim().is_empty()) {
        let said = query.error_description.unwrap_or(error);
        return Err(ConnectError::Declined(said.chars().take(200).collect()));
    }
    let code = query.code.map(str::trim).filter(|c| !c.is_empty());
    let code = code.ok_or_else(|| ConnectError::Declined("Facebook sent no code".to_owned()))?;
    let record = connect
        .store
        .connector_record(&state.workspace_id, &state.connector_id);
    let connector = record
        .await?
        .ok_or(ConnectError::UnknownConnector)?
        .connector;
    meta_only(&connector)?;

    let short = connect
        .meta
        .graph
        .exchange_code(app, code, redirect_uri)
        .await?;
    let user = connect
        .meta
        .graph
        .long_lived(app, &short.access_token)
        .await?;
    let mut managed = connect
        .meta
        .graph
        .managed_pages(app, &user.access_token)
        .await?;
    managed.retain(|page| page.id.is_meaningful());
    let pages: Vec<PageChoice> = managed
        .iter()
        .map(|page| PageChoice {
            id: page.id.to_string(),
            name: page.name.clone(),
        })
        .collect();
    let tokens = managed
        .into_iter()
        .map(|page| NewPage {
            page_id: page.id.to_string(),
            name: page.name,
            token: page.access_token.expose().to_owned(),
            expires_at: None,
        })
        .collect::<Vec<_>>();
    if !tokens.is_empty() {
        connect
            .meta
            .tokens
            .store(&state.workspace_id, tokens)
            .await?;
    }
    tracing::info!(
        workspace_id = %state.workspace_id,
        connector_id = %state.connector_id,
        pages = pages.len(),
        "Meta login completed: page tokens stored"
    );

    let page = connector.settings.page_id.as_deref();
    let reconnected = page.filter(|page| pages.iter().any(|p| p.id == *page));
    if reconnected.is_some() {
        connect.clear_mark(&connector).await?;
    }
    Ok(Connected {
        workspace_id: state.workspace_id,
        connector_id: state.connector_id,
        connector_name: connector.display_name,
        reconnected: reconnected.map(str::to_owned),
        return_to: connector.settings.redirect_url.clone(),
        pages,
    })
}
