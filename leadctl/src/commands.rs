//! The commands that change or read a workspace, each through the admin API's use case.

use crate::target::{Target, TargetError};
use crate::SetArgs;
use serde::Serialize;
use serde_json::{json, Map, Value};
use shared::admin::{self, AdminContext, AdminError};
use shared::domain::WorkspaceId;

/// How answers are printed: lines for people, or JSON.
#[derive(Debug, Clone, Copy)]
pub struct Out {
    pub json: bool,
}

impl Out {
    /// `value` as JSON, or the `lines` a person reads.
    pub(crate) fn print<T: Serialize>(self, value: &T, lines: impl FnOnce() -> Vec<String>) {
        if self.json {
            match serde_json::to_string_pretty(value) {
                Ok(text) => println!("{text}"),
                Err(err) => eprintln!("leadctl: could not write JSON: {err}"),
            }
        } else {
            for line in lines() {
                println!("{line}");
            }
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error(transparent)]
    Target(#[from] TargetError),
    #[error(transparent)]
    Admin(#[from] AdminError),
    #[error("{0}")]
    Usage(String),
    #[error("could not {what}")]
    Aws {
        what: &'static str,
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
}

impl CliError {
    /// The error with its causes, and each refused field on a line of its own.
    pub fn describe(&self) -> String {
        let mut text = shared::http::chain(self);
        if let CliError::Admin(AdminError::Invalid { errors, .. }) = self {
            for error in errors {
                text.push_str(&format!("\n  {}: {}", error.field, error.message));
            }
        }
        text
    }
}

fn context<'a>(
    target: &'a Target,
    workspace: &'a WorkspaceId,
    deployment: &'a admin::Deployment,
) -> AdminContext<'a> {
    AdminContext {
        store: &target.store,
        workspace_id: workspace,
        deployment,
        meta: None,
    }
}

pub async fn create_workspace(
    target: &Target,
    out: Out,
    slug: &str,
    name: &str,
    notify: Option<String>,
) -> Result<(), CliError> {
    let settings = match notify {
        Some(address) => json!({ "notification_address": address }),
        None => json!({}),
    };
    let deployment = target.deployment();
    let created = admin::create_workspace(&target.store, &deployment, name, slug, settings).await?;
    let workspace = &created.workspace;
    let answer = json!({
        "workspace_id": workspace.id,
        "admin_key": created.admin_key.key,
        "email_slug": workspace.email_slug,
        "forwarding_address": workspace.forwarding_address,
    });
    out.print(&answer, || {
        vec![
            format!("workspace {} ({})", workspace.id, workspace.name),
            format!("admin key: {}", created.admin_key.key),
            "  shown once: store it now; further keys with `leadctl api-key create`".to_owned(),
            match &workspace.forwarding_address {
                Some(address) => format!("forward lead emails to {address}"),
                None => format!(
                    "email slug {} (no inbound email in this deployment)",
                    workspace.email_slug
                ),
            },
        ]
    });
    Ok(())
}

pub async fn show_workspace(target: &Target, out: Out, workspace: &str) -> Result<(), CliError> {
    let (id, deployment) = (WorkspaceId::from(workspace.to_owned()), target.deployment());
    let view = admin::workspace(&context(target, &id, &deployment)).await?;
    out.print(&view, || {
        let text = serde_json::to_string_pretty(&view.settings).unwrap_or_default();
        vec![
            format!("workspace {} ({})", view.id, view.name),
            format!("email slug {}", view.email_slug),
            format!("settings {text}"),
        ]
    });
    Ok(())
}

/// The `PATCH /admin/workspace` body the options describe; "" clears a text.
fn settings_body(args: &SetArgs) -> Value {
    let text = |value: &Option<String>| {
        value.as_ref().map(|v| {
            if v.is_empty() {
                Value::Null
            } else {
                v.clone().into()
            }
        })
    };
    let mut body = Map::new();
    let mut settings = Map::new();
    let mut templates = Map::new();
    let put = |map: &mut Map<String, Value>, name: &str, value: Option<Value>| {
        if let Some(value) = value {
            map.insert(name.to_owned(), value);
        }
    };
    put(&mut body, "name", args.name.clone().map(Value::from));
    put(&mut body, "email_slug", args.slug.clone().map(Value::from));
    put(&mut settings, "notification_address", text(&args.notify));
    put(&mut settings, "sender_address", text(&args.sender));
    put(&mut settings, "sender_name", text(&args.sender_name));
    put(
        &mut settings,
        "acknowledge_leads",
        args.acknowledge.as_ref().map(|a| (a == "on").into()),
    );
    put(
        &mut settings,
        "safety_lock_minutes",
        args.safety_lock_minutes.map(Value::from),
    );
    let reviewers = args.reviewers.as_ref().map(|list| {
        list.split(',')
            .map(str::trim)
            .filter(|a| !a.is_empty())
            .collect::<Vec<_>>()
            .into()
    });
    put(&mut settings, "reviewer_addresses", reviewers);
    put(
        &mut templates,
        "acknowledgement_subject",
        text(&args.acknowledgement_subject),
    );
    put(
        &mut templates,
        "acknowledgement_body",
        text(&args.acknowledgement_body),
    );
    put(
        &mut templates,
        "notification_subject",
        text(&args.notification_subject),
    );
    if !templates.is_empty() {
        settings.insert("templates".to_owned(), templates.into());
    }
    if !settings.is_empty() {
        body.insert("settings".to_owned(), settings.into());
    }
    body.into()
}

pub async fn set_workspace(target: &Target, out: Out, args: SetArgs) -> Result<(), CliError> {
    let body = settings_body(&args);
    if body.as_object().is_some_and(Map::is_empty) {
        return Err(CliError::Usage(
            "nothing to change: give at least one option (see --help)".into(),
        ));
    }
    let (id, deployment) = (
        WorkspaceId::from(args.workspace.clone()),
        target.deployment(),
    );
    let view = admin::update_workspace(&context(target, &id, &deployment), body).await?;
    out.print(&view, || vec![format!("workspace {} updated", view.id)]);
    Ok(())
}

pub async fn create_key(
    target: &Target,
    out: Out,
    workspace: &str,
    scopes: Vec<String>,
    name: Option<String>,
) -> Result<(), CliError> {
    if scopes.is_empty() {
        return Err(CliError::Usage(
            "give --scope admin or --scope leads:write".into(),
        ));
    }
    let (id, deployment) = (WorkspaceId::from(workspace.to_owned()), target.deployment());
    let ctx = context(target, &id, &deployment);
    require_workspace(&ctx).await?;
    let issued = admin::create_api_key(&ctx, json!({ "scopes": scopes, "name": name })).await?;
    out.print(&issued, || {
        vec![
            format!(
                "key {} ({})",
                issued.view.id,
                issued
                    .view
                    .scopes
                    .iter()
                    .map(|s| s.key())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            format!("{}", issued.key),
            "  shown once: store it now".to_owned(),
        ]
    });
    Ok(())
}

async fn require_workspace(ctx: &AdminContext<'_>) -> Result<(), CliError> {
    admin::workspace(ctx).await.map(|_| ()).map_err(Into::into)
}

pub async fn list_keys(target: &Target, out: Out, workspace: &str) -> Result<(), CliError> {
    let (id, deployment) = (WorkspaceId::from(workspace.to_owned()), target.deployment());
    let ctx = context(target, &id, &deployment);
    require_workspace(&ctx).await?;
    let mut keys = Vec::new();
    let mut cursor = None;
    loop {
        let page = admin::PageRequest { limit: 100, cursor };
        let listing = admin::list_api_keys(&ctx, page).await?;
        keys.extend(listing.items);
        cursor = listing.cursor;
        if cursor.is_none() {
            break;
        }
    }
    out.print(&keys, || {
        keys.iter()
            .map(|k| {
                let scopes: Vec<_> = k.scopes.iter().map(|s| s.key()).collect();
                let state = k
                    .revoked_at
                    .as_deref()
                    .map_or("live".to_owned(), |at| format!("revoked {at}"));
                format!(
                    "{}  {}…  {}  {}  {}",
                    k.id,
                    k.prefix,
                    scopes.join(","),
                    k.name.as_deref().unwrap_or("-"),
                    state
                )
            })
            .collect()
    });
    Ok(())
}

pub async fn revoke_key(
    target: &Target,
    out: Out,
    workspace: &str,
    key: &str,
) -> Result<(), CliError> {
    let (id, deployment) = (WorkspaceId::from(workspace.to_owned()), target.deployment());
    admin::revoke_api_key(&context(target, &id, &deployment), key).await?;
    out.print(&json!({ "revoked": key }), || {
        vec![format!("key {key} revoked")]
    });
    Ok(())
}

/// An AWS error while doing `what`.
pub fn aws<E: std::error::Error + Send + Sync + 'static>(
    what: &'static str,
) -> impl FnOnce(E) -> CliError {
    move |source| CliError::Aws {
        what,
        source: Box::new(source),
    }
}
