//! Connectors as the admin API shows them: the profile, what the provider needs to
//! reach it, and its delivery counters.

use crate::domain::{Connector, ImportStatus, Provider, SigningSecret};
use crate::providers::vendors;
use crate::store::{ConnectorRecord, Counters};
use serde::Serialize;
use std::collections::BTreeMap;

/// What the deployment knows that answers need: where it is reached, whether it
/// receives email, which domain it sends from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Deployment {
    /// The API's public base URL (`https://…`, no trailing slash).
    pub base_url: String,
    /// The domain of inbound mailboxes, when this deployment receives email.
    pub inbound_email_domain: Option<String>,
    /// The domain follow-ups may be sent from, when known.
    pub sender_domain: Option<String>,
}

impl Deployment {
    /// `base_url` without its trailing slash.
    pub fn new(base_url: &str) -> Self {
        Self {
            base_url: base_url.trim_end_matches('/').to_owned(),
            ..Self::default()
        }
    }

    /// The absolute URL of `path` (`/forms/…`).
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }

    /// The address lead emails for `slug` are forwarded to, when email is received here.
    pub fn forwarding_address(&self, slug: &str) -> Option<String> {
        let domain = self.inbound_email_domain.as_deref()?;
        (!domain.is_empty()).then(|| format!("{slug}@{domain}"))
    }
}

/// Where and how a provider delivers to a connector; every endpoint an absolute URL.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Setup {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub method: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub endpoint: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub connector_key: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub form_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub google_key: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page_id: Option<String>,
    /// Email forward: the mailbox to forward lead emails to, once routing is configured.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email_slug: Option<String>,
    /// Vendors: how deliveries prove they come from the vendor.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signature: Option<&'static str>,
    /// Vendors: whether the connector has its signing secret (never shown again).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signing_secret_set: Option<bool>,
    /// Vendors: the secret, only in the answer that generated or rotated it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signing_secret: Option<String>,
    pub instructions: String,
}

impl Setup {
    /// `email_slug` matters only to email-forward connectors.
    pub fn of(connector: &Connector, email_slug: Option<&str>, deployment: &Deployment) -> Self {
        let settings = &connector.settings;
        match connector.provider {
            Provider::Api => Setup {
                method: Some("POST"),
                endpoint: Some(deployment.url("/api/v1/leads")),
                connector_key: settings.connector_key.clone(),
                instructions: "POST leads with an API key that has leads:write, this \
                               connector_key in the body, and an Idempotency-Key header"
                    .to_owned(),
                ..Setup::default()
            },
            Provider::WebsiteForm => Setup {
                method: Some("POST"),
                endpoint: (settings.form_id.as_ref())
                    .map(|id| deployment.url(&format!("/forms/{id}"))),
                form_id: settings.form_id.clone(),
                instructions: "point the form's action (or fetch) at this endpoint; JSON or \
                               url-encoded fields"
                    .to_owned(),
                ..Setup::default()
            },
            Provider::GoogleAds => Setup {
                method: Some("POST"),
                endpoint: Some(deployment.url(&format!("/webhooks/google/{}", connector.id))),
                google_key: settings.google_key.clone(),
                instructions: "in the Google Ads lead form, set this webhook URL and key"
                    .to_owned(),
                ..Setup::default()
            },
            Provider::Meta => Setup {
                method: Some("POST"),
                endpoint: Some(deployment.url("/webhooks/meta")),
                page_id: settings.page_id.clone(),
                instructions: "subscribe the page's leadgen field to this webhook; leads \
                               route by page id"
                    .to_owned(),
                ..Setup::default()
            },
            Provider::Vendor(vendor) => Setup {
                method: Some("POST"),
                endpoint: Some(format!("/webhooks/{}/{}", vendor.key(), connector.id)),
                signature: Some(vendors::signature(vendor)),
                signing_secret_set: Some(settings.signing_secret.is_some()),
                instructions: vendors::instructions(vendor).to_owned(),
                ..Setup::default()
            },
            Provider::EmailForward => {
                let address = email_slug.and_then(|slug| deployment.forwarding_address(slug));
                let instructions = match address {
                    Some(_) => "forward lead emails to this address",
                    None => {
                        "this deployment does not receive email (no InboundEmailDomain); \
                         once it does, the address will use this slug"
                    }
                };
                Setup {
                    address,
                    email_slug: email_slug.map(str::to_owned),
                    instructions: instructions.to_owned(),
                    ..Setup::default()
                }
            }
        }
    }
}

/// Deliveries to a connector, from its counters.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Stats {
    /// Leads created.
    pub leads_received: u64,
    /// Every delivery, whatever became of it.
    pub deliveries: u64,
    pub last_received_at: Option<String>,
    pub by_status: BTreeMap<&'static str, u64>,
}

impl From<&Counters> for Stats {
    fn from(counters: &Counters) -> Self {
        let by_status: BTreeMap<_, _> = ImportStatus::ALL
            .into_iter()
            .map(|status| (status.key(), counters.get(status)))
            .collect();
        Stats {
            leads_received: counters.get(ImportStatus::Imported),
            deliveries: by_status.values().sum(),
            last_received_at: counters.last_received_at.clone(),
            by_status,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ConnectorView {
    #[serde(flatten)]
    pub connector: Connector,
    pub setup: Setup,
    pub stats: Stats,
}

impl ConnectorView {
    /// The connector as an admin sees it: its signing secret is never part of it.
    pub fn of(record: &ConnectorRecord, email_slug: Option<&str>, deployment: &Deployment) -> Self {
        let mut connector = record.connector.clone();
        connector.settings.signing_secret = None;
        Self {
            setup: Setup::of(&record.connector, email_slug, deployment),
            stats: Stats::from(&record.counters),
            connector,
        }
    }

    /// The view of a connector whose secret was just generated: shown this once.
    pub(super) fn with_secret(mut self, secret: &SigningSecret) -> Self {
        self.setup.signing_secret = Some(secret.expose().to_owned());
        self
    }
}
