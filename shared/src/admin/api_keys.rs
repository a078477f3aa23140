//! API keys: issued with scopes and shown once, listed by prefix, revoked at once.

use super::input::Fields;
use super::{AdminContext, AdminError, Listing, PageRequest};
use crate::domain::Scope;
use crate::store::{ApiKeyEntry, Revoked};
use serde::Serialize;
use serde_json::Value;

/// A key as listed: never the key itself, never its hash.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ApiKeyView {
    pub id: String,
    pub name: Option<String>,
    pub prefix: String,
    pub scopes: Vec<Scope>,
    pub created_at: String,
    pub revoked_at: Option<String>,
}

impl From<ApiKeyEntry> for ApiKeyView {
    fn from(entry: ApiKeyEntry) -> Self {
        Self {
            id: entry.key.id,
            name: entry.name,
            prefix: entry.key.prefix,
            scopes: entry.key.scopes,
            created_at: entry.key.created_at,
            revoked_at: entry.key.revoked_at,
        }
    }
}

/// A new key, in plain text this once.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IssuedKey {
    pub key: String,
    #[serde(flatten)]
    pub view: ApiKeyView,
}

const SCOPES: [&str; 2] = ["leads:write", "admin"];

/// `{"scopes": ["leads:write"], "name": "Zapier"}`.
pub async fn create_api_key(ctx: &AdminContext<'_>, body: Value) -> Result<IssuedKey, AdminError> {
    let mut fields = Fields::new(body)?;
    let name = fields.text("name", 100);
    let mut scopes: Vec<Scope> = Vec::new();
    match fields.any("scopes") {
        Some(Value::Array(values)) => {
            for value in values {
                match serde_json::from_value::<Scope>(value) {
                    Ok(scope) if !scopes.contains(&scope) => scopes.push(scope),
                    Ok(_) => {}
                    Err(_) => fields.error(
                        "scopes",
                        format!("each scope is one of: {}", SCOPES.join(", ")),
                    ),
                }
            }
            if scopes.is_empty() {
                fields.error("scopes", "at least one scope is required");
            }
        }
        _ => fields.error(
            "scopes",
            format!("is required: a list of {}", SCOPES.join(", ")),
        ),
    }
    fields.finish()?;
    let (key, stored) =
        crate::auth::issue_named_key(ctx.store, ctx.workspace_id, scopes, name.as_deref()).await?;
    Ok(IssuedKey {
        key,
        view: ApiKeyView {
            id: stored.id,
            name,
            prefix: stored.prefix,
            scopes: stored.scopes,
            created_at: stored.created_at,
            revoked_at: None,
        },
    })
}

pub async fn list_api_keys(
    ctx: &AdminContext<'_>,
    page: PageRequest,
) -> Result<Listing<ApiKeyView>, AdminError> {
    let page = ctx
        .store
        .api_keys(ctx.workspace_id, page.limit, page.cursor.as_deref())
        .await??;
    Ok(Listing::of(page, ApiKeyView::from))
}

/// Revokes a key: the next request with it is refused. Revoking twice is harmless.
pub async fn revoke_api_key(ctx: &AdminContext<'_>, key_id: &str) -> Result<(), AdminError> {
    let at = ctx.store.clock().stamp();
    match ctx
        .store
        .revoke_api_key(ctx.workspace_id, key_id, &at)
        .await?
    {
        Revoked::Now | Revoked::Already => Ok(()),
        Revoked::NotFound => Err(AdminError::NotFound("API key")),
    }
}
