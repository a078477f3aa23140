//! The review queue: candidates the email parser was unsure of, held as the email door
//! holds them, and the decisions an admin takes on them.

use crate::{TestApp, TestResponse};
use local::gateway::HttpCall;
use serde_json::Value;
use shared::domain::{LeadCandidate, Provider};
use shared::pipeline::{Delivery, Doubt, Outcome};

/// A candidate the parser was unsure of: a name and a phone, from a reply chain.
pub fn doubtful_candidate(external_id: &str) -> LeadCandidate {
    LeadCandidate {
        customer_name: Some("Jo Caller".into()),
        customer_phone: Some("717-555-0199".into()),
        notes: Some("Can you call her?".into()),
        external_id: Some(external_id.into()),
        ..Default::default()
    }
}

/// Why the parser doubted [`crate::email::DOUBTFUL`].
pub fn doubt() -> Doubt {
    Doubt {
        confidence: 0.4,
        reasons: vec![shared::email::REPLY_CHAIN.to_owned()],
        sender: Some("Dan Forwarder <dan@acme-wash.example>".into()),
        subject: Some("Re: that lead from yesterday".into()),
        preview: "Can you call her? I think it was 717-555-0199".into(),
        rule: None,
    }
}

/// [`crate::email::DOUBTFUL`] as the email door received it.
pub fn doubtful_delivery() -> Delivery<'static> {
    Delivery {
        raw: crate::email::DOUBTFUL,
        ..Default::default()
    }
}

pub fn approve_path(review_id: &str) -> String {
    format!("/admin/reviews/{review_id}/approve")
}

pub fn reject_path(review_id: &str) -> String {
    format!("/admin/reviews/{review_id}/reject")
}

impl TestApp {
    /// A fresh workspace whose email connector holds parses below `threshold` for review.
    pub async fn spawn_with_review_threshold(threshold: f64) -> Self {
        let mut app = TestApp::spawn().await;
        app.with_email_connector(|c| c.review_threshold = Some(threshold))
            .await;
        app
    }

    /// Holds `candidate` for review on the workspace's email connector, as the email
    /// door does for a doubtful parse; answers `(import_id, review_id)`.
    pub async fn hold_review(&self, candidate: LeadCandidate) -> (String, String) {
        let connector = self
            .seeded
            .connector(Provider::EmailForward)
            .expect("an email connector (with_email_connector)");
        let delivery = doubtful_delivery();
        let held = shared::pipeline::hold_for_review(
            &self.store,
            connector,
            candidate,
            doubt(),
            &delivery,
            &shared::store::Settles::Nothing,
        )
        .await
        .expect("held for review");
        match held {
            Outcome::Held {
                import_id,
                review_id,
            } => (import_id.to_string(), review_id.to_string()),
            other => panic!("not held: {other:?}"),
        }
    }

    /// Approves the review as it is, with the admin key.
    pub async fn approve(&self, review_id: &str) -> TestResponse {
        self.admin("POST", &approve_path(review_id), None).await
    }

    /// Approves the review with `body` (its `corrections`), with the admin key.
    pub async fn approve_with(&self, review_id: &str, body: Value) -> TestResponse {
        self.admin("POST", &approve_path(review_id), Some(body))
            .await
    }

    /// Rejects the review, with the admin key.
    pub async fn reject(&self, review_id: &str) -> TestResponse {
        self.admin("POST", &reject_path(review_id), None).await
    }

    /// `n` approvals of the review at once, each on a task of its own.
    pub async fn approve_concurrently(&self, review_id: &str, n: usize) -> Vec<TestResponse> {
        let mut calls = tokio::task::JoinSet::new();
        for _ in 0..n {
            let deps = review_actions::ReviewActions {
                store: self.store_of("review-actions"),
            };
            let call = HttpCall {
                route_key: "POST /admin/reviews/{id}/approve".into(),
                method: "POST".into(),
                path: approve_path(review_id),
                headers: vec![(
                    "authorization".into(),
                    format!("Bearer {}", self.seeded.admin_key),
                )],
                path_parameters: [("id".to_owned(), review_id.to_owned())].into(),
                ..Default::default()
            };
            calls.spawn(async move { TestResponse::answered(&deps, call).await });
        }
        calls.join_all().await
    }
}
