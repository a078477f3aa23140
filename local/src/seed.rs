//! Demo and test data: a workspace with its keys and one active connector per door.

use serde::Serialize;
use shared::domain::{
    new_id, Connector, ConnectorStatus, Provider, Scope, SigningSecret, Vendor, Workspace,
    WorkspaceId,
};
use shared::store::{Store, StoreError};

/// A seeded workspace and the secrets a caller needs, shown here once.
#[derive(Debug, Clone)]
pub struct Seeded {
    pub workspace: Workspace,
    /// Plain API key with `leads:write`.
    pub api_key: String,
    /// Plain API key with `admin`.
    pub admin_key: String,
    pub connectors: Vec<Connector>,
}

impl Seeded {
    pub fn connector(&self, provider: Provider) -> Option<&Connector> {
        self.connectors.iter().find(|c| c.provider == provider)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{0} is already taken")]
    Taken(String),
}

/// A new workspace named `name` with an email slug derived from its id, a
/// `leads:write` key and an `admin` key.
pub async fn workspace(store: &Store, name: &str) -> Result<Seeded, SeedError> {
    let id = WorkspaceId::new();
    let workspace = Workspace {
        email_slug: format!("ws-{}", id.to_lowercase()),
        id,
        name: name.to_owned(),
        created_at: store.clock().stamp(),
        settings: Default::default(),
    };
    if !store.create_workspace(&workspace).await? {
        return Err(SeedError::Taken(format!(
            "email slug {}",
            workspace.email_slug
        )));
    }
    let (api_key, _) =
        shared::auth::issue_key(store, &workspace.id, vec![Scope::LeadsWrite]).await?;
    let (admin_key, _) = shared::auth::issue_key(store, &workspace.id, vec![Scope::Admin]).await?;
    Ok(Seeded {
        workspace,
        api_key,
        admin_key,
        connectors: Vec::new(),
    })
}

/// Adds an active connector of `provider`, shaped by `configure` before it is stored.
pub async fn active_connector(
    store: &Store,
    seeded: &mut Seeded,
    provider: Provider,
    configure: impl FnOnce(&mut Connector),
) -> Result<Connector, SeedError> {
    let mut connector = Connector::new(
        &seeded.workspace.id,
        provider,
        &format!("Demo {provider} connector"),
        &store.clock().stamp(),
    );
    connector.status = ConnectorStatus::Active;
    configure(&mut connector);
    if !store.create_connector(&connector).await? {
        return Err(SeedError::Taken(format!("active {provider} slot or route")));
    }
    seeded.connectors.push(connector.clone());
    Ok(connector)
}

/// The keys the sample events in `events/` carry. Local only: the demo workspace of
/// `make dev` and the events test use them, so the same files run against both.
pub const SAMPLE_API_KEY: &str = "lc_live_SampleEventsKeyForLocalRunsOnly01";
pub const SAMPLE_ADMIN_KEY: &str = "lc_live_SampleAdminKeyForLocalRunsOnly001";
pub const SAMPLE_CONNECTOR_KEY: &str = "lc_conn_SampleConnectorKeyForLocalRuns01";
/// The domain forwarded emails are addressed to locally (the template's default).
pub const INBOUND_EMAIL_DOMAIN: &str = "leads.example.com";
/// The demo website form's public id (`POST /forms/{form_id}`).
pub const SAMPLE_FORM_ID: &str = "form_SampleWebsiteFormIdForLocalRuns01";
/// Where the demo website form may be posted from: `file:` pages (origin `null`) and
/// a page served on port 8000, whose `_redirect` thank-you page is then honoured.
pub const SAMPLE_FORM_ORIGINS: [&str; 3] =
    ["null", "http://localhost:8000", "http://127.0.0.1:8000"];
/// The Meta sample: the demo page, the webhook secret's values, and the lead of the
/// signed sample leadgen event.
pub const SAMPLE_META_PAGE_ID: &str = "102030405060708";
pub const SAMPLE_META_VERIFY_TOKEN: &str = "lc_verify_SampleVerifyTokenForLocalRuns01";
pub const SAMPLE_META_APP_SECRET: &str = "sample_app_secret_for_local_runs_only_01";
/// The Meta app of local runs: Facebook Login's `client_id` at the Graph API stand-in.
pub const SAMPLE_META_APP_ID: &str = "100200300400500";
pub const SAMPLE_META_PAGE_TOKEN: &str = "EAAB_SamplePageTokenForLocalRunsOnly0001";
pub const SAMPLE_META_LEADGEN_ID: &str = "1234567890123456";
/// The demo Meta connector's fixed id (the Connect Meta sample events name it).
pub const SAMPLE_META_CONNECTOR_ID: &str = "01JB8ZK5V7G00META000000001";
/// The Google sample: the demo connector's fixed id (its webhook URL) and key.
pub const SAMPLE_GOOGLE_CONNECTOR_ID: &str = "01JB8ZK5V7G00G1EADS0000001";
pub const SAMPLE_GOOGLE_KEY: &str = "gk_SampleGoogleKeyForLocalRunsOnly0001";

/// A demo vendor connector's fixed id (its webhook URL): `01JB8ZK5V7G00VEND000000001`…
pub fn sample_vendor_connector_id(vendor: Vendor) -> String {
    let index = Vendor::ALL
        .iter()
        .position(|v| *v == vendor)
        .unwrap_or_default();
    format!("01JB8ZK5V7G00VEND{:09}", index + 1)
}

/// A demo vendor connector's signing secret (local only; the sample events are signed
/// with it).
pub fn sample_signing_secret(vendor: Vendor) -> String {
    format!("lc_whsec_sample_{}_for_local_runs_only", vendor.key())
}

/// The Meta webhook secret of local runs (Secrets Manager JSON), for the demo page.
pub fn sample_meta_secret() -> serde_json::Value {
    serde_json::json!({
        "app_id": SAMPLE_META_APP_ID,
        "app_secret": SAMPLE_META_APP_SECRET,
        "verify_token": SAMPLE_META_VERIFY_TOKEN,
    })
}

/// The demo page's access token, stored in the demo workspace's page tokens (as
/// `PUT /admin/meta/pages/{page_id}` would); the Graph API stand-in knows it.
pub async fn demo_meta_page(
    pages: &shared::providers::meta::PageTokens,
    seeded: &Seeded,
) -> Result<(), shared::providers::meta::PageTokenError> {
    let page = shared::providers::meta::NewPage {
        page_id: SAMPLE_META_PAGE_ID.into(),
        name: Some("Demo page".into()),
        token: SAMPLE_META_PAGE_TOKEN.into(),
        expires_at: None,
    };
    pages.store(&seeded.workspace.id, vec![page]).await
}

async fn sample_key(
    store: &Store,
    workspace_id: &WorkspaceId,
    plain: &str,
    scope: Scope,
) -> Result<(), SeedError> {
    let key = shared::domain::ApiKey {
        id: new_id(),
        workspace_id: workspace_id.to_owned(),
        scopes: vec![scope],
        prefix: plain.chars().take(12).collect(),
        created_at: store.clock().stamp(),
        revoked_at: None,
    };
    if !store
        .create_api_key(&shared::auth::key_hash(plain), &key)
        .await?
    {
        return Err(SeedError::Taken(format!("sample {} key", scope.key())));
    }
    Ok(())
}

/// The demo workspace of `make dev` (and of the sample events): every door open,
/// with the sample keys of `events/`.
pub async fn demo(store: &Store) -> Result<Seeded, SeedError> {
    let id = WorkspaceId::new();
    let workspace = Workspace {
        id,
        name: "Demo Workspace".to_owned(),
        email_slug: "demo".to_owned(),
        created_at: store.clock().stamp(),
        settings: shared::domain::WorkspaceSettings {
            notification_address: Some("sales@example.com".to_owned()),
            acknowledge_leads: true,
            reviewer_addresses: vec!["reviews@example.com".to_owned()],
            ..Default::default()
        },
    };
    if !store.create_workspace(&workspace).await? {
        return Err(SeedError::Taken("email slug demo".into()));
    }
    sample_key(store, &workspace.id, SAMPLE_API_KEY, Scope::LeadsWrite).await?;
    sample_key(store, &workspace.id, SAMPLE_ADMIN_KEY, Scope::Admin).await?;
    let mut seeded = Seeded {
        workspace,
        api_key: SAMPLE_API_KEY.to_owned(),
        admin_key: SAMPLE_ADMIN_KEY.to_owned(),
        connectors: Vec::new(),
    };
    active_connector(store, &mut seeded, Provider::Api, |c| {
        c.display_name = "Zapier / middleware".into();
        c.notes_prefix = Some("[API]".into());
        c.settings.connector_key = Some(SAMPLE_CONNECTOR_KEY.into());
        c.speed_to_lead = true;
        c.assigned_rep = Some("rep@example.com".into());
    })
    .await?;
    active_connector(store, &mut seeded, Provider::EmailForward, |c| {
        c.display_name = "Forwarded lead emails".into();
        c.review_threshold = Some(0.65);
    })
    .await?;
    active_connector(store, &mut seeded, Provider::WebsiteForm, |c| {
        c.display_name = "Website quote form".into();
        c.source_label = Some("website".into());
        c.notes_prefix = Some("[Web form]".into());
        c.field_aliases = [("your-message", "notes"), ("project", "service_interest")]
            .map(|(from, to)| (from.to_owned(), to.to_owned()))
            .into();
        c.settings.form_id = Some(SAMPLE_FORM_ID.into());
        c.settings.allowed_origins = SAMPLE_FORM_ORIGINS.map(str::to_owned).to_vec();
    })
    .await?;
    active_connector(store, &mut seeded, Provider::Meta, |c| {
        c.id = SAMPLE_META_CONNECTOR_ID.into();
        c.display_name = "Facebook & Instagram lead ads".into();
        c.settings.page_id = Some(SAMPLE_META_PAGE_ID.into());
    })
    .await?;
    active_connector(store, &mut seeded, Provider::GoogleAds, |c| {
        c.id = SAMPLE_GOOGLE_CONNECTOR_ID.into();
        c.display_name = "Google lead form ads".into();
        c.settings.google_key = Some(SAMPLE_GOOGLE_KEY.into());
    })
    .await?;
    for vendor in Vendor::ALL {
        active_connector(store, &mut seeded, Provider::Vendor(vendor), |c| {
            c.id = sample_vendor_connector_id(vendor).into();
            c.display_name = format!("{vendor} webhooks");
            c.settings.signing_secret = SigningSecret::parse(&sample_signing_secret(vendor)).ok();
        })
        .await?;
    }
    Ok(seeded)
}

/// `.local/demo.json`, as DESIGN.md describes it.
#[derive(Debug, Serialize)]
pub struct DemoFile {
    pub api_base: String,
    pub aws_endpoint: String,
    pub api_key: String,
    pub admin_key: String,
    pub workspace_id: WorkspaceId,
    pub connectors: serde_json::Map<String, serde_json::Value>,
    /// The local table, for `leadctl --table`.
    pub table: String,
}

impl DemoFile {
    pub fn new(seeded: &Seeded, api_base: &str, aws_endpoint: &str, table: &str) -> Self {
        let connectors = seeded
            .connectors
            .iter()
            .map(|c| {
                let mut entry = serde_json::json!({ "id": c.id });
                if let Some(key) = &c.settings.connector_key {
                    entry["connector_key"] = key.clone().into();
                }
                if c.provider == Provider::EmailForward {
                    let address = format!("{}@{INBOUND_EMAIL_DOMAIN}", seeded.workspace.email_slug);
                    entry["address"] = address.into();
                }
                if let Some(form_id) = &c.settings.form_id {
                    entry["form_id"] = form_id.clone().into();
                }
                if let Some(page_id) = &c.settings.page_id {
                    entry["page_id"] = page_id.clone().into();
                    entry["verify_token"] = SAMPLE_META_VERIFY_TOKEN.into();
                    entry["app_secret"] = SAMPLE_META_APP_SECRET.into();
                }
                if let Some(key) = &c.settings.google_key {
                    entry["google_key"] = key.clone().into();
                }
                if let Some(secret) = &c.settings.signing_secret {
                    entry["signing_secret"] = secret.expose().into();
                }
                (c.provider.key().to_owned(), entry)
            })
            .collect();
        Self {
            api_base: api_base.to_owned(),
            aws_endpoint: aws_endpoint.to_owned(),
            api_key: seeded.api_key.clone(),
            admin_key: seeded.admin_key.clone(),
            workspace_id: seeded.workspace.id.clone(),
            connectors,
            table: table.to_owned(),
        }
    }
}
