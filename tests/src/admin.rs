//! Admin calls in-process: a method and a concrete path are matched against the
//! routes of `template.yaml`, turned into the API Gateway event and handed to the
//! function that serves the route.

use crate::{TestApp, TestResponse};
use local::gateway::{match_path, HttpCall};
use local::template::{Route, Template};
use serde_json::Value;
use std::sync::OnceLock;

pub use crate::email::INBOUND_DOMAIN;

/// The base URL admin answers show in-process (the gateway of `make dev`).
pub const API_BASE: &str = "http://127.0.0.1:3000";

fn routes() -> &'static [Route] {
    static ROUTES: OnceLock<Vec<Route>> = OnceLock::new();
    ROUTES.get_or_init(|| Template::load().expect("template.yaml").http_routes())
}

impl TestApp {
    pub fn admin_deps(&self) -> admin_api::AdminApi {
        self.admin_deps_reaching(shared::forwarding::Reach::PublicAndLoopback)
    }

    /// The admin door whose destinations may point at `reach` (a deployment's is
    /// [`shared::forwarding::Reach::Public`]).
    pub fn admin_deps_reaching(&self, reach: shared::forwarding::Reach) -> admin_api::AdminApi {
        admin_api::AdminApi {
            store: self.store_of("admin-api"),
            deployment: local::deployment(API_BASE),
            reach,
            uploads: shared::admin::Uploads {
                s3: self.function("admin-api").s3(),
                bucket: self.resources().bucket("BulkImportBucket").to_owned(),
            },
            meta: local::admin_meta(
                &self.config,
                &self.resources().meta_pages_prefix,
                &self.resources().meta_secret,
                &crate::webhooks::shared_graph().1,
            )
            .expect("the Graph API client"),
        }
    }

    /// A Meta page this workspace may connect: the Graph API stand-in lets its token
    /// read the page, and the token is stored with `PUT /admin/meta/pages/{page_id}`.
    pub async fn own_meta_page(&self, page_id: &str) {
        let token = crate::webhooks::page_token(page_id);
        crate::webhooks::shared_graph()
            .0
            .register_page(page_id, &token);
        let path = format!("/admin/meta/pages/{page_id}");
        let put = self
            .admin("PUT", &path, Some(serde_json::json!({ "token": token })))
            .await;
        assert_eq!(put.status, 204, "{}", put.text);
    }

    /// An admin call with the workspace's admin key.
    pub async fn admin(&self, method: &str, path: &str, body: Option<Value>) -> TestResponse {
        let key = self.seeded.admin_key.clone();
        self.admin_as(Some(&key), method, path, body).await
    }

    /// An admin call with `key` as the bearer token (`None`: no credentials).
    pub async fn admin_as(
        &self,
        key: Option<&str>,
        method: &str,
        path: &str,
        body: Option<Value>,
    ) -> TestResponse {
        let mut headers = vec![("content-type".to_owned(), "application/json".to_owned())];
        if let Some(key) = key {
            headers.push(("authorization".to_owned(), format!("Bearer {key}")));
        }
        let body = body.map(|b| b.to_string().into_bytes()).unwrap_or_default();
        self.call(method, path, headers, body).await
    }

    /// Any call to a template route, served by the function the template names.
    pub async fn call(
        &self,
        method: &str,
        path_and_query: &str,
        headers: Vec<(String, String)>,
        body: Vec<u8>,
    ) -> TestResponse {
        let (binary, request) = route_request(method, path_and_query, headers, body);
        TestResponse::from_lambda(self.dispatch(&binary, request).await)
    }

    /// The request API Gateway hands a function for an admin call with this app's key.
    pub fn admin_request(
        &self,
        method: &str,
        path: &str,
        body: Option<Value>,
    ) -> lambda_http::Request {
        let headers = vec![
            ("content-type".to_owned(), "application/json".to_owned()),
            (
                "authorization".to_owned(),
                format!("Bearer {}", self.seeded.admin_key),
            ),
        ];
        let body = body.map(|b| b.to_string().into_bytes()).unwrap_or_default();
        route_request(method, path, headers, body).1
    }

    /// The response of the function named `binary` to `request`.
    pub async fn dispatch(
        &self,
        binary: &str,
        request: lambda_http::Request,
    ) -> lambda_http::Response<lambda_http::Body> {
        match binary {
            "admin-api" => shared::http::answer(&self.admin_deps(), request).await,
            "review-actions" => {
                let deps = review_actions::ReviewActions {
                    store: self.store_of("review-actions"),
                };
                shared::http::answer(&deps, request).await
            }
            "api-intake" => shared::http::answer(&self.api_deps(), request).await,
            "meta-connect" => {
                let deps = self.meta_connect_deps(crate::webhooks::NO_GRAPH);
                shared::http::answer(&deps, request).await
            }
            other => panic!("no handler for {other} in the tests"),
        }
    }

    /// `GET path` with the admin key.
    pub async fn admin_get(&self, path: &str) -> TestResponse {
        self.admin("GET", path, None).await
    }

    /// The page that follows `page` of the list at `path`.
    pub async fn next_page(&self, path: &str, page: &Value) -> Value {
        let cursor = page["cursor"].as_str().expect("a cursor");
        let separator = if path.contains('?') { '&' } else { '?' };
        let next = format!("{path}{separator}cursor={cursor}");
        self.admin_get(&next).await.json()
    }

    /// An entry of the import log as `GET /admin/imports/{id}` shows it.
    pub async fn import_entry(&self, import_id: &str) -> Value {
        let path = format!("/admin/imports/{import_id}");
        self.admin_get(&path).await.json()
    }

    /// `POST /admin/connectors` with `body`, whatever it answers.
    pub async fn post_connector(&self, body: Value) -> TestResponse {
        self.admin("POST", "/admin/connectors", Some(body)).await
    }

    /// Creates a connector through the admin API and answers its view.
    pub async fn create_connector(&self, body: Value) -> Value {
        let response = self.post_connector(body).await;
        assert_eq!(response.status, 201, "{}", response.text);
        response.json()
    }

    /// `PATCH /admin/connectors/{id}` to `status`.
    pub async fn set_connector_status(&self, connector_id: &str, status: &str) -> TestResponse {
        let path = format!("/admin/connectors/{connector_id}");
        let body = serde_json::json!({ "status": status });
        self.admin("PATCH", &path, Some(body)).await
    }

    /// Run Test Import on the connector with `body` (a `payload` or a `raw_email`).
    pub async fn test_import(&self, connector_id: &str, body: Value) -> TestResponse {
        let path = format!("/admin/connectors/{connector_id}/test-import");
        self.admin("POST", &path, Some(body)).await
    }

    /// `PUT /admin/territories/{zip}` naming `rep`.
    pub async fn set_territory(&self, zip: &str, rep: &str) -> TestResponse {
        let path = format!("/admin/territories/{zip}");
        let body = serde_json::json!({ "rep": rep });
        self.admin("PUT", &path, Some(body)).await
    }

    /// `POST /admin/api-keys` with `body` (its `scopes`, maybe a `name`).
    pub async fn issue_api_key(&self, body: Value) -> TestResponse {
        self.admin("POST", "/admin/api-keys", Some(body)).await
    }

    /// `DELETE /admin/api-keys/{id}`.
    pub async fn revoke_api_key(&self, key_id: &str) -> TestResponse {
        let path = format!("/admin/api-keys/{key_id}");
        self.admin("DELETE", &path, None).await
    }

    /// A key with `scopes`, issued and then revoked through the admin API.
    pub async fn revoked_key(&self, scopes: &[&str]) -> String {
        let scopes = serde_json::json!({ "scopes": scopes });
        let issued = self.issue_api_key(scopes).await.json();
        let id = issued["id"].as_str().expect("an id");
        let revoked = self.revoke_api_key(id).await;
        assert_eq!(revoked.status, 204, "{}", revoked.text);
        issued["key"].as_str().expect("a key").to_owned()
    }
}

/// The body that creates an API connector named `name` with `status`.
pub fn api_connector(name: &str, status: &str) -> serde_json::Value {
    serde_json::json!({"display_name": name, "provider": "api", "status": status})
}

/// The fields a problem's `errors` name, in order.
pub fn error_fields(response: &crate::TestResponse) -> Vec<String> {
    let body = response.json();
    body["errors"]
        .as_array()
        .map(|errors| {
            errors
                .iter()
                .filter_map(|e| e["field"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// The function a template route goes to, and the request API Gateway hands it.
fn route_request(
    method: &str,
    path_and_query: &str,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
) -> (String, lambda_http::Request) {
    let (path, query) = path_and_query
        .split_once('?')
        .unwrap_or((path_and_query, ""));
    let (route, params) = routes()
        .iter()
        .filter(|route| route.method == method)
        .find_map(|route| Some((route, match_path(&route.path, path)?)))
        .unwrap_or_else(|| panic!("template.yaml has no route for {method} {path}"));
    let request = HttpCall {
        route_key: format!("{} {}", route.method, route.path),
        method: method.to_owned(),
        path: path.to_owned(),
        query: query.to_owned(),
        headers,
        path_parameters: params,
        body,
        source_ip: "203.0.113.20".into(),
    }
    .request()
    .expect("a valid event");
    (route.binary.clone(), request)
}
