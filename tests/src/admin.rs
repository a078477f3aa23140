//! Admin calls in-process: a method and a concrete path are matched against the
//! routes of `template.yaml`, turned into the API Gateway event and handed to the
//! function that serves the route.

use crate::{TestApp, TestResponse};
use local::gateway::{match_path, HttpCall};
use local::template::{Route, Template};
use serde_json::Value;
use std::sync::OnceLock;

pub use crate::email::INBOUND_DOMAIN;

fn routes() -> &'static [Route] {
    static ROUTES: OnceLock<Vec<Route>> = OnceLock::new();
    ROUTES.get_or_init(|| Template::load().expect("template.yaml").http_routes())
}

impl TestApp {
    pub fn admin_deps(&self) -> admin_api::AdminApi {
        admin_api::AdminApi {
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
            "admin-api" => shared::http::answer(&self.admin_deps(), request).await,
            "review-actions" => {
                let deps = review_actions::ReviewActions {
                    store: self.store.clone(),
                };
                shared::http::answer(&deps, request).await
            }
            "api-intake" => shared::http::answer(&self.api_deps(), request).await,
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

/// The fixed ids the files in `events/admin-api/` name, seeded into the demo workspace
/// by [`TestApp::seed_admin_samples`].
pub mod samples {
    pub const FORM_CONNECTOR: &str = "01J9SAMPLEF0RMC0NNECT0R001";
    pub const DOOMED_CONNECTOR: &str = "01J9SAMPLEDE1ETEC0NNECT001";
    pub const LEAD: &str = "01J9SAMPLE1EAD000000000001";
    pub const IMPORT: &str = "01J9SAMPLE1MP0RT0000000001";
    pub const API_KEY: &str = "01J9SAMPLEAP1KEY0000000001";
    pub const DELETED_TERRITORY: &str = "17602";
    pub const REVIEW_TO_APPROVE: &str = "01J9SAMPLEREV1EW0000000001";
    pub const REVIEW_TO_REJECT: &str = "01J9SAMPLEREV1EW0000000002";
}

impl TestApp {
    /// Connectors, a lead with its import entry, a territory and an API key under the
    /// fixed ids of [`samples`].
    pub async fn seed_admin_samples(&self) {
        use shared::domain::{
            ApiKey, ClientId, Connector, ImportStatus, Lead, PhoneE164, Provider, Scope,
        };
        let ws = self.workspace_id();
        let now = self.store.clock().stamp();
        let mut form = Connector::new(ws, Provider::WebsiteForm, "Sample website form", &now);
        form.id = samples::FORM_CONNECTOR.into();
        let mut doomed = Connector::new(ws, Provider::GoogleAds, "Old Google form", &now);
        doomed.id = samples::DOOMED_CONNECTOR.into();
        for connector in [&form, &doomed] {
            assert!(self.store.create_connector(connector).await.unwrap());
        }

        let api = self.api_connector().clone();
        let raw = r#"{"customer_name": "Sam Sample", "customer_phone": "7175550100"}"#;
        let delivery = shared::pipeline::Delivery {
            raw,
            ..Default::default()
        };
        let mut import = shared::pipeline::record(self.store.clock(), &api, &delivery);
        import.status = ImportStatus::Imported;
        import.id = samples::IMPORT.into();
        import.lead_id = Some(samples::LEAD.into());
        let lead = Lead {
            id: samples::LEAD.into(),
            workspace_id: ws.clone(),
            customer_name: "Sam Sample".into(),
            customer_email: None,
            customer_phone: PhoneE164::parse("7175550100").ok(),
            service_address: None,
            city: None,
            state: None,
            zip: None,
            service_interest: None,
            notes: None,
            external_id: None,
            source: api.source(),
            provider: api.provider,
            assigned_rep: None,
            speed_to_lead: false,
            connector_id: api.id.clone(),
            client_id: ClientId::new(),
            import_id: import.id.clone(),
            custom_fields: Default::default(),
            created_at: import.received_at.clone(),
            followups: Vec::new(),
        };
        let new = shared::store::NewLead {
            lead,
            import,
            intake_category: "api".into(),
        };
        self.store.create_lead(new).await.unwrap();

        let territory = samples::DELETED_TERRITORY;
        let rep = "west@example.com";
        self.store.put_territory(ws, territory, rep).await.unwrap();
        let key = ApiKey {
            id: samples::API_KEY.into(),
            workspace_id: ws.clone(),
            scopes: vec![Scope::LeadsWrite],
            prefix: "lc_live_Samp".into(),
            created_at: now,
            revoked_at: None,
        };
        let hash = shared::auth::key_hash(&shared::domain::random_token("lc_live_"));
        assert!(self.store.create_api_key(&hash, &key).await.unwrap());
    }
}

/// A candidate the parser was unsure of: a name and a phone, from a reply chain.
pub fn doubtful_candidate(external_id: &str) -> shared::domain::LeadCandidate {
    shared::domain::LeadCandidate {
        customer_name: Some("Jo Caller".into()),
        customer_phone: Some("717-555-0199".into()),
        notes: Some("Can you call her?".into()),
        external_id: Some(external_id.into()),
        ..Default::default()
    }
}

impl TestApp {
    /// Holds `candidate` for review on the workspace's email connector, as the email
    /// door does for a doubtful parse; answers `(import_id, review_id)`.
    pub async fn hold_review(&self, candidate: shared::domain::LeadCandidate) -> (String, String) {
        let connector = self
            .seeded
            .connector(shared::domain::Provider::EmailForward)
            .expect("an email connector (with_email_connector)");
        let doubt = shared::pipeline::Doubt {
            confidence: 0.4,
            reasons: vec![shared::email::REPLY_CHAIN.to_owned()],
            sender: Some("Dan Forwarder <dan@acme-wash.example>".into()),
            subject: Some("Re: that lead from yesterday".into()),
            preview: "Can you call her? I think it was 717-555-0199".into(),
        };
        let delivery = shared::pipeline::Delivery {
            raw: crate::email::DOUBTFUL,
            ..Default::default()
        };
        let held =
            shared::pipeline::hold_for_review(&self.store, connector, candidate, doubt, &delivery)
                .await
                .expect("held for review");
        match held {
            shared::pipeline::Outcome::Held {
                import_id,
                review_id,
            } => (import_id.to_string(), review_id.to_string()),
            other => panic!("not held: {other:?}"),
        }
    }

    /// The two pending reviews the files in `events/review-actions/` decide.
    pub async fn seed_review_samples(&self) {
        use shared::domain::{ImportStatus, Provider, ReviewItem, ReviewStatus};
        let connector = self
            .seeded
            .connector(Provider::EmailForward)
            .expect("the demo's email connector")
            .clone();
        for (id, n) in [
            (samples::REVIEW_TO_APPROVE, 1),
            (samples::REVIEW_TO_REJECT, 2),
        ] {
            let delivery = shared::pipeline::Delivery {
                raw: crate::email::DOUBTFUL,
                ..Default::default()
            };
            let mut entry = shared::pipeline::record(self.store.clock(), &connector, &delivery);
            entry.status = ImportStatus::ReviewRequired;
            entry.review_id = Some(id.into());
            let review = ReviewItem {
                id: id.into(),
                workspace_id: connector.workspace_id.clone(),
                connector_id: connector.id.clone(),
                provider: connector.provider,
                status: ReviewStatus::Pending,
                confidence: 0.4,
                reasons: vec![shared::email::REPLY_CHAIN.to_owned()],
                sender: Some("Dan Forwarder <dan@acme-wash.example>".into()),
                subject: Some("Re: that lead from yesterday".into()),
                preview: "Can you call her? I think it was 717-555-0199".into(),
                candidate: doubtful_candidate(&format!("sample-review-{n}")),
                import_id: entry.id.clone(),
                created_at: entry.received_at.clone(),
                decided_at: None,
                lead_id: None,
            };
            self.store.hold_for_review(&review, &entry).await.unwrap();
        }
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
