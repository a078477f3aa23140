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

/// A workspace's email slug, the local part of its forwarding address: 2 to 64 of
/// `a-z`, `0-9`, `.`, `_`, `-` (lower-cased), starting and ending with a letter or digit.
pub fn email_slug(raw: &str) -> Result<String, String> {
    let slug = raw.trim().to_lowercase();
    let allowed = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || "._-".contains(c);
    let edge = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
    let valid = (2..=64).contains(&slug.len())
        && slug.chars().all(allowed)
        && edge(slug.chars().next())
        && edge(slug.chars().last())
        && !slug.contains("..");
    if valid {
        Ok(slug)
    } else {
        Err(format!(
            "'{}' is not a valid email slug: 2 to 64 letters, digits, '.', '_' or '-', \
             starting and ending with a letter or digit",
            raw.trim()
        ))
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn email_slugs_are_lower_case_local_parts() {
        assert_eq!(
            super::email_slug(" Acme-Cleaning ").unwrap(),
            "acme-cleaning"
        );
        for bad in [
            "a", "-acme", "acme.", "ac me", "ac..me", "acme@x", "ünï", "",
        ] {
            assert!(super::email_slug(bad).is_err(), "{bad}");
        }
    }
}
