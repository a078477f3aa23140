//! One `leadgen` change of a delivery: routed by page id, the lead fetched from the
//! Graph API with the token the routed connector's workspace holds for that page (never
//! another workspace's), mapped and taken through the pipeline. A page token missing, or
//! one Meta calls expired (code 190), has the workspace's tokens read again past the
//! cache before the change is given up for now.

use super::graph::{Fetched, GraphClient, GraphError, PageAccess};
use super::intake::TIME_A_CHANGE_NEEDS;
use super::pages::{PageToken, PageTokenError, PageTokens};
use super::webhook::LeadgenChange;
use super::{preset, MetaSecrets};
use crate::domain::{Connector, ImportRecord, LeadCandidate, Provider, RequestOrigin, WorkspaceId};
use crate::http::chain;
use crate::pipeline::{self, Delivery, Outcome};
use crate::providers::{other_form, Id};
use crate::store::keys::RouteKind;
use crate::store::{Store, StoreError};
use serde_json::json;
use std::sync::Arc;
use std::time::Instant;

pub(super) enum Handled {
    Logged(Outcome),
    Unrouted,
}

/// A change that could not be finished now and that Meta's redelivery can finish.
pub(super) enum Unfinished {
    Store(StoreError),
    Graph(GraphError),
    /// No usable page token, even after reading the workspace's tokens again (logged
    /// `failed`), or the tokens could not be read.
    Token,
    /// Not started: the function's time was running out.
    OutOfTime,
}

impl Unfinished {
    /// Which to report first.
    pub(super) fn rank(&self) -> usize {
        match self {
            Unfinished::Store(_) => 0,
            Unfinished::Graph(_) => 1,
            Unfinished::Token => 2,
            Unfinished::OutOfTime => 3,
        }
    }
}

/// What the changes of one delivery share.
pub(super) struct Door<'a> {
    store: &'a Store,
    graph: &'a GraphClient,
    pages: &'a PageTokens,
    /// The secret as the delivery was verified with.
    secrets: Arc<MetaSecrets>,
    origin: RequestOrigin,
}

fn meaningful(id: &Option<Id>) -> Option<&str> {
    id.as_ref().filter(|id| id.is_meaningful()).map(Id::as_str)
}

impl<'a> Door<'a> {
    pub(super) fn new(
        store: &'a Store,
        graph: &'a GraphClient,
        pages: &'a PageTokens,
        secrets: Arc<MetaSecrets>,
        origin: RequestOrigin,
    ) -> Self {
        Self {
            store,
            graph,
            pages,
            secrets,
            origin,
        }
    }

    /// The change, unless the function's time is running out (then not started).
    pub(super) async fn in_time(
        &self,
        change: &LeadgenChange,
        raw: &serde_json::Value,
        deadline: Option<Instant>,
    ) -> Result<Handled, Unfinished> {
        if deadline.is_some_and(|d| Instant::now() + TIME_A_CHANGE_NEEDS > d) {
            return Err(Unfinished::OutOfTime);
        }
        self.change(change, raw).await
    }

    async fn change(
        &self,
        change: &LeadgenChange,
        raw: &serde_json::Value,
    ) -> Result<Handled, Unfinished> {
        let leadgen_id = meaningful(&change.leadgen_id);
        let Some(page_id) = meaningful(&change.page_id) else {
            tracing::warn!(
                leadgen_id,
                "Meta leadgen change without a page id: nothing stored"
            );
            return Ok(Handled::Unrouted);
        };
        let connector = self
            .store
            .connector_by_route(RouteKind::MetaPage, page_id)
            .await
            .map_err(Unfinished::Store)?
            .filter(|connector| connector.provider == Provider::Meta);
        let Some(connector) = connector else {
            // No workspace owns this page, so there is no import log to write to.
            tracing::warn!(
                page_id,
                leadgen_id,
                "Meta lead for a page no Meta connector is set up for: acknowledged, nothing stored"
            );
            return Ok(Handled::Unrouted);
        };
        self.lead(&connector, change, raw, page_id, leadgen_id)
            .await
            .map(Handled::Logged)
    }

    async fn lead(
        &self,
        connector: &Connector,
        change: &LeadgenChange,
        raw: &serde_json::Value,
        page_id: &str,
        leadgen_id: Option<&str>,
    ) -> Result<Outcome, Unfinished> {
        let logged = json!({ "change": raw }).to_string();
        let delivery = Delivery {
            raw: &logged,
            origin: self.origin.clone(),
        };
        let mut entry = pipeline::record(self.store.clock(), connector, &delivery);
        entry.external_id = leadgen_id.map(str::to_owned);

        if let Some(reason) = other_form(connector, change.form_id.as_ref()) {
            return self.ignore(entry, reason).await;
        }
        let Some(leadgen_id) = leadgen_id else {
            let reason = "the leadgen change carries no leadgen_id";
            return self.fail(entry, reason).await;
        };
        if !connector.is_active() {
            let candidate = LeadCandidate {
                external_id: Some(leadgen_id.to_owned()),
                ..Default::default()
            };
            return self.import(connector, candidate, &delivery).await;
        }
        if let Some(mark) = connector
            .needs_reconnect
            .as_ref()
            .filter(|m| m.holds_leads())
        {
            let why = format!("the page needs reconnecting ({})", mark.reason);
            return self.hold(entry, why).await;
        }
        let workspace = &connector.workspace_id;
        let fetched = match self.fetch(workspace, page_id, leadgen_id).await {
            Ok(fetched) => fetched,
            Err(Fetch::NoToken) => {
                let why = format!(
                    "this workspace holds no page access token for page {page_id}: store it \
                     with PUT /admin/meta/pages/{page_id} (reconnect the page)"
                );
                return self.hold(entry, why).await;
            }
            Err(Fetch::Tokens(err)) if err.is_retryable() => {
                tracing::warn!(
                    page_id,
                    leadgen_id,
                    error = %chain(&err),
                    "the workspace's page tokens could not be read: nothing stored, Meta will redeliver"
                );
                return Err(Unfinished::Token);
            }
            Err(Fetch::Tokens(err)) => {
                let why = format!("the workspace's page tokens could not be read ({err})");
                return self.hold(entry, why).await;
            }
            Err(Fetch::Graph(err)) if err.is_expired_token() => {
                return self.hold(entry, err.reason()).await;
            }
            Err(Fetch::Graph(err)) if err.is_retryable() => {
                tracing::warn!(
                    page_id,
                    leadgen_id,
                    error = %chain(&err),
                    "Graph API unavailable: nothing stored, Meta will redeliver"
                );
                return Err(Unfinished::Graph(err));
            }
            Err(Fetch::Graph(err)) => {
                let reason = format!("could not fetch the lead from Meta: {}", err.reason());
                return self.fail(entry, reason).await;
            }
        };

        let logged = json!({ "change": raw, "lead": fetched.raw }).to_string();
        let delivery = Delivery {
            raw: &logged,
            origin: self.origin.clone(),
        };
        let mut entry = pipeline::record(self.store.clock(), connector, &delivery);
        entry.external_id = Some(leadgen_id.to_owned());
        if change.form_id.is_none() {
            if let Some(reason) = other_form(connector, fetched.lead.form_id.as_ref()) {
                return self.ignore(entry, reason).await;
            }
        }
        let aliases = &connector.field_aliases;
        let candidate = match preset::candidate(&fetched.lead, change, leadgen_id, aliases) {
            Ok(candidate) => candidate,
            Err(err) => return self.fail(entry, err.to_string()).await,
        };
        self.import(connector, candidate, &delivery).await
    }

    /// The lead from the Graph API with the token `workspace` holds for the page. A
    /// token missing, or one Meta calls expired, has the workspace's tokens read again
    /// and, if that gives another token, the lead asked for again.
    async fn fetch(
        &self,
        workspace: &WorkspaceId,
        page_id: &str,
        leadgen_id: &str,
    ) -> Result<Fetched, Fetch> {
        let token = match self.pages.token(workspace, page_id).await? {
            Some(token) => token,
            None => {
                tracing::info!(
                    page_id,
                    "no page token held: the workspace's tokens are read again"
                );
                let fresh = self.pages.fresh_token(workspace, page_id).await?;
                fresh.ok_or(Fetch::NoToken)?
            }
        };
        match self.ask(leadgen_id, &token).await {
            Err(err) if err.is_expired_token() => {
                tracing::info!(
                    page_id,
                    "page token expired: the workspace's tokens are read again"
                );
                let newer = self.pages.fresh_token(workspace, page_id).await;
                match newer.ok().flatten().filter(|newer| *newer != token) {
                    Some(newer) => self.ask(leadgen_id, &newer).await.map_err(Fetch::Graph),
                    None => Err(Fetch::Graph(err)),
                }
            }
            fetched => fetched.map_err(Fetch::Graph),
        }
    }

    async fn ask(&self, leadgen_id: &str, token: &PageToken) -> Result<Fetched, GraphError> {
        let access = PageAccess {
            access_token: token.expose(),
            app_secret: &self.secrets.app_secret,
        };
        self.graph.lead(leadgen_id, access).await
    }

    async fn import(
        &self,
        connector: &Connector,
        candidate: LeadCandidate,
        delivery: &Delivery<'_>,
    ) -> Result<Outcome, Unfinished> {
        pipeline::import(self.store, connector, candidate, delivery)
            .await
            .map_err(Unfinished::Store)
    }

    async fn fail(
        &self,
        entry: ImportRecord,
        reason: impl Into<String>,
    ) -> Result<Outcome, Unfinished> {
        pipeline::fail(self.store, entry, reason, Vec::new())
            .await
            .map_err(Unfinished::Store)
    }

    /// Logs `entry` failed for `why`, a token trouble a reconnect ends, and asks Meta to
    /// deliver the lead again.
    async fn hold(&self, entry: ImportRecord, why: String) -> Result<Outcome, Unfinished> {
        let reason = format!("{why}; Meta delivers the lead again meanwhile");
        self.fail(entry, reason).await?;
        Err(Unfinished::Token)
    }

    async fn ignore(&self, entry: ImportRecord, reason: String) -> Result<Outcome, Unfinished> {
        pipeline::ignore(self.store, entry, reason)
            .await
            .map_err(Unfinished::Store)
    }
}

/// Why a lead could not be fetched.
enum Fetch {
    NoToken,
    Tokens(PageTokenError),
    Graph(GraphError),
}

impl From<PageTokenError> for Fetch {
    fn from(err: PageTokenError) -> Self {
        Fetch::Tokens(err)
    }
}
