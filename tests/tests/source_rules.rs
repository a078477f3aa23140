//! Per-source rules (seed 002) and compliance certificates, against moto through the API
//! door (the rules live in the pipeline every door shares): one test per outcome, Test
//! Import naming the rule, and the admin API refusing bad rules field by field.

use e2e::admin::error_fields;
use e2e::{lead_body, TestApp};
use serde_json::{json, Value};
use shared::domain::{CertificateKind, ImportStatus, OutsideRules, SourceRules};

const CERT: &str = "https://cert.trustedform.com/eb9fc4dd9bed9ad451a5648946cf4bf09b5bb947";
const LEADID: &str = "6d2c1b0e-3f4a-4b5c-9d8e-7f6a5b4c3d2e";

async fn with_rules(configure: impl FnOnce(&mut SourceRules)) -> TestApp {
    TestApp::spawn_with(|c| configure(&mut c.rules)).await
}

fn lead(external_id: &str, changes: Value) -> Value {
    let mut body = lead_body(external_id);
    for (key, value) in changes.as_object().into_iter().flatten() {
        body[key] = value.clone();
    }
    body
}

/// Posts `body` and answers the reason of its import entry (which must be `failed`).
async fn failed_reason(app: &TestApp, body: Value) -> String {
    let response = app.post_lead(body).await;
    response.assert_refused(422, "outside the rules");
    let log = app.import_log().await;
    assert_eq!(log[0].status, ImportStatus::Failed);
    log[0].reason.clone().unwrap_or_default()
}

#[tokio::test]
async fn a_lead_outside_the_allowed_states_is_failed_with_the_rule_in_the_reason() {
    let app = with_rules(|r| r.allowed_states = vec!["PA".into(), "NJ".into()]).await;

    let inside = app
        .post_lead(lead("st-1", json!({"state": "Pennsylvania"})))
        .await;
    let reason = failed_reason(&app, lead("st-2", json!({"state": "NY", "zip": "10001"}))).await;

    assert_eq!(inside.status, 201, "{}", inside.text);
    assert!(reason.contains("allowed_states"), "{reason}");
    assert!(reason.contains("state 'NY'"), "{reason}");
    assert_eq!(app.leads().await.len(), 1);
}

#[tokio::test]
async fn a_lead_outside_the_allowed_zip_prefixes_is_failed() {
    let app = with_rules(|r| r.allowed_zip_prefixes = vec!["176".into()]).await;

    let inside = app.post_lead(lead("zip-1", json!({"zip": "17602"}))).await;
    let reason = failed_reason(&app, lead("zip-2", json!({"zip": "19103"}))).await;

    assert_eq!(inside.status, 201, "{}", inside.text);
    assert!(reason.contains("allowed_zip_prefixes"), "{reason}");
    assert!(reason.contains("ZIP '19103'"), "{reason}");
}

#[tokio::test]
async fn a_product_not_allowed_is_failed_and_case_does_not_matter() {
    let app = with_rules(|r| r.allowed_products = vec!["House Wash".into()]).await;

    let inside = app
        .post_lead(lead("pr-1", json!({"service_interest": "house wash"})))
        .await;
    let reason = failed_reason(
        &app,
        lead("pr-2", json!({"service_interest": "Pool cleaning"})),
    )
    .await;

    assert_eq!(inside.status, 201, "{}", inside.text);
    assert!(reason.contains("allowed_products"), "{reason}");
    assert!(reason.contains("'Pool cleaning'"), "{reason}");
}

#[tokio::test]
async fn a_lead_outside_the_rules_waits_for_review_when_the_connector_says_so() {
    let app = with_rules(|r| {
        r.allowed_states = vec!["PA".into()];
        r.outside_rules = OutsideRules::Review;
    })
    .await;

    let held = app.post_lead(lead("rv-1", json!({"state": "OH"}))).await;

    assert_eq!(held.status, 202, "{}", held.text);
    let review_id = held.json()["review_id"].as_str().unwrap().to_owned();
    let log = app.import_log().await;
    assert_eq!(log[0].status, ImportStatus::ReviewRequired);
    let reason = log[0].reason.as_deref().unwrap_or_default();
    assert!(reason.contains("allowed_states"), "{reason}");
    assert!(app.leads().await.is_empty());

    let approved = app
        .admin("POST", &format!("/admin/reviews/{review_id}/approve"), None)
        .await;

    assert_eq!(
        approved.status, 201,
        "a person's approval waives the rules: {}",
        approved.text
    );
    assert_eq!(app.leads().await.len(), 1);
}

#[tokio::test]
async fn the_daily_cap_counts_leads_on_its_own_expiring_item_and_refuses_the_next() {
    let app = with_rules(|r| r.daily_cap = Some(2)).await;
    let connector_before = app.items("CONNECTOR#").await;

    let first = app.post_lead(lead("cap-1", json!({}))).await;
    let replay = app.post_lead(lead("cap-1", json!({}))).await;
    let second = app
        .post_lead(lead("cap-2", json!({"customer_email": "b@example.com"})))
        .await;
    let reason = failed_reason(
        &app,
        lead("cap-3", json!({"customer_email": "c@example.com"})),
    )
    .await;
    let replay_when_full = app.post_lead(lead("cap-2", json!({}))).await;

    assert_eq!(first.status, 201, "{}", first.text);
    assert_eq!(
        replay.status, 200,
        "a replay gives its count back: {}",
        replay.text
    );
    assert_eq!(second.status, 201, "{}", second.text);
    assert!(reason.contains("daily_cap"), "{reason}");
    assert_eq!(replay_when_full.status, 200, "{}", replay_when_full.text);
    assert_eq!(app.leads().await.len(), 2);
    let caps = app.items("CAP#").await;
    assert_eq!(caps.len(), 1, "one counter for the connector and day");
    assert_eq!(caps[0]["count"].as_n().unwrap(), "2");
    assert!(
        caps[0].contains_key("expires_at"),
        "the counter expires by TTL"
    );
    let connector_after = app.items("CONNECTOR#").await;
    let cap_on_connector = |items: &[shared::store::Item]| {
        items
            .iter()
            .any(|item| item.keys().any(|k| k.contains("cap")))
    };
    assert!(!cap_on_connector(&connector_before) && !cap_on_connector(&connector_after));
}

#[tokio::test]
async fn a_required_certificate_that_is_missing_fails_the_lead() {
    let app = with_rules(|r| r.required_certificate = Some(CertificateKind::Any)).await;

    let reason = failed_reason(&app, lead("cert-1", json!({}))).await;
    let jornaya = app
        .post_lead(lead("cert-2", json!({"universal_leadid": LEADID})))
        .await;

    assert!(reason.contains("required_certificate"), "{reason}");
    assert!(reason.contains("xxTrustedFormCertUrl"), "{reason}");
    assert_eq!(jornaya.status, 201, "{}", jornaya.text);
}

#[tokio::test]
async fn certificates_are_stored_on_the_lead_and_a_malformed_one_is_kept_aside() {
    let app = TestApp::spawn().await;

    let certified = app
        .post_lead(lead(
            "cert-3",
            json!({"xxTrustedFormCertUrl": CERT, "universal_leadid": LEADID}),
        ))
        .await;
    let forged = app
        .post_lead(lead(
            "cert-4",
            json!({"xxTrustedFormCertUrl": "https://cert.trustedform.com.evil.example/abc"}),
        ))
        .await;

    assert_eq!(certified.status, 201, "{}", certified.text);
    let id = certified.json()["lead_id"].as_str().unwrap().to_owned();
    let shown = app
        .admin("GET", &format!("/admin/leads/{id}"), None)
        .await
        .json();
    assert_eq!(shown["trustedform_cert_url"], CERT);
    assert_eq!(shown["jornaya_leadid"], LEADID.to_uppercase());
    assert_eq!(forged.status, 201, "{}", forged.text);
    let id = forged.json()["lead_id"].as_str().unwrap().to_owned();
    let shown = app
        .admin("GET", &format!("/admin/leads/{id}"), None)
        .await
        .json();
    assert_eq!(shown["trustedform_cert_url"], Value::Null);
    assert_eq!(
        shown["custom_fields"]["trustedform_cert_url"],
        "https://cert.trustedform.com.evil.example/abc"
    );
}

#[tokio::test]
async fn test_import_names_the_rule_a_sample_would_break() {
    let app = with_rules(|r| {
        r.allowed_products = vec!["House Wash".into()];
        r.outside_rules = OutsideRules::Review;
    })
    .await;
    let path = format!("/admin/connectors/{}/test-import", app.api_connector().id);

    let outside = app
        .admin(
            "POST",
            &path,
            Some(json!({"payload": lead("ti-1", json!({"service_interest": "Decks"}))})),
        )
        .await;
    let inside = app
        .admin(
            "POST",
            &path,
            Some(json!({"payload": lead("ti-2", json!({}))})),
        )
        .await;

    assert_eq!(outside.status, 200, "{}", outside.text);
    let outside = outside.json();
    assert_eq!(outside["would"], "review_required");
    assert_eq!(outside["rule"]["rule"], "allowed_products");
    assert!(outside["reason"].as_str().unwrap().contains("'Decks'"));
    assert_eq!(inside.json()["would"], "imported", "{}", inside.text);
    assert!(inside.json().get("rule").is_none());
    assert!(
        app.import_log().await.is_empty(),
        "Test Import stores nothing"
    );
}

#[tokio::test]
async fn rules_are_validated_field_by_field_and_shown_on_the_connector() {
    let app = TestApp::spawn().await;
    let path = format!("/admin/connectors/{}", app.api_connector().id);

    let refused = app
        .admin(
            "PATCH",
            &path,
            Some(json!({"rules": {
                "allowed_states": ["PA", "Atlantis"],
                "allowed_zip_prefixes": ["17-6"],
                "daily_cap": 0,
                "required_certificate": "notary",
                "outside_rules": "shrug",
                "max_price": 10
            }})),
        )
        .await;
    let saved = app
        .admin(
            "PATCH",
            &path,
            Some(json!({"rules": {
                "allowed_states": ["pennsylvania", "NJ"],
                "allowed_zip_prefixes": ["176"],
                "allowed_products": ["House Wash"],
                "daily_cap": 50,
                "required_certificate": "trustedform",
                "outside_rules": "review"
            }})),
        )
        .await;
    let cleared = app
        .admin("PATCH", &path, Some(json!({"rules": {"daily_cap": null}})))
        .await;

    refused.assert_refused(422, "bad rules");
    assert_eq!(
        error_fields(&refused),
        [
            "rules.allowed_states",
            "rules.allowed_zip_prefixes",
            "rules.daily_cap",
            "rules.required_certificate",
            "rules.outside_rules",
            "rules.max_price"
        ]
    );
    assert_eq!(saved.status, 200, "{}", saved.text);
    let rules = &saved.json()["rules"];
    assert_eq!(rules["allowed_states"], json!(["PA", "NJ"]));
    assert_eq!(rules["daily_cap"], 50);
    assert_eq!(rules["outside_rules"], "review");
    let rules = &cleared.json()["rules"];
    assert_eq!(rules["daily_cap"], Value::Null);
    assert_eq!(
        rules["allowed_zip_prefixes"],
        json!(["176"]),
        "other rules stay"
    );
}
