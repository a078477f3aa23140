//! The API door (`POST /api/v1/leads`) in-process: posts as an integration sends them,
//! with the app's keys or with headers and bytes chosen by the test.

use crate::{TestApp, TestResponse};
use local::gateway::HttpCall;
use serde_json::Value;

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

impl TestApp {
    pub fn api_deps(&self) -> api_intake::ApiIntake {
        api_intake::ApiIntake {
            store: self.store_of("api-intake"),
        }
    }

    /// [`lead_body`] with the app's connector key.
    pub fn lead_with_connector_key(&self, external_id: &str) -> Value {
        let mut body = lead_body(external_id);
        body["connector_key"] = self.connector_key().into();
        body
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

    /// The request of an authorised JSON post of [`Self::lead_with_connector_key`].
    pub fn authorised_lead_request(&self, external_id: &str) -> lambda_http::Request {
        self.authorised_request(&self.lead_with_connector_key(external_id))
    }

    /// The request of an authorised JSON post of `body`.
    pub fn authorised_request(&self, body: &Value) -> lambda_http::Request {
        let body = body.to_string();
        let authorization = self.api_authorization();
        let headers = [
            ("authorization", authorization.as_str()),
            ("content-type", "application/json"),
        ];
        Self::lead_request(&headers, body.as_bytes())
    }

    fn api_authorization(&self) -> String {
        format!("Bearer {}", self.seeded.api_key)
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
        let authorization = self.api_authorization();
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

    /// Posts `body` as it is with `key` as the bearer token, and no other header.
    pub async fn post_lead_as(&self, key: &str, body: Value) -> TestResponse {
        let authorization = format!("Bearer {key}");
        let headers = [("authorization", authorization.as_str())];
        self.post_raw(&headers, body.to_string().as_bytes()).await
    }

    /// Posts `bytes` as `content_type` with the app's API key.
    pub async fn post_bytes(&self, content_type: &str, bytes: &[u8]) -> TestResponse {
        let authorization = self.api_authorization();
        let headers = [
            ("authorization", authorization.as_str()),
            ("content-type", content_type),
        ];
        self.post_raw(&headers, bytes).await
    }
}
