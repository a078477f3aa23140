//! Test support: one moto server per test binary with the table of `template.yaml`,
//! and a [`TestApp`] per test that owns a fresh workspace in it.

pub mod email;
pub mod followups;

use aws_config::SdkConfig;
use local::gateway::HttpCall;
use local::seed::{self, Seeded};
use serde_json::Value;
use shared::domain::{Connector, ImportRecord, Lead, Provider};
use shared::store::Store;
use std::sync::OnceLock;

pub mod webhooks;

pub use local::moto::Moto;

pub mod admin;
pub mod forms;
pub mod security;

struct Aws {
    moto: Moto,
    resources: local::provision::Resources,
}

fn aws() -> &'static Aws {
    static AWS: OnceLock<Aws> = OnceLock::new();
    AWS.get_or_init(|| {
        // Provisioning runs on a runtime of its own: each test has its own runtime, and
        // SDK clients must not outlive the runtime they were made on.
        std::thread::spawn(|| {
            let moto = Moto::start(0).expect("moto starts (make test installs it)");
            let resources = tokio::runtime::Runtime::new()
                .expect("a runtime")
                .block_on(async {
                    let config = local::moto::sdk_config(&moto.endpoint).await;
                    local::provision::provision(&config).await
                })
                .expect("the template's resources are created on moto");
            Aws { moto, resources }
        })
        .join()
        .expect("moto set-up")
    })
}

/// What a door answered.
#[derive(Debug, Clone)]
pub struct TestResponse {
    pub status: u16,
    pub headers: http::HeaderMap,
    pub text: String,
}

impl TestResponse {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or(Value::Null)
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// Sends `request` (to the local gateway) and reads the whole answer.
    pub async fn of(request: reqwest::RequestBuilder) -> Self {
        let response = request.send().await.expect("the gateway answers");
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let text = response.text().await.expect("a body");
        Self {
            status,
            headers,
            text,
        }
    }

    pub fn from_lambda(response: lambda_http::Response<lambda_http::Body>) -> Self {
        let (parts, body) = response.into_parts();
        let text = match body {
            lambda_http::Body::Text(text) => text,
            lambda_http::Body::Binary(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
            _ => String::new(),
        };
        Self {
            status: parts.status.as_u16(),
            headers: parts.headers,
            text,
        }
    }
}

/// A fresh workspace on the shared moto server, with an active API connector.
pub struct TestApp {
    pub config: SdkConfig,
    pub store: Store,
    pub seeded: Seeded,
}

impl TestApp {
    pub async fn spawn() -> Self {
        Self::spawn_with(|_| {}).await
    }

    /// The demo workspace of `make dev`, with the sample keys the files in `events/` carry.
    /// Seeded once per test binary (the sample keys are global); every caller shares it.
    pub async fn demo() -> Self {
        static DEMO: tokio::sync::OnceCell<Seeded> = tokio::sync::OnceCell::const_new();
        let (config, store) = Self::connect().await;
        let seeded = DEMO
            .get_or_init(|| async { seed::demo(&store).await.expect("demo seed") })
            .await
            .clone();
        Self {
            config,
            store,
            seeded,
        }
    }

    async fn connect() -> (SdkConfig, Store) {
        let aws = aws();
        let config = local::moto::sdk_config(&aws.moto.endpoint).await;
        let store = Store::new(shared::aws::dynamodb(&config), &aws.resources.table);
        (config, store)
    }

    /// A test app whose API connector is shaped by `configure` before it is stored.
    pub async fn spawn_with(configure: impl FnOnce(&mut Connector)) -> Self {
        let (config, store) = Self::connect().await;
        let mut seeded = seed::workspace(&store, "Test Workspace")
            .await
            .expect("seed");
        seed::active_connector(&store, &mut seeded, Provider::Api, configure)
            .await
            .expect("seed connector");
        Self {
            config,
            store,
            seeded,
        }
    }

    pub fn endpoint(&self) -> &str {
        &aws().moto.endpoint
    }

    /// The local resources (table, buckets, queues) of the template.
    pub fn resources(&self) -> &'static local::provision::Resources {
        &aws().resources
    }

    pub fn workspace_id(&self) -> &shared::domain::WorkspaceId {
        &self.seeded.workspace.id
    }

    pub fn api_connector(&self) -> &Connector {
        self.seeded
            .connector(Provider::Api)
            .expect("an API connector")
    }

    pub fn connector_key(&self) -> String {
        self.api_connector()
            .settings
            .connector_key
            .clone()
            .expect("a connector key")
    }

    pub fn api_deps(&self) -> api_intake::ApiIntake {
        api_intake::ApiIntake {
            store: self.store.clone(),
        }
    }

    /// `POST /api/v1/leads` with `headers` and `body` as they are.
    pub async fn post_raw(&self, headers: &[(&str, &str)], body: &[u8]) -> TestResponse {
        let request = Self::lead_request(headers, body);
        TestResponse::from_lambda(shared::http::answer(&self.api_deps(), request).await)
    }

    /// The request API Gateway would hand `api-intake` for this post.
    pub fn lead_request(headers: &[(&str, &str)], body: &[u8]) -> lambda_http::Request {
        HttpCall {
            route_key: "POST /api/v1/leads".into(),
            method: "POST".into(),
            path: "/api/v1/leads".into(),
            headers: headers
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            body: body.to_vec(),
            source_ip: "203.0.113.10".into(),
            ..Default::default()
        }
        .request()
        .expect("a valid event")
    }

    /// The headers of an authorised JSON post with the app's API key.
    pub fn auth_headers(&self) -> Vec<(&'static str, String)> {
        vec![
            ("authorization", format!("Bearer {}", self.seeded.api_key)),
            ("content-type", "application/json".to_owned()),
        ]
    }

    /// Posts a lead with the app's API key and connector key, plus `extra_headers`.
    pub async fn post_lead_with(
        &self,
        extra_headers: &[(&str, &str)],
        mut body: Value,
    ) -> TestResponse {
        if body.get("connector_key").is_none() {
            body["connector_key"] = self.connector_key().into();
        }
        let authorization = format!("Bearer {}", self.seeded.api_key);
        let mut headers = vec![
            ("authorization", authorization.as_str()),
            ("content-type", "application/json"),
        ];
        headers.extend_from_slice(extra_headers);
        self.post_raw(&headers, body.to_string().as_bytes()).await
    }

    pub async fn post_lead(&self, body: Value) -> TestResponse {
        self.post_lead_with(&[], body).await
    }

    /// The gateway of `make dev` on a free port, wired to this app's store: every route
    /// of the template, `/_local/email` (an email door with a retry queue of its own) and
    /// the Graph API stand-in the Meta door reads. Answers its base URL.
    pub async fn serve_gateway(&self) -> String {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a free port");
        let base = format!("http://{}", listener.local_addr().expect("an address"));
        let served = local::serve_all(
            listener,
            &self.store,
            &self.config,
            &self.resources().meta_secret,
            self.email_deps(3).await,
        )
        .expect("the gateway's doors");
        tokio::spawn(served);
        base
    }

    /// The workspace's whole import log, newest first.
    pub async fn import_log(&self) -> Vec<ImportRecord> {
        let mut all = Vec::new();
        let mut cursor = None;
        loop {
            let page = self
                .store
                .imports(self.workspace_id(), None, 100, cursor.as_deref())
                .await
                .expect("import log")
                .expect("cursor");
            all.extend(page.items);
            cursor = page.cursor;
            if cursor.is_none() {
                return all;
            }
        }
    }

    /// The workspace's leads, newest first.
    pub async fn leads(&self) -> Vec<Lead> {
        let mut all = Vec::new();
        let mut cursor = None;
        loop {
            let page = self
                .store
                .leads(self.workspace_id(), 100, cursor.as_deref())
                .await
                .expect("leads")
                .expect("cursor");
            all.extend(page.items);
            cursor = page.cursor;
            if cursor.is_none() {
                return all;
            }
        }
    }

    /// The workspace's stored items whose sort key starts with `prefix`.
    pub async fn items(&self, prefix: &str) -> Vec<shared::store::Item> {
        self.store
            .workspace_items(self.workspace_id())
            .await
            .expect("items")
            .into_iter()
            .filter(|item| {
                item.get("sk")
                    .and_then(|v| v.as_s().ok())
                    .is_some_and(|sk| sk.starts_with(prefix))
            })
            .collect()
    }
}

/// A complete, valid lead body (without `connector_key`).
pub fn lead_body(external_id: &str) -> Value {
    serde_json::json!({
        "customer_name": "Pat Example",
        "customer_email": "pat@example.com",
        "customer_phone": "(717) 555-0123",
        "service_address": "123 Main St",
        "city": "Lancaster",
        "state": "PA",
        "zip": "17601",
        "service_interest": "House Wash",
        "notes": "Requested from landing page",
        "external_id": external_id,
    })
}
