//! Who may post leads: a live key with the `leads:write` scope, a connector key of its
//! own workspace, and a connector that is active.

use e2e::{lead_body, TestApp};
use serde_json::json;
use shared::domain::{ConnectorStatus, ImportStatus};

#[tokio::test]
async fn missing_invalid_revoked_or_unscoped_keys_are_refused_and_nothing_is_stored() {
    let app = TestApp::spawn().await;
    let body = json!({"connector_key": app.connector_key(), "customer_name": "Pat", "customer_email": "p@example.com"});
    let body = body.to_string();
    let admin = format!("Bearer {}", app.seeded.admin_key);
    let revoked = format!("Bearer {}", app.revoked_key(&["leads:write"]).await);

    let cases: [(&[(&str, &str)], u16); 5] = [
        (&[], 401),
        (&[("authorization", "Bearer lc_live_not-a-real-key")], 401),
        (&[("authorization", "Basic dXNlcjpwYXNz")], 401),
        (&[("authorization", &revoked)], 401),
        (&[("authorization", &admin)], 403),
    ];
    for (headers, status) in cases {
        let response = app.post_raw(headers, body.as_bytes()).await;
        assert_eq!(response.status, status, "{headers:?}: {}", response.text);
        assert!(
            !response.text.contains("lc_live_"),
            "no key in the problem: {}",
            response.text
        );
    }
    assert!(app.leads().await.is_empty());
}

#[tokio::test]
async fn another_workspaces_connector_key_is_unknown_here() {
    let app = TestApp::spawn().await;
    let other = TestApp::spawn().await;

    let response = app
        .post_lead(json!({"connector_key": other.connector_key(), "customer_name": "Pat", "customer_email": "p@example.com"}))
        .await;

    assert_eq!(response.status, 422);
    assert!(other.leads().await.is_empty() && app.leads().await.is_empty());
}

#[tokio::test]
async fn a_paused_or_draft_connector_refuses_leads_with_403_and_logs_it() {
    for status in [ConnectorStatus::Paused, ConnectorStatus::Draft] {
        let app = TestApp::spawn_with(|c| c.status = status).await;

        let response = app.post_lead(lead_body("x")).await;

        assert_eq!(response.status, 403, "{}", response.text);
        assert!(response.json()["detail"]
            .as_str()
            .unwrap()
            .contains(status.key()));
        assert!(app.leads().await.is_empty());
        let log = app.import_log().await;
        assert_eq!(log.len(), 1);
        assert_eq!(log[0].status, ImportStatus::Failed);
    }
}
