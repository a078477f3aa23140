//! Signing secrets: shown once, rotated, pasted where the vendor issues its own, never
//! logged; and a vendor's lead through the connector's rules.

use e2e::admin::error_fields;
use e2e::vendors::{sample, Body, VendorApp, SECRET};
use serde_json::{json, Value};
use shared::domain::Vendor;

#[tokio::test]
async fn the_import_log_never_keeps_the_secret_a_jotform_body_echoes() {
    let hook = VendorApp::spawn(Vendor::Jotform, |_| {}).await;
    let text = String::from_utf8_lossy(&sample(Vendor::Jotform).bytes).replace("s3cret", SECRET);
    let body = Body {
        bytes: text.into_bytes(),
        ..sample(Vendor::Jotform)
    };

    let response = hook.deliver(&body).await;

    assert_eq!(response.json()["status"], "imported", "{}", response.text);
    let log = hook.app.import_log().await;
    assert!(
        log[0].payload.contains("secret=[redacted]"),
        "{}",
        log[0].payload
    );
    assert!(!log[0].payload.contains(SECRET));
}

#[tokio::test]
async fn a_vendor_lead_carries_its_certificates_through_the_connectors_rules() {
    let hook = VendorApp::spawn(Vendor::Wpforms, |c| {
        c.rules.required_certificate = Some(shared::domain::CertificateKind::Trustedform);
    })
    .await;
    let mut with_cert: Value = serde_json::from_slice(&sample(Vendor::Wpforms).bytes).unwrap();
    with_cert["xxTrustedFormCertUrl"] =
        "https://cert.trustedform.com/eb9fc4dd9bed9ad451a5648946cf4bf09b5bb947".into();
    with_cert["universal_leadid"] = "6d2c1b0e-3f4a-4b5c-9d8e-7f6a5b4c3d2e".into();
    let mut without = with_cert.clone();
    without["entry_id"] = "43".into();
    without
        .as_object_mut()
        .unwrap()
        .remove("xxTrustedFormCertUrl");

    let certified = hook.deliver(&json_body(&with_cert)).await;
    let uncertified = hook.deliver(&json_body(&without)).await;

    assert_eq!(certified.json()["status"], "imported", "{}", certified.text);
    assert_eq!(
        uncertified.json()["status"],
        "failed",
        "{}",
        uncertified.text
    );
    let reason = uncertified.json()["reason"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(reason.contains("required_certificate"), "{reason}");
    let lead = hook
        .app
        .admin(
            "GET",
            &format!(
                "/admin/leads/{}",
                certified.json()["lead_id"].as_str().unwrap()
            ),
            None,
        )
        .await
        .json();
    assert_eq!(
        lead["trustedform_cert_url"],
        "https://cert.trustedform.com/eb9fc4dd9bed9ad451a5648946cf4bf09b5bb947"
    );
    assert_eq!(
        lead["jornaya_leadid"],
        "6D2C1B0E-3F4A-4B5C-9D8E-7F6A5B4C3D2E"
    );
}

fn json_body(value: &Value) -> Body {
    Body {
        bytes: value.to_string().into_bytes(),
        content_type: "application/json",
    }
}

#[tokio::test]
async fn a_signing_secret_is_shown_once_and_regenerating_it_stops_the_old_one() {
    let hook = VendorApp::spawn(Vendor::Typeform, |_| {}).await;
    let app = &hook.app;

    let created = app
        .create_connector(json!({"display_name": "Quote form", "provider": "calendly"}))
        .await;
    let id = created["id"].as_str().unwrap().to_owned();
    let read = app
        .admin("GET", &format!("/admin/connectors/{id}"), None)
        .await;
    let listed = app.admin("GET", "/admin/connectors", None).await;
    let rotated = app
        .admin(
            "POST",
            &format!("/admin/connectors/{}/regenerate-key", hook.connector.id),
            None,
        )
        .await;

    let secret = created["setup"]["signing_secret"]
        .as_str()
        .unwrap_or_default();
    assert!(secret.starts_with("lc_whsec_"), "{created}");
    assert_eq!(
        created["setup"]["endpoint"],
        format!("/webhooks/calendly/{id}")
    );
    assert!(created["setup"]["signature"]
        .as_str()
        .unwrap()
        .contains("Calendly"));
    assert_eq!(read.json()["setup"]["signing_secret_set"], true);
    for answer in [&read, &listed] {
        assert!(
            !answer.text.contains(secret),
            "never shown again: {}",
            answer.text
        );
        assert!(!answer.text.contains(SECRET));
    }
    assert_eq!(rotated.status, 200, "{}", rotated.text);
    let fresh = rotated.json()["setup"]["signing_secret"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(fresh.starts_with("lc_whsec_") && fresh != SECRET);
    let now = app.store.clock().epoch();
    let old = hook
        .deliver_as(&sample(Vendor::Typeform), SECRET, now)
        .await;
    let new = hook
        .deliver_as(&sample(Vendor::Typeform), &fresh, now)
        .await;
    old.assert_refused(401, "the old secret");
    assert_eq!(new.json()["status"], "imported", "{}", new.text);
}

#[tokio::test]
async fn a_vendor_that_issues_its_secret_needs_it_pasted_before_it_is_active() {
    let app = e2e::TestApp::spawn().await;
    let pasted = "hubspot-app-client-secret-0001";

    let active = app
        .admin(
            "POST",
            "/admin/connectors",
            Some(json!({"display_name": "HubSpot", "provider": "hubspot", "status": "active"})),
        )
        .await;
    let draft = app
        .create_connector(json!({"display_name": "HubSpot", "provider": "hubspot"}))
        .await;
    let path = format!("/admin/connectors/{}", draft["id"].as_str().unwrap());
    let short = app
        .admin(
            "PATCH",
            &path,
            Some(json!({"settings": {"signing_secret": "short"}})),
        )
        .await;
    let activated = app
        .admin(
            "PATCH",
            &path,
            Some(json!({"status": "active", "settings": {"signing_secret": pasted}})),
        )
        .await;
    let regenerate = app
        .admin("POST", &format!("{path}/regenerate-key"), None)
        .await;

    active.assert_refused(422, "active without the app's secret");
    assert_eq!(error_fields(&active), ["settings.signing_secret"]);
    assert_eq!(draft["setup"]["signing_secret_set"], false);
    assert!(draft["setup"].get("signing_secret").is_none());
    short.assert_refused(422, "a secret too short to be one");
    assert_eq!(activated.status, 200, "{}", activated.text);
    assert_eq!(activated.json()["setup"]["signing_secret_set"], true);
    assert!(
        !activated.text.contains(pasted),
        "a pasted secret is not echoed"
    );
    regenerate.assert_refused(422, "HubSpot issues the secret");
}
