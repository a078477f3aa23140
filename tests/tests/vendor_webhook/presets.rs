//! Every preset through one table per outcome.

use e2e::vendors::{each_vendor, sample, test_delivery, Body, VendorApp, SECRET};
use serde_json::json;
use shared::domain::{ImportStatus, Provider, Vendor};
use shared::providers::vendors;

/// The external id each sample's lead is known by.
fn external_id(vendor: Vendor) -> &'static str {
    match vendor {
        Vendor::Typeform => "a3a12ec67a1365927098a606107fac15",
        Vendor::Calendly => {
            "https://api.calendly.com/scheduled_events/AAAAAAAAAAAAAAAA/invitees/AAAAAAAAAAAAAAAA"
        }
        Vendor::Hubspot => "3234574",
        Vendor::Jotform => "6084250982513018472",
        Vendor::Tiktok => "7301234567890123456",
        Vendor::Linkedin => "urn:li:leadGenFormResponse:c0d1e2f3-4a5b-6c7d-8e9f-a0b1c2d3e4f5",
        Vendor::GravityForms => "28",
        Vendor::Wpforms => "42",
        // No submission id: the body's hash stands in.
        Vendor::ContactForm7 | Vendor::Unbounce => "body-sha256:",
    }
}

fn signs_a_timestamp(vendor: Vendor) -> bool {
    matches!(vendor, Vendor::Calendly | Vendor::Hubspot | Vendor::Tiktok)
}

#[tokio::test]
async fn every_signed_sample_makes_one_lead_and_its_redelivery_replays() {
    let with_answers = Vendor::ALL.into_iter().filter(|v| *v != Vendor::Linkedin);
    each_vendor(with_answers, |vendor| async move {
        let hook = VendorApp::spawn(vendor, |_| {}).await;

        let first = hook.deliver(&sample(vendor)).await;
        let again = hook.deliver(&sample(vendor)).await;

        assert_eq!(first.status, 200, "{vendor}: {}", first.text);
        assert_eq!(
            first.json()["status"],
            "imported",
            "{vendor}: {}",
            first.text
        );
        assert_eq!(again.status, 200, "{vendor}: {}", again.text);
        assert_eq!(
            again.json()["status"],
            "replayed",
            "{vendor}: {}",
            again.text
        );
        assert_eq!(again.json()["lead_id"], first.json()["lead_id"], "{vendor}");
        let leads = hook.app.leads().await;
        assert_eq!(leads.len(), 1, "{vendor}");
        let lead = &leads[0];
        assert_eq!(lead.provider, Provider::Vendor(vendor));
        assert_eq!(lead.source, vendor.key());
        let id = lead.external_id.as_deref().unwrap_or_default();
        assert!(id.starts_with(external_id(vendor)), "{vendor}: {id}");
        assert!(!lead.customer_name.is_empty(), "{vendor}");
        let log = hook.app.import_log().await;
        let statuses: Vec<_> = log.iter().map(|entry| entry.status).collect();
        assert_eq!(
            statuses,
            [ImportStatus::Replayed, ImportStatus::Imported],
            "{vendor}"
        );
    })
    .await;
}

#[tokio::test]
async fn a_linkedin_notice_is_logged_failed_with_the_lead_id_and_what_to_do() {
    let hook = VendorApp::spawn(Vendor::Linkedin, |_| {}).await;

    let response = hook.deliver(&sample(Vendor::Linkedin)).await;

    assert_eq!(response.status, 200, "{}", response.text);
    let body = response.json();
    assert_eq!(body["status"], "failed");
    let reason = body["reason"].as_str().unwrap_or_default();
    assert!(reason.contains("sent only the lead's id"), "{reason}");
    assert!(reason.contains("Campaign Manager"), "{reason}");
    assert!(hook.app.leads().await.is_empty());
    let log = hook.app.import_log().await;
    assert_eq!(log.len(), 1);
    assert_eq!(
        log[0].external_id.as_deref(),
        Some(external_id(Vendor::Linkedin))
    );
}

#[tokio::test]
async fn linkedins_endpoint_validation_is_answered_for_its_uuid_challenges_only() {
    let hook = VendorApp::spawn(Vendor::Linkedin, |_| {}).await;
    let typeform = VendorApp::spawn(Vendor::Typeform, |_| {}).await;
    let code = "890e4665-4dfe-4ab1-b689-ed553bceeed1";

    let answered = hook.get(&format!("challengeCode={code}")).await;
    let oracle = hook.get("challengeCode=hmacsha256%3D%7B%7D").await;
    let other_vendor = typeform.get(&format!("challengeCode={code}")).await;

    assert_eq!(answered.status, 200, "{}", answered.text);
    assert_eq!(answered.json()["challengeCode"], code);
    assert_eq!(
        answered.json()["challengeResponse"],
        vendors::linkedin_challenge_response(SECRET, code)
    );
    oracle.assert_refused(400, "a challenge that is not LinkedIn's could sign a body");
    other_vendor.assert_refused(404, "only LinkedIn validates with a GET");
}

#[tokio::test]
async fn a_forged_missing_or_stale_signature_is_401_and_nothing_is_stored() {
    each_vendor(Vendor::ALL, |vendor| async move {
        let hook = VendorApp::spawn(vendor, |_| {}).await;
        let body = sample(vendor);
        let now = hook.app.store.clock().epoch();

        let forged = hook
            .deliver_as(&body, "not-the-connectors-secret-000", now)
            .await;
        let unsigned = hook.post(&body, &[], "").await;
        forged.assert_refused(401, &format!("{vendor}: forged"));
        unsigned.assert_refused(401, &format!("{vendor}: unsigned"));
        if signs_a_timestamp(vendor) {
            let stale = hook.deliver_as(&body, SECRET, now - 3600).await;
            stale.assert_refused(401, &format!("{vendor}: stale"));
            assert!(stale.json()["detail"]
                .as_str()
                .unwrap_or_default()
                .contains("timestamp"));
        }

        assert!(hook.app.import_log().await.is_empty(), "{vendor}");
        assert!(hook.app.leads().await.is_empty(), "{vendor}");
    })
    .await;
}

#[tokio::test]
async fn a_test_delivery_is_logged_ignored_and_makes_no_lead() {
    // LinkedIn's notices cannot carry a test marker.
    let markable = Vendor::ALL.into_iter().filter(|v| *v != Vendor::Linkedin);
    each_vendor(markable, |vendor| async move {
        let body = test_delivery(vendor).expect("a test delivery");
        let hook = VendorApp::spawn(vendor, |_| {}).await;

        let response = hook.deliver(&body).await;

        assert_eq!(response.status, 200, "{vendor}: {}", response.text);
        assert_eq!(
            response.json()["status"],
            "ignored",
            "{vendor}: {}",
            response.text
        );
        assert!(hook.app.leads().await.is_empty(), "{vendor}");
        let log = hook.app.import_log().await;
        assert_eq!(log.len(), 1, "{vendor}");
        assert_eq!(log[0].status, ImportStatus::Ignored);
        let reason = log[0].reason.as_deref().unwrap_or_default();
        assert!(reason.contains("test submission"), "{vendor}: {reason}");
    })
    .await;
}

#[tokio::test]
async fn an_unknown_connector_or_another_vendors_is_404_and_a_foreign_body_400() {
    let hook = VendorApp::spawn(Vendor::Typeform, |_| {}).await;
    let body = sample(Vendor::Typeform);
    let id = hook.connector.id.to_string();

    let wrong_vendor = hook.post_as("calendly", &id, &body, &[], "").await;
    let unknown = hook
        .post_as("typeform", "01JNOSUCHCONNECTOR0000000", &body, &[], "")
        .await;
    let not_a_vendor = hook.post_as("meta", &id, &body, &[], "").await;
    let not_typeform = hook
        .deliver(&Body {
            bytes: br#"{"hello":"world"}"#.to_vec(),
            content_type: "application/json",
        })
        .await;

    wrong_vendor.assert_refused(404, "a Typeform connector asked as Calendly");
    unknown.assert_refused(404, "no such connector");
    not_a_vendor.assert_refused(404, "meta is not a vendor of this door");
    not_typeform.assert_refused(400, "a signed body that is not Typeform's");
    assert!(hook.app.leads().await.is_empty());
    let log = hook.app.import_log().await;
    assert_eq!(
        log.len(),
        1,
        "the unreadable delivery is logged for a re-run"
    );
    assert_eq!(log[0].status, ImportStatus::Failed);
    assert!(log[0].payload.contains("hello"));
}

#[tokio::test]
async fn a_failed_vendor_delivery_is_re_run_through_its_preset_once_its_rules_allow_it() {
    // Jotform's multipart body needs the Content-Type it came with to be read again.
    let hook = VendorApp::spawn(Vendor::Jotform, |c| {
        c.rules.allowed_states = vec!["NJ".into()];
    })
    .await;
    let failed = hook.deliver(&sample(Vendor::Jotform)).await.json();
    assert_eq!(failed["status"], "failed", "{failed}");
    let path = format!("/admin/connectors/{}", hook.connector.id);
    let fixed = json!({"rules": {"allowed_states": ["PA"]}});
    assert_eq!(
        hook.app.admin("PATCH", &path, Some(fixed)).await.status,
        200
    );

    let import_id = failed["import_id"].as_str().unwrap();
    let retried = hook
        .app
        .admin("POST", &format!("/admin/imports/{import_id}/retry"), None)
        .await;

    assert_eq!(retried.status, 200, "{}", retried.text);
    assert_eq!(retried.json()["status"], "imported", "{}", retried.text);
    let leads = hook.app.leads().await;
    assert_eq!(leads.len(), 1);
    assert_eq!(
        leads[0].external_id.as_deref(),
        Some(external_id(Vendor::Jotform))
    );
}
