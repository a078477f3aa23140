//! Meta lead ads: Page `leadgen` webhooks, verified by `X-Hub-Signature-256`, routed by
//! page id, with each lead's answers fetched from the Graph API.

mod change;
#[cfg(feature = "admin")]
pub mod connect;
mod graph;
mod intake;
mod login;
mod pages;
pub mod preset;
mod webhook;

#[cfg(feature = "admin")]
pub use connect::{ConnectError, MetaConnect};
pub use graph::{
    Fault, Fetched, FieldDatum, GraphClient, GraphError, GraphLead, PageAccess, DEFAULT_BASE,
    DEFAULT_VERSION,
};
pub use intake::{receive, DeliveryReport, MetaDelivery, CONCURRENT_CHANGES, TIME_A_CHANGE_NEEDS};
pub use login::{AccessToken, ManagedPage, MetaApp, TokenInfo, UserToken, LOGIN_SCOPES};
pub use pages::{NewPage, PageToken, PageTokenError, PageTokens, StoredPage};
pub use webhook::{
    handshake, sign, verify_signature, Change, Entry, LeadgenChange, Notification, SignatureError,
};

use crate::secrets::CheckSecret;
use serde::Deserialize;
use std::fmt;

/// The Meta door's one secret (JSON in Secrets Manager): `{"app_id": "…", "app_secret":
/// "…", "verify_token": "…"}`. Page access tokens are each workspace's ([`PageTokens`]); a
/// `page_tokens` key left in an older secret is not read (`leadctl doctor` says so).
#[derive(Clone, Default, Deserialize)]
#[serde(default)]
pub struct MetaSecrets {
    /// The Meta app's id: Facebook Login's `client_id` (Connect Meta needs it).
    pub app_id: String,
    /// The Meta app's secret: the key of `X-Hub-Signature-256`.
    pub app_secret: String,
    /// The token the subscription handshake must present.
    pub verify_token: String,
}

impl fmt::Debug for MetaSecrets {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MetaSecrets").finish_non_exhaustive()
    }
}

impl CheckSecret for MetaSecrets {
    fn problem(&self) -> Option<&'static str> {
        // An empty key, or the template's well-known placeholder, would let anyone sign
        // a delivery.
        let app_secret = self.app_secret.trim();
        if app_secret.is_empty() {
            Some("app_secret is empty: set it to the Meta app's secret")
        } else if app_secret == Self::PLACEHOLDER {
            Some("app_secret is still the placeholder: set it with `leadctl meta set`")
        } else {
            None
        }
    }
}

impl MetaSecrets {
    /// What `template.yaml` creates the secret's `app_secret` with, until an operator
    /// sets the Meta app's own.
    pub const PLACEHOLDER: &'static str = "REPLACE_WITH_META_APP_SECRET";
}
