//! The SSRF guard: destinations may not point at private, loopback or link-local
//! addresses, nor redirect there; only local runs may reach loopback.

use e2e::forwarding::Receiver;
use e2e::{lead_body, TestApp, TestResponse};
use serde_json::json;
use shared::domain::DeliveryStatus;
use shared::forwarding::Reach;

async fn create_as_deployed(app: &TestApp, url: &str) -> TestResponse {
    let deps = app.admin_deps_reaching(Reach::Public);
    let request = local::gateway::HttpCall {
        route_key: "POST /admin/destinations".into(),
        method: "POST".into(),
        path: "/admin/destinations".into(),
        headers: vec![
            (
                "authorization".into(),
                format!("Bearer {}", app.seeded.admin_key),
            ),
            ("content-type".into(), "application/json".into()),
        ],
        body: json!({ "url": url }).to_string().into_bytes(),
        source_ip: "203.0.113.20".into(),
        ..Default::default()
    };
    TestResponse::answered(&deps, request).await
}

#[tokio::test]
async fn a_deployment_refuses_destinations_at_private_loopback_or_link_local_addresses() {
    let app = TestApp::spawn().await;
    for url in [
        "https://10.0.0.8/hooks",
        "https://192.168.1.20/hooks",
        "https://169.254.169.254/latest/meta-data",
        "https://[::1]/hooks",
        "https://[fd00::1]/hooks",
        "https://[::ffff:127.0.0.1]/hooks",
        "https://localhost/hooks",
        "https://2130706433/hooks",
        "http://crm.example.com/hooks",
    ] {
        let refused = create_as_deployed(&app, url).await;
        assert_eq!(refused.status, 422, "{url}: {}", refused.text);
        assert_eq!(refused.json()["errors"][0]["field"], "url", "{url}");
    }
    let accepted = create_as_deployed(&app, "https://crm.example.com/hooks").await;
    assert_eq!(accepted.status, 201, "{}", accepted.text);
}

/// This machine's own name, when it resolves to loopback (as Debian's does): a name
/// only DNS tells is loopback.
async fn own_loopback_name() -> Option<String> {
    let name = std::fs::read_to_string("/proc/sys/kernel/hostname").ok()?;
    let name = name.trim().to_owned();
    let loopback = tokio::net::lookup_host((name.as_str(), 0))
        .await
        .ok()?
        .all(|addr| addr.ip().is_loopback());
    loopback.then_some(name)
}

#[tokio::test]
async fn a_deployed_forwarder_never_posts_to_loopback_whatever_the_stored_url() {
    let app = TestApp::spawn().await;
    let receiver = Receiver::answering(&[200]).await;
    let https = receiver.url.replace("http://", "https://");
    let mut urls = vec![https.clone(), https.replace("127.0.0.1", "localhost")];
    if let Some(name) = own_loopback_name().await {
        urls.push(https.replace("127.0.0.1", &name));
    }
    for url in &urls {
        app.add_destination(url, json!({})).await;
    }
    let mut forwarding = app.forwarding(&[30], Reach::Public).await;

    app.new_lead(lead_body("unused")).await;
    forwarding.settle().await;

    assert!(receiver.received().is_empty(), "nothing sent");
    let deliveries = forwarding.deliveries().await;
    assert_eq!(deliveries.len(), urls.len());
    for delivery in deliveries {
        assert_eq!(
            delivery.status,
            DeliveryStatus::Failed,
            "refused, not retried"
        );
        let reason = delivery.reason.unwrap_or_default();
        assert!(reason.contains("loopback"), "{reason}");
    }
}

#[tokio::test]
async fn a_redirect_is_not_followed() {
    let app = TestApp::spawn().await;
    let target = Receiver::answering(&[200]).await;
    let redirecting = Receiver::redirecting_to(&target.url).await;
    app.add_destination(&redirecting.url, json!({})).await;
    let mut forwarding = app.forwarding(&[30], Reach::PublicAndLoopback).await;

    app.new_lead(lead_body("unused")).await;
    forwarding.settle().await;

    assert_eq!(redirecting.received().len(), 1);
    assert!(
        target.received().is_empty(),
        "the redirect was not followed"
    );
    let failed = forwarding.deliveries().await.remove(0);
    assert_eq!(failed.status, DeliveryStatus::Failed);
    let reason = failed.reason.unwrap_or_default();
    assert!(reason.contains("redirects are not followed"), "{reason}");
}
