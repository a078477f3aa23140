use super::{WorkspaceId, WorkspaceSettings};
use serde::{Deserialize, Serialize};

/// A business using Lead Connectors; everything else belongs to one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Workspace {
    pub id: WorkspaceId,
    pub name: String,
    /// The local part of the forwarding address for email leads.
    pub email_slug: String,
    pub created_at: String,
    /// Follow-up settings (sender, recipients, templates, safety lock).
    #[serde(default)]
    pub settings: WorkspaceSettings,
}

/// What an API key may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Scope {
    #[serde(rename = "leads:write")]
    LeadsWrite,
    #[serde(rename = "admin")]
    Admin,
}

impl Scope {
    pub fn key(self) -> &'static str {
        match self {
            Scope::LeadsWrite => "leads:write",
            Scope::Admin => "admin",
        }
    }
}

/// A stored API key: found by the SHA-256 of the key, which itself is never stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ApiKey {
    pub id: String,
    pub workspace_id: WorkspaceId,
    pub scopes: Vec<Scope>,
    /// The first characters of the key, enough for a person to tell keys apart.
    pub prefix: String,
    pub created_at: String,
    #[serde(default)]
    pub revoked_at: Option<String>,
}

impl ApiKey {
    pub fn allows(&self, scope: Scope) -> bool {
        self.revoked_at.is_none() && self.scopes.contains(&scope)
    }
}
