//! The demo workspace's sample records, under the fixed ids the files in
//! `events/admin-api/` and `events/review-actions/` name, seeded by
//! [`TestApp::seed_admin_samples`] and [`TestApp::seed_review_samples`].

use crate::reviews::{doubt, doubtful_candidate, doubtful_delivery};
use crate::TestApp;

pub const FORM_CONNECTOR: &str = "01J9SAMPLEF0RMC0NNECT0R001";
pub const DOOMED_CONNECTOR: &str = "01J9SAMPLEDE1ETEC0NNECT001";
pub const LEAD: &str = "01J9SAMPLE1EAD000000000001";
pub const IMPORT: &str = "01J9SAMPLE1MP0RT0000000001";
/// A failed entry whose payload imports when re-run.
pub const FAILED_IMPORT: &str = "01J9SAMPLEFA1LED1MP0RT0001";
pub const API_KEY: &str = "01J9SAMPLEAP1KEY0000000001";
pub const DELETED_TERRITORY: &str = "17602";
pub const REVIEW_TO_APPROVE: &str = "01J9SAMPLEREV1EW0000000001";
pub const REVIEW_TO_REJECT: &str = "01J9SAMPLEREV1EW0000000002";
pub const DESTINATION: &str = "01J9SAMPLEDEST1NAT10N00001";

impl TestApp {
    /// Connectors, a lead with its import entry, a territory, an API key and a
    /// forwarding destination under the fixed ids above.
    pub async fn seed_admin_samples(&self) {
        use shared::domain::{
            ApiKey, ClientId, Connector, ImportStatus, Lead, PhoneE164, Provider, Scope,
        };
        let ws = self.workspace_id();
        let now = self.store.clock().stamp();
        let mut form = Connector::new(ws, Provider::WebsiteForm, "Sample website form", &now);
        form.id = FORM_CONNECTOR.into();
        let mut doomed = Connector::new(ws, Provider::GoogleAds, "Old Google form", &now);
        doomed.id = DOOMED_CONNECTOR.into();
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
        import.id = IMPORT.into();
        import.lead_id = Some(LEAD.into());
        let lead = Lead {
            id: LEAD.into(),
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
            trustedform_cert_url: None,
            jornaya_leadid: None,
            source: api.source(),
            provider: api.provider,
            assigned_rep: None,
            speed_to_lead: false,
            forward: true,
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
            settles: Default::default(),
        };
        self.store.create_lead(new).await.unwrap();

        let raw = r#"{"customer_name": "Sam Retry", "customer_phone": "7175550111"}"#;
        let delivery = shared::pipeline::Delivery {
            raw,
            ..Default::default()
        };
        let mut failed = shared::pipeline::record(self.store.clock(), &api, &delivery);
        failed.id = FAILED_IMPORT.into();
        failed.reason = Some(shared::pipeline::inactive_reason(
            shared::domain::ConnectorStatus::Paused,
        ));
        self.store.log_import(&failed).await.unwrap();

        let territory = DELETED_TERRITORY;
        let rep = "west@example.com";
        self.store.put_territory(ws, territory, rep).await.unwrap();
        let key = ApiKey {
            id: API_KEY.into(),
            workspace_id: ws.clone(),
            scopes: vec![Scope::LeadsWrite],
            prefix: "lc_live_Samp".into(),
            created_at: now,
            revoked_at: None,
        };
        let hash = shared::auth::key_hash(&shared::domain::random_token("lc_live_"));
        assert!(self.store.create_api_key(&hash, &key).await.unwrap());

        let destination = shared::domain::Destination {
            id: DESTINATION.into(),
            workspace_id: ws.clone(),
            url: "https://crm.example.com/hooks/leads".into(),
            connector_ids: Vec::new(),
            status: shared::domain::DestinationStatus::Active,
            secrets: vec![shared::domain::DestinationSecret {
                value: shared::forwarding::sign::new_secret(),
                valid_until: None,
            }],
            created_at: key.created_at.clone(),
            updated_at: key.created_at,
        };
        assert!(self.store.create_destination(&destination).await.unwrap());
    }

    /// The two pending reviews the files in `events/review-actions/` decide.
    pub async fn seed_review_samples(&self) {
        use shared::domain::{ImportStatus, Provider, ReviewItem, ReviewStatus};
        let connector = self
            .seeded
            .connector(Provider::EmailForward)
            .expect("the demo's email connector")
            .clone();
        for (id, n) in [(REVIEW_TO_APPROVE, 1), (REVIEW_TO_REJECT, 2)] {
            let doubt = doubt();
            let mut entry =
                shared::pipeline::record(self.store.clock(), &connector, &doubtful_delivery());
            entry.status = ImportStatus::ReviewRequired;
            entry.review_id = Some(id.into());
            let review = ReviewItem {
                id: id.into(),
                workspace_id: connector.workspace_id.clone(),
                connector_id: connector.id.clone(),
                provider: connector.provider,
                status: ReviewStatus::Pending,
                confidence: doubt.confidence,
                reasons: doubt.reasons,
                sender: doubt.sender,
                subject: doubt.subject,
                preview: doubt.preview,
                candidate: doubtful_candidate(&format!("sample-review-{n}")),
                import_id: entry.id.clone(),
                created_at: entry.received_at.clone(),
                decided_at: None,
                lead_id: None,
            };
            let nothing = shared::store::Settles::Nothing;
            self.store
                .hold_for_review(&review, &entry, &nothing)
                .await
                .unwrap();
        }
    }
}
