//! Connect Meta without pasting ids: the Facebook Login handoff (a signed, single-use,
//! expiring `state`), the workspace's page tokens stored from the login, the page chosen
//! (subscribed to `leadgen`, routed to the connector, the connector activated) or
//! released, and the daily health check of every routed page's token.

mod choice;
mod handoff;
mod health;
pub mod html;
mod state;

pub use choice::{choose_page, release_page};
pub use handoff::{authorize, callback, Authorization, CallbackQuery, Connected, PageChoice};
pub use health::{check_tokens, HealthReport, EXPIRY_WARNING};
pub use state::{LoginState, StateError, STATE_TTL};

use super::graph::GraphError;
use super::login::MetaApp;
use super::pages::PageTokenError;
use super::MetaSecrets;
use crate::admin::{AdminError, MetaPages};
use crate::domain::{Connector, ConnectorId, Provider, WorkspaceId};
use crate::secrets::SecretError;
use crate::store::{ConnectorRecord, Store, StoreError};
use std::sync::Arc;

/// Where Facebook Login's dialog lives.
pub const DEFAULT_DIALOG_BASE: &str = "https://www.facebook.com";

/// What connecting a page needs, built once per cold start.
#[derive(Debug, Clone)]
pub struct MetaConnect {
    pub store: Store,
    /// The workspaces' page tokens, the Graph API and the Meta secret (the app's id and
    /// secret), as the admin API checks pages with them.
    pub meta: MetaPages,
    /// Where the login dialog is: [`DEFAULT_DIALOG_BASE`], or the local stand-in.
    pub dialog_base: String,
}

#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    #[error("no such connector")]
    UnknownConnector,
    #[error("this is a {0} connector: Connect Meta is for Meta connectors")]
    NotMeta(Provider),
    #[error("Connect Meta is not set up on this deployment: {0}")]
    Unconfigured(&'static str),
    #[error("the Meta secret could not be read")]
    Secret(#[source] SecretError),
    #[error(transparent)]
    State(StateError),
    #[error("Facebook Login was not completed: {0}")]
    Declined(String),
    #[error("Meta refused: {}", .0.reason())]
    Graph(#[source] GraphError),
    #[error("the workspace's page tokens could not be read or written")]
    Tokens(#[source] PageTokenError),
    #[error("page_id is required: one of the pages Connect Meta listed")]
    NoPageId,
    #[error(
        "page {0} is not one Facebook Login gave this workspace: connect Meta again and choose \
         one of the pages it lists"
    )]
    UnknownPage(String),
    #[error("Meta did not subscribe the app to page {0}'s leads; try again")]
    NotSubscribed(String),
    /// The page's route, the connector's activation, as the admin API refuses them.
    #[error(transparent)]
    Admin(AdminError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl ConnectError {
    /// Whether asking again later could succeed.
    pub fn is_retryable(&self) -> bool {
        match self {
            ConnectError::Secret(err) => err.is_retryable(),
            ConnectError::Graph(err) => err.is_retryable(),
            ConnectError::Tokens(err) => err.is_retryable(),
            ConnectError::Store(_) => true,
            ConnectError::Admin(err) => matches!(err, AdminError::Unavailable(_)),
            _ => false,
        }
    }
}

impl From<AdminError> for ConnectError {
    fn from(err: AdminError) -> Self {
        match err {
            AdminError::Store(err) => ConnectError::Store(err),
            other => ConnectError::Admin(other),
        }
    }
}

impl From<GraphError> for ConnectError {
    fn from(err: GraphError) -> Self {
        ConnectError::Graph(err)
    }
}

impl From<PageTokenError> for ConnectError {
    fn from(err: PageTokenError) -> Self {
        ConnectError::Tokens(err)
    }
}

impl MetaConnect {
    /// The Meta secret, refused while it is still the template's placeholder.
    async fn secrets(&self) -> Result<Arc<MetaSecrets>, ConnectError> {
        self.meta.app.get().await.map_err(ConnectError::Secret)
    }

    /// The app, once the Meta secret names its id.
    fn app(secrets: &MetaSecrets) -> Result<MetaApp<'_>, ConnectError> {
        let app_id = secrets.app_id.trim();
        if app_id.is_empty() {
            return Err(ConnectError::Unconfigured(
                "the Meta secret has no app_id: set it with `leadctl meta set --app-id`",
            ));
        }
        Ok(MetaApp {
            app_id,
            app_secret: &secrets.app_secret,
        })
    }

    /// The workspace's Meta connector `connector_id` with its revision.
    async fn meta_connector(
        &self,
        workspace_id: &WorkspaceId,
        connector_id: &ConnectorId,
    ) -> Result<ConnectorRecord, ConnectError> {
        let record = self
            .store
            .connector_record(workspace_id, connector_id)
            .await?;
        let record = record.ok_or(ConnectError::UnknownConnector)?;
        meta_only(&record.connector)?;
        Ok(record)
    }

    /// Clears `connector`'s "needs reconnect" mark, if it carries one: its page was
    /// connected again, or let go. `true` when a mark was removed.
    async fn clear_mark(&self, connector: &Connector) -> Result<bool, StoreError> {
        if connector.needs_reconnect.is_none() {
            return Ok(false);
        }
        let (workspace_id, connector_id) = (&connector.workspace_id, &connector.id);
        self.store
            .mark_reconnect(workspace_id, connector_id, None)
            .await
    }
}

fn meta_only(connector: &Connector) -> Result<(), ConnectError> {
    match connector.provider {
        Provider::Meta => Ok(()),
        other => Err(ConnectError::NotMeta(other)),
    }
}
