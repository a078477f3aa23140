//! Connector profiles: create, read, list, edit (activate and pause included),
//! regenerate the provider's key, delete.

use super::input::Fields;
use super::meta_pages::{check_meta_page, MetaPages};
use super::profile::{self, STATUSES};
use super::{AdminError, ConnectorView, Deployment, Listing, PageRequest};
use crate::domain::{
    ApiKey, Connector, ConnectorId, ConnectorStatus, Provider, ProviderSettings, WorkspaceId,
};
use crate::store::keys::RouteKind;
use crate::store::{ConnectorRecord, Counters, Saved, Store};
use serde_json::Value;

/// Who is asking, and what the deployment knows that views need.
#[derive(Debug, Clone, Copy)]
pub struct AdminContext<'a> {
    pub store: &'a Store,
    pub workspace_id: &'a WorkspaceId,
    pub deployment: &'a Deployment,
    /// Page tokens and the Graph API, where the function reaches them (the admin API).
    pub meta: Option<&'a MetaPages>,
}

impl<'a> AdminContext<'a> {
    /// The context of a request made with `key` (its workspace only).
    pub fn of(store: &'a Store, key: &'a ApiKey, deployment: &'a Deployment) -> Self {
        Self {
            store,
            workspace_id: &key.workspace_id,
            deployment,
            meta: None,
        }
    }

    /// The same context, able to hold and check Meta pages.
    pub fn with_meta(self, meta: &'a MetaPages) -> Self {
        Self {
            meta: Some(meta),
            ..self
        }
    }
}

impl AdminContext<'_> {
    async fn view(&self, record: &ConnectorRecord) -> Result<ConnectorView, AdminError> {
        let slug = match record.connector.provider {
            Provider::EmailForward => self
                .store
                .workspace(self.workspace_id)
                .await?
                .map(|w| w.email_slug),
            _ => None,
        };
        Ok(ConnectorView::of(record, slug.as_deref(), self.deployment))
    }

    async fn record(&self, connector_id: &ConnectorId) -> Result<ConnectorRecord, AdminError> {
        self.store
            .connector_record(self.workspace_id, connector_id)
            .await?
            .ok_or(AdminError::NotFound("connector"))
    }

    /// 409 naming the connector that holds the active slot.
    async fn slot_taken(&self, connector: &Connector, holder: &ConnectorId) -> AdminError {
        let name = match self.store.connector(self.workspace_id, holder).await {
            Ok(Some(active)) => format!("'{}' ({holder})", active.display_name),
            _ => holder.to_string(),
        };
        AdminError::Conflict(format!(
            "connector {name} is already the active {} connector over {} in this workspace; \
             pause it first",
            connector.provider, connector.transport
        ))
    }

    async fn saved(
        &self,
        saved: Saved,
        after: Connector,
        counters: Counters,
        revision: u64,
    ) -> Result<ConnectorView, AdminError> {
        match saved {
            Saved::Saved => {
                let record = ConnectorRecord {
                    connector: after,
                    counters,
                    revision: revision + 1,
                };
                self.view(&record).await
            }
            Saved::Missing => Err(AdminError::NotFound("connector")),
            Saved::SlotTaken { connector_id } => Err(self.slot_taken(&after, &connector_id).await),
            Saved::RouteTaken { kind } => Err(route_taken(kind)),
            Saved::Stale => Err(stale()),
        }
    }
}

fn route_taken(kind: RouteKind) -> AdminError {
    AdminError::Conflict(match kind {
        RouteKind::MetaPage => "this Meta page is already connected to another connector".into(),
        _ => "a generated key collided with another connector's; retry".into(),
    })
}

fn stale() -> AdminError {
    AdminError::Conflict(
        "the connector changed while this request ran; read it again and retry".to_owned(),
    )
}

pub async fn create_connector(
    ctx: &AdminContext<'_>,
    body: Value,
) -> Result<ConnectorView, AdminError> {
    let mut fields = Fields::new(body)?;
    let (provider, _) = profile::kind(&mut fields);
    let status: Option<ConnectorStatus> = fields.choice("status", &STATUSES);
    let display_name = fields.text("display_name", 200);
    if display_name.is_none() {
        fields.error("display_name", "is required");
    }
    let Some(provider) = provider else {
        if !fields.errors.iter().any(|e| e.field == "provider") {
            fields.error("provider", "is required");
        }
        return Err(AdminError::invalid(fields.errors));
    };
    let mut connector = Connector::new(ctx.workspace_id, provider, "", &ctx.store.clock().stamp());
    let generated = connector.settings.signing_secret.clone();
    connector.status = profile::transition(
        &mut fields,
        ConnectorStatus::Draft,
        status.unwrap_or_default(),
    );
    profile::edit(&mut fields, &mut connector);
    connector.display_name = display_name.unwrap_or_default();
    profile::check_activation(&mut fields, &connector);
    fields.finish()?;
    check_page_route(ctx, None, &connector).await?;

    if !ctx.store.create_connector(&connector).await? {
        return Err(create_conflict(ctx, &connector).await?);
    }
    // A generated secret is shown this once; a pasted one is the admin's already.
    let shown = generated.filter(|g| connector.settings.signing_secret.as_ref() == Some(g));
    let record = ConnectorRecord {
        connector,
        counters: Counters::default(),
        revision: 0,
    };
    let view = ctx.view(&record).await?;
    Ok(match shown {
        Some(secret) => view.with_secret(&secret),
        None => view,
    })
}

/// A Meta connector takes its page's route only if its workspace's token reads the page:
/// checked when a page id is set or changed, and when the connector becomes active.
async fn check_page_route(
    ctx: &AdminContext<'_>,
    before: Option<&Connector>,
    after: &Connector,
) -> Result<(), AdminError> {
    let Some(page_id) = after.settings.page_id.as_deref() else {
        return Ok(());
    };
    let unchanged = before.is_some_and(|b| b.settings.page_id.as_deref() == Some(page_id));
    let activated = after.is_active() && !before.is_some_and(Connector::is_active);
    if after.provider != Provider::Meta || (unchanged && !activated) {
        return Ok(());
    }
    check_meta_page(ctx, &after.workspace_id, page_id, "settings.page_id").await
}

/// Why a create was refused: the active slot, or a route already taken.
async fn create_conflict(
    ctx: &AdminContext<'_>,
    connector: &Connector,
) -> Result<AdminError, AdminError> {
    if connector.is_active() {
        if let Some(holder) = ctx.store.active_connector_id(connector).await? {
            return Ok(ctx.slot_taken(connector, &holder).await);
        }
    }
    if connector.settings.page_id.is_some() {
        return Ok(route_taken(RouteKind::MetaPage));
    }
    Ok(route_taken(RouteKind::ConnectorKey))
}

pub async fn connector(
    ctx: &AdminContext<'_>,
    connector_id: &ConnectorId,
) -> Result<ConnectorView, AdminError> {
    let record = ctx.record(connector_id).await?;
    ctx.view(&record).await
}

pub async fn list_connectors(
    ctx: &AdminContext<'_>,
    page: PageRequest,
) -> Result<Listing<ConnectorView>, AdminError> {
    let page = ctx
        .store
        .connectors(ctx.workspace_id, page.limit, page.cursor.as_deref())
        .await??;
    let needs_slug = page
        .items
        .iter()
        .any(|r| r.connector.provider == Provider::EmailForward);
    let slug = match needs_slug {
        true => ctx
            .store
            .workspace(ctx.workspace_id)
            .await?
            .map(|w| w.email_slug),
        false => None,
    };
    Ok(Listing::of(page, |record| {
        ConnectorView::of(&record, slug.as_deref(), ctx.deployment)
    }))
}

/// Edits a connector; `status` activates (taking the workspace's one active slot for
/// the provider and transport) or pauses (releasing it).
pub async fn update_connector(
    ctx: &AdminContext<'_>,
    connector_id: &ConnectorId,
    body: Value,
) -> Result<ConnectorView, AdminError> {
    let record = ctx.record(connector_id).await?;
    let mut fields = Fields::new(body)?;
    let before = &record.connector;
    let (provider, transport) = profile::kind(&mut fields);
    if provider.is_some_and(|p| p != before.provider) {
        fields.error("provider", "cannot change: create a new connector instead");
    }
    if transport.is_some_and(|t| t != before.transport) {
        fields.error("transport", "cannot change: create a new connector instead");
    }
    let mut after = before.clone();
    if let Some(status) = fields.choice::<ConnectorStatus>("status", &STATUSES) {
        after.status = profile::transition(&mut fields, before.status, status);
    }
    profile::edit(&mut fields, &mut after);
    profile::check_activation(&mut fields, &after);
    fields.finish()?;
    check_page_route(ctx, Some(before), &after).await?;
    after.updated_at = ctx.store.clock().stamp();

    let saved = ctx.store.save_connector(&record, &after).await?;
    ctx.saved(saved, after, record.counters, record.revision)
        .await
}

/// A new connector key, form id, Google key or signing secret (shown in this answer
/// only); the old one stops working at once.
pub async fn regenerate_key(
    ctx: &AdminContext<'_>,
    connector_id: &ConnectorId,
) -> Result<ConnectorView, AdminError> {
    let record = ctx.record(connector_id).await?;
    let mut after = record.connector.clone();
    let fresh = ProviderSettings::generate(after.provider);
    let settings = &mut after.settings;
    match after.provider {
        Provider::Api => settings.connector_key = fresh.connector_key,
        Provider::WebsiteForm => settings.form_id = fresh.form_id,
        Provider::GoogleAds => settings.google_key = fresh.google_key,
        Provider::Vendor(vendor) if vendor.issues_secret() => {
            return Err(AdminError::field(
                "settings.signing_secret",
                format!(
                    "{vendor} issues this secret (your app's client secret): rotate it in \
                     {vendor}, then paste the new one with PATCH"
                ),
            ))
        }
        Provider::Vendor(_) => settings.signing_secret = fresh.signing_secret,
        Provider::Meta | Provider::EmailForward => {
            return Err(AdminError::field(
                "provider",
                format!("a {} connector has no key to regenerate", after.provider),
            ))
        }
    }
    after.updated_at = ctx.store.clock().stamp();
    let secret = after.settings.signing_secret.clone();
    let saved = ctx.store.save_connector(&record, &after).await?;
    let view = ctx
        .saved(saved, after, record.counters, record.revision)
        .await?;
    Ok(match secret {
        Some(secret) => view.with_secret(&secret),
        None => view,
    })
}

/// Deletes a connector, its routes and its active slot; its leads and import log stay.
pub async fn delete_connector(
    ctx: &AdminContext<'_>,
    connector_id: &ConnectorId,
) -> Result<(), AdminError> {
    let record = ctx.record(connector_id).await?;
    match ctx.store.delete_connector(&record).await? {
        Saved::Saved => Ok(()),
        Saved::Missing => Err(AdminError::NotFound("connector")),
        _ => Err(stale()),
    }
}
