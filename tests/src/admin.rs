//! Admin calls in-process: a method and a concrete path are matched against the
//! routes of `template.yaml`, turned into the API Gateway event and handed to the
//! function that serves the route.

use crate::{TestApp, TestResponse};
use local::gateway::{match_path, HttpCall};
use local::template::{Route, Template};
use serde_json::Value;
use std::sync::OnceLock;

/// The inbound mail domain the admin API is given in tests.
pub const INBOUND_DOMAIN: &str = "inbound.example.test";

fn routes() -> &'static [Route] {
    static ROUTES: OnceLock<Vec<Route>> = OnceLock::new();
    ROUTES.get_or_init(|| Template::load().expect("template.yaml").http_routes())
}

impl TestApp {
    pub fn admin_deps(&self) -> admin_api::Deps {
        admin_api::Deps {
            store: self.store.clone(),
            inbound_email_domain: Some(INBOUND_DOMAIN.to_owned()),
        }
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
        TestResponse::from_lambda(self.dispatch(&route.binary, request).await)
    }

    /// The response of the function named `binary` to `request`.
    pub async fn dispatch(
        &self,
        binary: &str,
        request: lambda_http::Request,
    ) -> lambda_http::Response<lambda_http::Body> {
        match binary {
            "admin-api" => admin_api::handle(&self.admin_deps(), request).await,
            "api-intake" => api_intake::handle(&self.api_deps(), request).await,
            other => panic!("no handler for {other} in the tests"),
        }
    }

    /// Creates a connector through the admin API and answers its view.
    pub async fn create_connector(&self, body: Value) -> Value {
        let response = self.admin("POST", "/admin/connectors", Some(body)).await;
        assert_eq!(response.status, 201, "{}", response.text);
        response.json()
    }
}
