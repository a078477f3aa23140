//! Connect Meta over real HTTP: the gateway of `make dev` (its Graph API stand-in plays
//! Facebook Login and the person's pages), an admin key, and a browser that follows the
//! login dialog back to the callback.

use crate::{TestApp, TestResponse};
use serde_json::{json, Value};

impl TestApp {
    /// The Connect Meta door wired to this app's table, the Graph API and the login
    /// dialog at `graph_base` (as the gateway's stand-in would be).
    pub fn meta_connect_deps(&self, graph_base: &str) -> meta_connect::MetaConnectDoor {
        let base = graph_base.trim_end_matches(local::graph::GRAPH_PREFIX);
        let meta_secret = &self.resources().meta_secret;
        let connect =
            local::meta_connect(&self.config, &self.store, meta_secret, base, "meta-connect")
                .expect("Connect Meta's deps");
        meta_connect::MetaConnectDoor {
            connect,
            deployment: local::deployment(base),
        }
    }
}

/// A workspace's gateway, and a person at Facebook who manages pages.
pub struct ConnectApp {
    pub app: TestApp,
    pub base: String,
    http: reqwest::Client,
}

impl ConnectApp {
    pub async fn spawn() -> Self {
        Self::for_app(TestApp::spawn().await).await
    }

    pub async fn for_app(app: TestApp) -> Self {
        let base = app.serve_gateway().await;
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("an HTTP client");
        Self { app, base, http }
    }

    /// The person also manages page `id` at Facebook.
    pub async fn manages_page(&self, id: &str, name: &str) {
        let added = self
            .http
            .post(format!("{}/_local/meta/pages", self.base))
            .json(&json!({ "id": id, "name": name }))
            .send()
            .await
            .expect("the stand-in answers");
        assert_eq!(added.status(), 201);
    }

    /// The page's tokens stop working now (`None`) or in `seconds`.
    pub async fn expire_page_tokens(&self, id: &str, seconds: Option<i64>) {
        let body = seconds.map_or(json!({}), |s| json!({ "in_seconds": s }));
        let url = format!("{}/_local/meta/pages/{id}/expire", self.base);
        let expired = self.http.post(url).json(&body).send().await.unwrap();
        assert_eq!(expired.status(), 200);
    }

    /// The fields the app is subscribed to on page `id` (`Null`: none).
    pub async fn subscription(&self, id: &str) -> Value {
        let url = format!("{}/_local/meta/pages", self.base);
        let pages: Value = self
            .http
            .get(url)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let pages = pages["data"].as_array().cloned().unwrap_or_default();
        let page = pages.into_iter().find(|page| page["id"] == id);
        page.map_or(Value::Null, |page| page["subscribed_fields"].clone())
    }

    /// An admin call over HTTP with the workspace's admin key.
    pub async fn admin(&self, method: &str, path: &str, body: Option<Value>) -> TestResponse {
        let method = reqwest::Method::from_bytes(method.as_bytes()).expect("a method");
        let mut request = self
            .http
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(&self.app.seeded.admin_key);
        if let Some(body) = body {
            request = request.json(&body);
        }
        TestResponse::of(request).await
    }

    /// A new draft Meta connector; answers its id.
    pub async fn meta_connector(&self) -> String {
        let body = json!({"display_name": "Meta Lead Ads", "provider": "meta", "status": "draft"});
        let created = self.admin("POST", "/admin/connectors", Some(body)).await;
        assert_eq!(created.status, 201, "{}", created.text);
        created.json()["id"].as_str().expect("an id").to_owned()
    }

    /// The login dialog's URL for the connector.
    pub async fn authorize(&self, connector_id: &str) -> String {
        let path = format!("/admin/connectors/{connector_id}/meta/authorize");
        let answer = self.admin("POST", &path, None).await;
        assert_eq!(answer.status, 200, "{}", answer.text);
        answer.json()["url"].as_str().expect("a url").to_owned()
    }

    /// The person approves the dialog at `url`: answers the callback URL Facebook sends
    /// the browser back to (with the code and the state).
    pub async fn approve(&self, url: &str) -> String {
        let dialog = self.http.get(url).send().await.expect("the dialog answers");
        assert!(dialog.status().is_redirection(), "{}", dialog.status());
        let location = dialog.headers()["location"].to_str().expect("a location");
        location.to_owned()
    }

    /// The browser opens the callback URL: its status and page.
    pub async fn open(&self, url: &str) -> TestResponse {
        TestResponse::of(self.http.get(url)).await
    }

    /// Authorize, approve and come back: the callback's answer.
    pub async fn log_in(&self, connector_id: &str) -> TestResponse {
        let dialog = self.authorize(connector_id).await;
        let callback = self.approve(&dialog).await;
        self.open(&callback).await
    }

    /// A new Meta connector, logged in and active on a new page: its id and the page's.
    pub async fn connected_page(&self) -> (String, String) {
        let page = super::unique_page_id();
        self.manages_page(&page, "Connected Page").await;
        let connector = self.meta_connector().await;
        assert_eq!(self.log_in(&connector).await.status, 200);
        assert_eq!(self.choose_page(&connector, &page).await.status, 200);
        (connector, page)
    }

    /// Registers `leadgen_id` with the Graph API stand-in, for the Meta door to fetch.
    pub async fn register_lead(&self, leadgen_id: &str) {
        let registered = reqwest::Client::new()
            .post(format!("{}/_local/meta/leads", self.base))
            .json(&super::graph_lead(leadgen_id))
            .send()
            .await
            .expect("the stand-in answers");
        assert_eq!(registered.status(), 201, "the lead is registered");
    }

    /// Meta's signed delivery of `leadgen_id` for `page` over the gateway: the door's status.
    pub async fn deliver(&self, page: &str, leadgen_id: &str) -> u16 {
        let body = super::leadgen_delivery(page, &[leadgen_id]).to_string();
        let signature =
            shared::providers::meta::sign(local::seed::SAMPLE_META_APP_SECRET, body.as_bytes());
        let response = reqwest::Client::new()
            .post(format!("{}/webhooks/meta", self.base))
            .header("content-type", "application/json")
            .header("x-hub-signature-256", signature)
            .body(body)
            .send()
            .await
            .expect("the gateway answers");
        response.status().as_u16()
    }

    /// `POST /admin/connectors/{id}/meta/page`.
    pub async fn choose_page(&self, connector_id: &str, page_id: &str) -> TestResponse {
        let path = format!("/admin/connectors/{connector_id}/meta/page");
        let body = json!({ "page_id": page_id });
        self.admin("POST", &path, Some(body)).await
    }

    /// One run of the daily token-health check against this gateway's stand-in.
    pub async fn check_token_health(&self) -> shared::providers::meta::connect::HealthReport {
        let connect = local::meta_connect(
            &self.app.config,
            &self.app.store,
            &self.app.resources().meta_secret,
            &self.base,
            "meta-token-health",
        )
        .expect("the health check's deps");
        let (report, _) = meta_token_health::handle(&connect, "test")
            .await
            .expect("the health check runs");
        report
    }
}
