//! The workspace itself: its name, its email slug (the forwarding address) and its
//! follow-up settings, read and changed by an admin; and a new workspace with its first
//! admin key, as an operator creates it.

use super::input::Fields;
use super::{AdminContext, AdminError, Deployment, IssuedKey};
use crate::domain::{email_slug, Email, Scope, Workspace, WorkspaceId, WorkspaceSettings};
use crate::domain::{DEFAULT_ACKNOWLEDGEMENTS_PER_HOUR, DEFAULT_RETENTION_DAYS};
use crate::store::{Store, WorkspaceSaved};
use serde::Serialize;
use serde_json::Value;

/// A workspace as the admin API shows it; `PATCH` takes the same shape.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WorkspaceView {
    pub id: WorkspaceId,
    pub name: String,
    pub email_slug: String,
    /// Where to forward lead emails, when this deployment receives email.
    pub forwarding_address: Option<String>,
    pub created_at: String,
    pub settings: WorkspaceSettings,
}

impl WorkspaceView {
    pub fn of(workspace: Workspace, deployment: &Deployment) -> Self {
        Self {
            forwarding_address: deployment.forwarding_address(&workspace.email_slug),
            id: workspace.id,
            name: workspace.name,
            email_slug: workspace.email_slug,
            created_at: workspace.created_at,
            settings: workspace.settings,
        }
    }
}

/// A new workspace and its first admin key, shown this once.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NewWorkspace {
    pub workspace: WorkspaceView,
    pub admin_key: IssuedKey,
}

pub async fn workspace(ctx: &AdminContext<'_>) -> Result<WorkspaceView, AdminError> {
    Ok(WorkspaceView::of(read(ctx).await?, ctx.deployment))
}

async fn read(ctx: &AdminContext<'_>) -> Result<Workspace, AdminError> {
    ctx.store
        .workspace(ctx.workspace_id)
        .await?
        .ok_or(AdminError::NotFound("workspace"))
}

/// Changes what `body` names: `name`, `email_slug` (the old address stops routing at
/// once), `settings` (each field of it on its own). Read-only fields may be sent back
/// unchanged, as `GET` answered them.
pub async fn update_workspace(
    ctx: &AdminContext<'_>,
    body: Value,
) -> Result<WorkspaceView, AdminError> {
    let before = read(ctx).await?;
    let shown = WorkspaceView::of(before.clone(), ctx.deployment);
    let mut fields = Fields::new(body)?;
    let mut after = before.clone();
    for (name, value) in [
        ("id", serde_json::to_value(&shown.id)),
        ("created_at", serde_json::to_value(&shown.created_at)),
        (
            "forwarding_address",
            serde_json::to_value(&shown.forwarding_address),
        ),
    ] {
        if fields
            .any(name)
            .is_some_and(|sent| value.ok() != Some(sent))
        {
            fields.error(name, "is read-only");
        }
    }
    if let Some(name) = fields.patch_text("name", 200) {
        match name {
            Some(name) => after.name = name,
            None => fields.error("name", "must not be blank"),
        }
    }
    if let Some(slug) = fields.patch_text("email_slug", 64) {
        match email_slug(slug.as_deref().unwrap_or_default()) {
            Ok(slug) => after.email_slug = slug,
            Err(message) => fields.error("email_slug", message),
        }
    }
    if let Some(mut settings) = fields.object("settings") {
        edit_settings(&mut settings, &mut after.settings, ctx.deployment);
        settings.finish_into(&mut fields);
    }
    fields.finish()?;
    if after == before {
        return Ok(shown);
    }
    match ctx.store.save_workspace(&before, &after).await? {
        WorkspaceSaved::Saved => Ok(WorkspaceView::of(after, ctx.deployment)),
        WorkspaceSaved::SlugTaken => Err(slug_taken(&after.email_slug)),
        WorkspaceSaved::Stale => Err(AdminError::Conflict(
            "the workspace changed while this request ran; read it again and retry".to_owned(),
        )),
    }
}

fn slug_taken(slug: &str) -> AdminError {
    AdminError::Conflict(format!(
        "the email slug '{slug}' belongs to another workspace; choose another"
    ))
}

const MAX_REVIEWERS: usize = 20;
const MAX_ACKNOWLEDGEMENTS: u64 = 10_000;
/// Ten years.
const MAX_RETENTION_DAYS: u64 = 3650;
const MAX_SAFETY_LOCK_MINUTES: f64 = 7.0 * 24.0 * 60.0;

fn edit_settings(fields: &mut Fields, settings: &mut WorkspaceSettings, deployment: &Deployment) {
    if let Some(sender) = fields.patch_text("sender_address", 254) {
        match sender.as_deref().map(Email::parse).transpose() {
            Ok(Some(sender)) => match deployment.sender_domain.as_deref() {
                Some(domain) if !sender.as_ref().ends_with(&format!("@{domain}")) => fields.error(
                    "sender_address",
                    format!(
                        "must be an address at {domain}, the domain this deployment may send from"
                    ),
                ),
                _ => settings.sender_address = Some(sender.into()),
            },
            Ok(None) => settings.sender_address = None,
            Err(message) => fields.error("sender_address", message),
        }
    }
    if let Some(name) = one_line(fields, "sender_name", 100) {
        settings.sender_name = name;
    }
    if let Some(address) = fields.patch_text("notification_address", 254) {
        match address.as_deref().map(Email::parse).transpose() {
            Ok(address) => settings.notification_address = address.map(String::from),
            Err(message) => fields.error("notification_address", message),
        }
    }
    if let Some(on) = fields.boolean("acknowledge_leads") {
        settings.acknowledge_leads = on;
    }
    match fields.patch_number("safety_lock_minutes") {
        Some(Some(minutes))
            if minutes.fract() == 0.0 && (0.0..=MAX_SAFETY_LOCK_MINUTES).contains(&minutes) =>
        {
            settings.safety_lock_minutes = minutes as u32
        }
        Some(_) => fields.error(
            "safety_lock_minutes",
            format!("must be a whole number of minutes from 0 to {MAX_SAFETY_LOCK_MINUTES}"),
        ),
        None => {}
    }
    // `null` brings back the default.
    if let Some(cap) = fields.patch_integer("acknowledgements_per_hour", 0..=MAX_ACKNOWLEDGEMENTS) {
        settings.acknowledgements_per_hour =
            cap.map_or(DEFAULT_ACKNOWLEDGEMENTS_PER_HOUR, |cap| cap as u32);
    }
    if let Some(days) = fields.patch_integer("retention_days", 1..=MAX_RETENTION_DAYS) {
        settings.retention_days = days.map_or(DEFAULT_RETENTION_DAYS, |days| days as u32);
    }
    if let Some(addresses) = fields.string_list("reviewer_addresses") {
        let parsed: Result<Vec<Email>, String> =
            addresses.iter().map(|a| Email::parse(a)).collect();
        match parsed {
            Ok(list) if list.len() > MAX_REVIEWERS => fields.error(
                "reviewer_addresses",
                format!("at most {MAX_REVIEWERS} addresses"),
            ),
            Ok(list) => settings.reviewer_addresses = list.into_iter().map(String::from).collect(),
            Err(message) => fields.error("reviewer_addresses", message),
        }
    }
    if let Some(mut templates) = fields.object("templates") {
        let wording = &mut settings.templates;
        if let Some(subject) = one_line(&mut templates, "notification_subject", 200) {
            wording.notification_subject = subject;
        }
        if let Some(subject) = one_line(&mut templates, "acknowledgement_subject", 200) {
            wording.acknowledgement_subject = subject;
        }
        if let Some(body) = templates.patch_text("acknowledgement_body", 5000) {
            wording.acknowledgement_body = body;
        }
        templates.finish_into(fields);
    }
}

/// A text that goes into a mail header: one line.
fn one_line(fields: &mut Fields, name: &str, max: usize) -> Option<Option<String>> {
    let text = fields.patch_text(name, max)?;
    if text
        .as_deref()
        .is_some_and(|t| t.chars().any(char::is_control))
    {
        fields.error(name, "must be one line");
        return None;
    }
    Some(text)
}

/// A new workspace named `name` with forwarding address `slug` (unique), optional
/// settings (`{"notification_address": …}`, as `PATCH` takes them), and its first
/// admin key. Nothing is written when anything is refused.
pub async fn create_workspace(
    store: &Store,
    deployment: &Deployment,
    name: &str,
    slug: &str,
    settings: Value,
) -> Result<NewWorkspace, AdminError> {
    let mut fields = Fields::new(serde_json::json!({ "name": name, "settings": settings }))?;
    let mut workspace = Workspace {
        id: WorkspaceId::new(),
        name: String::new(),
        email_slug: String::new(),
        created_at: store.clock().stamp(),
        settings: WorkspaceSettings::default(),
    };
    match fields.text("name", 200) {
        Some(name) => workspace.name = name,
        None => fields.error("name", "is required"),
    }
    match email_slug(slug) {
        Ok(slug) => workspace.email_slug = slug,
        Err(message) => fields.error("email_slug", message),
    }
    if let Some(mut settings) = fields.object("settings") {
        edit_settings(&mut settings, &mut workspace.settings, deployment);
        settings.finish_into(&mut fields);
    }
    fields.finish()?;
    if !store.create_workspace(&workspace).await? {
        return Err(slug_taken(&workspace.email_slug));
    }
    let ctx = AdminContext {
        store,
        workspace_id: &workspace.id,
        deployment,
        meta: None,
    };
    let key = serde_json::json!({ "scopes": [Scope::Admin], "name": "first admin key" });
    let admin_key = super::create_api_key(&ctx, key).await?;
    Ok(NewWorkspace {
        workspace: WorkspaceView::of(workspace, deployment),
        admin_key,
    })
}
