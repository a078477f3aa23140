use super::{ConnectorId, SigningSecret, SourceRules, Vendor, WorkspaceId};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

/// Where leads come from. The key doubles as the source label when a connector has none.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Provider {
    Api,
    WebsiteForm,
    EmailForward,
    Meta,
    GoogleAds,
    /// A form or ad vendor's signed webhooks, through the vendor door.
    Vendor(Vendor),
}

/// How a provider's leads reach us.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Transport {
    Api,
    PublicForm,
    EmailInbound,
    Webhook,
}

impl Provider {
    pub const ALL: [Provider; 15] = [
        Provider::Api,
        Provider::WebsiteForm,
        Provider::EmailForward,
        Provider::Meta,
        Provider::GoogleAds,
        Provider::Vendor(Vendor::Typeform),
        Provider::Vendor(Vendor::Calendly),
        Provider::Vendor(Vendor::Hubspot),
        Provider::Vendor(Vendor::Jotform),
        Provider::Vendor(Vendor::Tiktok),
        Provider::Vendor(Vendor::Linkedin),
        Provider::Vendor(Vendor::GravityForms),
        Provider::Vendor(Vendor::Wpforms),
        Provider::Vendor(Vendor::ContactForm7),
        Provider::Vendor(Vendor::Unbounce),
    ];

    pub const fn key(self) -> &'static str {
        match self {
            Provider::Api => "api",
            Provider::WebsiteForm => "website_form",
            Provider::EmailForward => "email_forward",
            Provider::Meta => "meta",
            Provider::GoogleAds => "google_ads",
            Provider::Vendor(vendor) => vendor.key(),
        }
    }

    pub fn from_key(key: &str) -> Option<Self> {
        Provider::ALL
            .into_iter()
            .find(|provider| provider.key() == key)
    }

    /// The one transport each provider's door speaks.
    pub fn transport(self) -> Transport {
        match self {
            Provider::Api => Transport::Api,
            Provider::WebsiteForm => Transport::PublicForm,
            Provider::EmailForward => Transport::EmailInbound,
            Provider::Meta | Provider::GoogleAds | Provider::Vendor(_) => Transport::Webhook,
        }
    }

    /// The vendor whose webhooks this provider's connectors take, if it is one.
    pub fn vendor(self) -> Option<Vendor> {
        match self {
            Provider::Vendor(vendor) => Some(vendor),
            _ => None,
        }
    }
}

impl Serialize for Provider {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.key())
    }
}

impl<'de> Deserialize<'de> for Provider {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let key = std::borrow::Cow::<str>::deserialize(deserializer)?;
        Provider::from_key(&key).ok_or_else(|| {
            let keys: Vec<_> = Provider::ALL.iter().map(|p| p.key()).collect();
            serde::de::Error::custom(format!(
                "unknown provider {key:?}, expected one of: {}",
                keys.join(", ")
            ))
        })
    }
}

impl Transport {
    pub fn key(self) -> &'static str {
        match self {
            Transport::Api => "api",
            Transport::PublicForm => "public_form",
            Transport::EmailInbound => "email_inbound",
            Transport::Webhook => "webhook",
        }
    }
}

impl fmt::Display for Provider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

impl fmt::Display for Transport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

/// `draft` → `active` ⇄ `paused`; only an active connector creates leads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum ConnectorStatus {
    #[default]
    Draft,
    Active,
    Paused,
}

impl ConnectorStatus {
    pub fn key(self) -> &'static str {
        match self {
            ConnectorStatus::Draft => "draft",
            ConnectorStatus::Active => "active",
            ConnectorStatus::Paused => "paused",
        }
    }
}

/// What each provider needs to find and trust its connector. Only the fields of the
/// connector's own provider are set. Every field is read leniently: a stored value of
/// the wrong shape (an older version's, or one written by hand) reads as unset, so a
/// connector never becomes unreadable.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ProviderSettings {
    /// API: the key callers send as `connector_key`.
    #[serde(skip_serializing_if = "Option::is_none", deserialize_with = "lenient")]
    pub connector_key: Option<String>,
    /// Website form: the public id in `POST /forms/{form_id}`.
    #[serde(skip_serializing_if = "Option::is_none", deserialize_with = "lenient")]
    pub form_id: Option<String>,
    /// Website form: origins allowed by CORS; empty means any.
    #[serde(skip_serializing_if = "Vec::is_empty", deserialize_with = "lenient")]
    pub allowed_origins: Vec<String>,
    /// Website form: where a browser post is sent after success.
    #[serde(skip_serializing_if = "Option::is_none", deserialize_with = "lenient")]
    pub redirect_url: Option<String>,
    /// Website form: the hidden field only bots fill (default `_hp`).
    #[serde(skip_serializing_if = "Option::is_none", deserialize_with = "lenient")]
    pub honeypot_field: Option<String>,
    /// Website form: per-IP and per-contact submission limits; unset ones take defaults.
    #[serde(skip_serializing_if = "Option::is_none", deserialize_with = "lenient")]
    pub form_throttle: Option<super::FormThrottle>,
    /// Meta: the Facebook page whose leadgen changes this connector takes.
    #[serde(skip_serializing_if = "Option::is_none", deserialize_with = "lenient")]
    pub page_id: Option<String>,
    /// Meta or Google: narrows routing to one lead form.
    #[serde(skip_serializing_if = "Option::is_none", deserialize_with = "lenient")]
    pub lead_form_id: Option<String>,
    /// Google: the key Google sends as `google_key`.
    #[serde(skip_serializing_if = "Option::is_none", deserialize_with = "lenient")]
    pub google_key: Option<String>,
    /// Vendors: the secret deliveries are signed with (or, for vendors that sign
    /// nothing, carry). Write-only: shown once, in the answer that made or rotated it.
    #[serde(skip_serializing_if = "Option::is_none", deserialize_with = "lenient")]
    pub signing_secret: Option<SigningSecret>,
    /// Email: an email makes a lead only when SES's SPF verdict is `PASS`.
    #[serde(skip_serializing_if = "is_false", deserialize_with = "lenient")]
    pub require_spf: bool,
    /// Email: an email makes a lead only when SES's DKIM verdict is `PASS`.
    #[serde(skip_serializing_if = "is_false", deserialize_with = "lenient")]
    pub require_dkim: bool,
    /// Email: when not empty, only mail From one of these makes a lead: an address
    /// (`forms@site.example`) or a whole domain (`@site.example`).
    #[serde(skip_serializing_if = "Vec::is_empty", deserialize_with = "lenient")]
    pub allowed_senders: Vec<String>,
    /// Settings no version writes any more, kept as they were read.
    #[serde(flatten)]
    pub extra: BTreeMap<String, serde_json::Value>,
}

fn is_false(value: &bool) -> bool {
    !value
}

/// A stored value as `T`, or `T`'s default when it is not one.
fn lenient<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::de::DeserializeOwned + Default,
{
    let value = serde_json::Value::deserialize(deserializer)?;
    Ok(T::deserialize(value).unwrap_or_default())
}

/// Why a Meta connector's page must be connected again, and since when.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct NeedsReconnect {
    pub page_id: String,
    pub reason: String,
    pub since: String,
    /// When the token still reads leads until (RFC 3339): it expires soon. Unset: it
    /// no longer works, and the Meta door holds the page's leads back (5xx) until the
    /// page is connected again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub works_until: Option<String>,
}

impl NeedsReconnect {
    /// Whether the page's leads wait for the reconnect (the token no longer works).
    pub fn holds_leads(&self) -> bool {
        self.works_until.is_none()
    }
}

/// A connector profile: one door of one workspace, with the defaults its leads get.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Connector {
    pub id: ConnectorId,
    pub workspace_id: WorkspaceId,
    pub display_name: String,
    pub provider: Provider,
    pub transport: Transport,
    #[serde(default)]
    pub status: ConnectorStatus,
    #[serde(default)]
    pub source_label: Option<String>,
    /// A rep is identified by an email address, where speed-to-lead notices go.
    #[serde(default)]
    pub assigned_rep: Option<String>,
    #[serde(default)]
    pub notes_prefix: Option<String>,
    #[serde(default)]
    pub speed_to_lead: bool,
    /// Email connectors: parses below this confidence wait for review.
    #[serde(default)]
    pub review_threshold: Option<f64>,
    /// Incoming field name → standard field name (`full_name` → `customer_name`).
    #[serde(default)]
    pub field_aliases: BTreeMap<String, String>,
    #[serde(default, deserialize_with = "lenient")]
    pub settings: ProviderSettings,
    /// What this source's leads may be (seed 002): places, products, a daily cap, a
    /// compliance certificate.
    #[serde(default)]
    pub rules: SourceRules,
    /// Meta: the page's token has stopped working or soon will (the daily token-health
    /// check says why); connecting the page again clears it. While the token no longer
    /// works, the Meta door answers 5xx for this connector's leads, so Meta keeps them.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient"
    )]
    pub needs_reconnect: Option<NeedsReconnect>,
    pub created_at: String,
    pub updated_at: String,
    /// The workspace's `retention_days` when it was read with the connector (a door's
    /// lookup reads both in one round trip); never stored.
    #[serde(skip)]
    pub workspace_retention_days: Option<u32>,
}

impl Connector {
    pub fn is_active(&self) -> bool {
        self.status == ConnectorStatus::Active
    }

    /// The label leads are tagged with: the connector's own, else the provider key.
    pub fn source(&self) -> String {
        self.source_label
            .as_deref()
            .map(str::trim)
            .filter(|label| !label.is_empty())
            .unwrap_or(self.provider.key())
            .to_owned()
    }
}

impl ProviderSettings {
    /// The website form's honeypot field name.
    pub fn honeypot_field(&self) -> &str {
        self.honeypot_field
            .as_deref()
            .map(str::trim)
            .filter(|name| !name.is_empty())
            .unwrap_or(super::DEFAULT_HONEYPOT_FIELD)
    }

    /// The website form's submission limits, defaults where unset.
    pub fn form_throttle(&self) -> super::FormThrottle {
        self.form_throttle.unwrap_or_default()
    }

    /// The secrets and public ids a new connector of `provider` needs, freshly generated.
    pub fn generate(provider: Provider) -> Self {
        let mut settings = ProviderSettings::default();
        match provider {
            Provider::Api => settings.connector_key = Some(random_token("lc_conn_")),
            Provider::WebsiteForm => settings.form_id = Some(random_token("form_")),
            Provider::GoogleAds => settings.google_key = Some(random_token("gk_")),
            Provider::Vendor(vendor) if !vendor.issues_secret() => {
                settings.signing_secret = Some(SigningSecret::generate());
            }
            Provider::EmailForward | Provider::Meta | Provider::Vendor(_) => {}
        }
        settings
    }
}

/// `prefix` and 32 random alphanumeric characters (about 190 bits).
pub fn random_token(prefix: &str) -> String {
    use rand::distr::{Alphanumeric, SampleString};
    format!(
        "{prefix}{}",
        Alphanumeric.sample_string(&mut rand::rng(), 32)
    )
}

impl Connector {
    /// A new draft connector with what its provider needs generated, created `now`.
    pub fn new(
        workspace_id: &WorkspaceId,
        provider: Provider,
        display_name: &str,
        now: &str,
    ) -> Self {
        Self {
            id: ConnectorId::new(),
            workspace_id: workspace_id.clone(),
            display_name: display_name.to_owned(),
            provider,
            transport: provider.transport(),
            status: ConnectorStatus::Draft,
            source_label: None,
            assigned_rep: None,
            notes_prefix: None,
            speed_to_lead: false,
            review_threshold: None,
            field_aliases: BTreeMap::new(),
            settings: ProviderSettings::generate(provider),
            rules: SourceRules::default(),
            needs_reconnect: None,
            created_at: now.to_owned(),
            updated_at: now.to_owned(),
            workspace_retention_days: None,
        }
    }
}
