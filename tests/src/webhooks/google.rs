//! The Google Ads door: a workspace with an active Google Ads connector, and leads as
//! Google's webhook posts them.

use crate::{TestApp, TestResponse};
use local::gateway::HttpCall;
use local::seed;
use serde_json::{json, Value};
use shared::domain::{Connector, Provider};
use std::collections::HashMap;

/// A workspace with an active Google Ads connector (shaped by `configure`).
pub struct GoogleApp {
    pub app: TestApp,
    pub connector: Connector,
    pub deps: google_webhook::GoogleWebhook,
}

impl GoogleApp {
    pub async fn spawn(configure: impl FnOnce(&mut Connector)) -> Self {
        let mut app = TestApp::spawn().await;
        let connector =
            seed::active_connector(&app.store, &mut app.seeded, Provider::GoogleAds, configure)
                .await
                .expect("google connector");
        let deps = google_webhook::GoogleWebhook {
            store: app.store_of("google-webhook"),
        };
        Self {
            app,
            connector,
            deps,
        }
    }

    pub fn key(&self) -> String {
        self.connector
            .settings
            .google_key
            .clone()
            .expect("a google key")
    }

    /// `POST /webhooks/google/{connector_id}` with `body`.
    pub async fn post_to(&self, connector_id: &str, body: &Value) -> TestResponse {
        let call = HttpCall {
            route_key: "POST /webhooks/google/{connector_id}".into(),
            method: "POST".into(),
            path: format!("/webhooks/google/{connector_id}"),
            headers: vec![("content-type".into(), "application/json".into())],
            path_parameters: HashMap::from([("connector_id".into(), connector_id.into())]),
            body: body.to_string().into_bytes(),
            source_ip: "74.125.0.1".into(),
            ..Default::default()
        };
        TestResponse::answered(&self.deps, call).await
    }

    pub async fn post(&self, body: &Value) -> TestResponse {
        self.post_to(&self.connector.id, body).await
    }

    /// A lead as Google sends it, with this connector's key.
    pub fn lead(&self, lead_id: &str) -> Value {
        google_lead(lead_id, &self.key())
    }
}

pub fn google_lead(lead_id: &str, google_key: &str) -> Value {
    json!({
        "lead_id": lead_id,
        "api_version": "1.0",
        "form_id": 40000000001_i64,
        "campaign_id": 20000000001_i64,
        "google_key": google_key,
        "is_test": false,
        "gcl_id": "EAIaIQobChMI-sample",
        "adgroup_id": 30000000001_i64,
        "creative_id": 50000000001_i64,
        "lead_submit_time": "2026-11-24T12:00:00Z",
        "user_column_data": [
            {"column_name": "Full Name", "string_value": "Pat Example", "column_id": "FULL_NAME"},
            {"column_name": "User Email", "string_value": "pat@example.com", "column_id": "EMAIL"},
            {"column_name": "User Phone", "string_value": "+17175550123", "column_id": "PHONE_NUMBER"},
            {"column_name": "Postal Code", "string_value": "17601", "column_id": "POSTAL_CODE"},
            {"column_name": "Street address", "string_value": "123 Main St", "column_id": "STREET_ADDRESS"},
            {"column_name": "City", "string_value": "Lancaster", "column_id": "CITY"},
            {"column_name": "Region", "string_value": "PA", "column_id": "REGION"},
            {"column_name": "Which service do you need?", "string_value": "House Wash", "column_id": "which_service"}
        ]
    })
}
