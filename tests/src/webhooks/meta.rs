//! The Meta door: a workspace whose active Meta connector takes a page of its own (its
//! token in the workspace's page tokens), the Meta secret in Secrets Manager (moto), a
//! Graph API to fetch leads from, and requests as API Gateway delivers them.

use crate::{TestApp, TestResponse};
use local::gateway::HttpCall;
use local::graph::GraphLeads;
use local::seed;
use serde_json::{json, Value};
use shared::domain::{Connector, Provider};
use shared::providers::meta::{self, GraphClient, DEFAULT_VERSION};
use shared::secrets::Secret;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;

pub const APP_SECRET: &str = "test-app-secret";
pub const VERIFY_TOKEN: &str = "test-verify-token";

/// Nothing listens on the discard port: any Graph API call fails to connect.
pub const NO_GRAPH: &str = "http://127.0.0.1:9";

/// The local Graph API stand-in, knowing `leads`; answers its base URL.
pub async fn graph_stand_in(leads: &[Value]) -> String {
    let graph = GraphLeads::default();
    for lead in leads {
        graph.register(lead.clone()).expect("a Graph API lead");
    }
    local::graph::spawn(graph)
        .await
        .expect("the stand-in listens")
}

/// The Graph API stand-in the admin API of this test binary checks pages against (on
/// a thread of its own, so it outlives each test): its leads and pages, and its base.
pub fn shared_graph() -> &'static (GraphLeads, String) {
    static GRAPH: OnceLock<(GraphLeads, String)> = OnceLock::new();
    GRAPH.get_or_init(|| {
        let leads = GraphLeads::default();
        let base = local::graph::spawn_detached(leads.clone()).expect("the stand-in listens");
        (leads, base)
    })
}

/// A page id no other test of this binary (one moto each) uses.
pub fn unique_page_id() -> String {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    (100_000_000_000_000 + NEXT.fetch_add(1, Ordering::Relaxed)).to_string()
}

pub fn page_token(page_id: &str) -> String {
    format!("page-token-{page_id}")
}

/// A workspace whose active Meta connector takes `page_id`, and the Meta door's deps.
pub struct MetaApp {
    pub app: TestApp,
    pub page_id: String,
    pub connector: Connector,
    pub deps: meta_webhook::MetaWebhook,
}

impl MetaApp {
    /// A Meta connector (shaped by `configure`) whose leads are fetched from `graph_base`.
    pub async fn spawn(graph_base: &str, configure: impl FnOnce(&mut Connector)) -> Self {
        let page_id = unique_page_id();
        Self::spawn_for(graph_base, &page_id, &page_token(&page_id), configure).await
    }

    /// The same with the page token the secret holds for the page chosen.
    pub async fn spawn_for(
        graph_base: &str,
        page_id: &str,
        token: &str,
        configure: impl FnOnce(&mut Connector),
    ) -> Self {
        let mut app = TestApp::spawn().await;
        let connector = seed::active_connector(&app.store, &mut app.seeded, Provider::Meta, |c| {
            c.settings.page_id = Some(page_id.to_owned());
            configure(c);
        })
        .await
        .expect("meta connector");
        let secret_name = format!("meta-webhook-{}", app.workspace_id());
        let secret = json!({ "app_secret": APP_SECRET, "verify_token": VERIFY_TOKEN });
        local::provision::put_secret(&app.config, &secret_name, &secret.to_string())
            .await
            .expect("meta secret");
        if !token.is_empty() {
            store_page_token(&app, page_id, token).await;
        }
        let deps = meta_deps(&app, &secret_name, graph_base);
        Self {
            app,
            page_id: page_id.to_owned(),
            connector,
            deps,
        }
    }

    /// `POST /webhooks/meta` with `body` as its raw bytes and an optional signature.
    pub async fn post(&self, body: &[u8], signature: Option<&str>) -> TestResponse {
        let mut headers = vec![("content-type".to_owned(), "application/json".to_owned())];
        if let Some(signature) = signature {
            headers.push(("x-hub-signature-256".to_owned(), signature.to_owned()));
        }
        let call = HttpCall {
            route_key: "POST /webhooks/meta".into(),
            method: "POST".into(),
            path: "/webhooks/meta".into(),
            headers,
            body: body.to_vec(),
            source_ip: "173.252.127.1".into(),
            ..Default::default()
        };
        TestResponse::answered(&self.deps, call).await
    }

    /// `POST /webhooks/meta` signed with the app secret, as Meta sends it.
    pub async fn deliver(&self, body: &Value) -> TestResponse {
        let body = body.to_string();
        let signature = meta::sign(APP_SECRET, body.as_bytes());
        self.post(body.as_bytes(), Some(&signature)).await
    }

    /// A signed delivery of one `leadgen` change per id, for this app's page.
    pub async fn deliver_leads(&self, leadgen_ids: &[&str]) -> TestResponse {
        self.deliver(&leadgen_delivery(&self.page_id, leadgen_ids))
            .await
    }

    /// `GET /webhooks/meta?{query}`.
    pub async fn get(&self, query: &str) -> TestResponse {
        let call = HttpCall {
            route_key: "GET /webhooks/meta".into(),
            method: "GET".into(),
            path: "/webhooks/meta".into(),
            query: query.to_owned(),
            source_ip: "173.252.127.1".into(),
            ..Default::default()
        };
        TestResponse::answered(&self.deps, call).await
    }
}

/// Stores `token` for `page_id` in `app`'s workspace, with the admin function's grants.
pub async fn store_page_token(app: &TestApp, page_id: &str, token: &str) {
    let page = meta::NewPage {
        page_id: page_id.to_owned(),
        name: None,
        token: token.to_owned(),
        expires_at: None,
    };
    local::page_tokens(&app.config, app.resources(), "admin-api")
        .store(app.workspace_id(), vec![page])
        .await
        .expect("the page token is stored");
}

/// The Meta door's deps for `app`, with secret `secret_name` and the Graph API at `graph_base`.
pub fn meta_deps(app: &TestApp, secret_name: &str, graph_base: &str) -> meta_webhook::MetaWebhook {
    local::calls::stands_for(secret_name, "MetaWebhookSecret");
    meta_webhook::MetaWebhook {
        store: app.store_of("meta-webhook"),
        secrets: Secret::new(app.function("meta-webhook").secrets(), secret_name),
        pages: local::page_tokens(&app.config, app.resources(), "meta-webhook"),
        graph: GraphClient::new(graph_base, DEFAULT_VERSION).expect("graph client"),
    }
}

/// A Page notification with one `leadgen` change per lead id.
pub fn leadgen_delivery(page_id: &str, leadgen_ids: &[&str]) -> Value {
    let changes: Vec<Value> = leadgen_ids
        .iter()
        .map(|id| {
            json!({
                "field": "leadgen",
                "value": {
                    "leadgen_id": id,
                    "page_id": page_id,
                    "form_id": "908070605040302",
                    "adgroup_id": "23850000000000001",
                    "ad_id": "23850000000000002",
                    "created_time": 1_795_521_600,
                }
            })
        })
        .collect();
    json!({
        "object": "page",
        "entry": [{ "id": page_id, "time": 1_795_521_601, "changes": changes }]
    })
}

/// A Graph API lead with a name, contacts, an address and a custom question.
pub fn graph_lead(leadgen_id: &str) -> Value {
    json!({
        "id": leadgen_id,
        "created_time": "2026-11-24T12:00:00+0000",
        "ad_id": "23850000000000002",
        "form_id": "908070605040302",
        "field_data": [
            {"name": "full_name", "values": ["Pat Example"]},
            {"name": "email", "values": ["pat@example.com"]},
            {"name": "phone_number", "values": ["+17175550123"]},
            {"name": "street_address", "values": ["123 Main St"]},
            {"name": "city", "values": ["Lancaster"]},
            {"name": "state", "values": ["PA"]},
            {"name": "zip_code", "values": ["17601"]},
            {"name": "which_services?", "values": ["house_wash", "roof_cleaning"]}
        ]
    })
}
