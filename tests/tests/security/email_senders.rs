//! The email door's public address (issue 16): a connector may require SES's SPF and
//! DKIM verdicts to pass and take mail from its allowed senders only; anything else is
//! logged `ignored` with the reason and makes no lead.

use e2e::email::LABELLED_LEAD;
use e2e::TestApp;
use serde_json::json;
use shared::domain::{ImportStatus, Provider};

fn email_id(app: &TestApp) -> String {
    let connector = app.seeded.connector(Provider::EmailForward);
    connector.expect("the email connector").id.to_string()
}

/// An email connector set through the admin API with `settings`, and the email door.
async fn email_connector(settings: serde_json::Value) -> (TestApp, email_inbound::Deps) {
    let mut app = TestApp::spawn().await;
    app.with_email_connector(|_| {}).await;
    let id = email_id(&app);
    let patched = app
        .admin(
            "PATCH",
            &format!("/admin/connectors/{id}"),
            Some(json!({ "settings": settings })),
        )
        .await;
    assert_eq!(patched.status, 200, "{}", patched.text);
    let deps = app.email_deps(3).await;
    (app, deps)
}

/// Delivers `raw` with SES's SPF and DKIM verdicts; answers the outcome's status.
async fn deliver(
    app: &TestApp,
    deps: &email_inbound::Deps,
    raw: &str,
    spf: &str,
    dkim: &str,
) -> String {
    let id = shared::domain::new_id().to_lowercase();
    app.store_raw_email(deps, &id, raw).await;
    let mut event = local::email::ses_event(&id, &app.inbound_address(), "PASS", "PASS");
    let receipt = &mut event["Records"][0]["ses"]["receipt"];
    receipt["spfVerdict"]["status"] = spf.into();
    receipt["dkimVerdict"]["status"] = dkim.into();
    match email_inbound::handle(deps, event).await.expect("handled") {
        email_inbound::Handled::Ses(mut outcomes) => outcomes.remove(0).status.to_owned(),
        other => panic!("an SES outcome, not {other:?}"),
    }
}

fn ignored_reasons(log: &[shared::domain::ImportRecord]) -> Vec<String> {
    log.iter()
        .filter(|e| e.status == ImportStatus::Ignored)
        .filter_map(|e| e.reason.clone())
        .collect()
}

#[tokio::test]
async fn a_connector_requiring_spf_and_dkim_ignores_mail_that_fails_them() {
    let (app, deps) = email_connector(json!({"require_spf": true, "require_dkim": true})).await;

    let spoofed = deliver(&app, &deps, LABELLED_LEAD, "FAIL", "PASS").await;
    let unsigned = deliver(&app, &deps, LABELLED_LEAD, "PASS", "GRAY").await;
    let genuine = deliver(&app, &deps, LABELLED_LEAD, "PASS", "PASS").await;

    assert_eq!(
        [spoofed, unsigned, genuine],
        ["ignored", "ignored", "imported"]
    );
    assert_eq!(app.leads().await.len(), 1);
    let mut reasons = ignored_reasons(&app.import_log().await);
    reasons.sort();
    assert_eq!(
        reasons,
        [
            "DKIM verdict GRAY: the connector requires PASS",
            "SPF verdict FAIL: the connector requires PASS"
        ]
    );
}

#[tokio::test]
async fn a_connector_with_allowed_senders_ignores_mail_from_anyone_else() {
    let (app, deps) = email_connector(json!({"allowed_senders": ["@acme-wash.example"]})).await;
    let stranger = LABELLED_LEAD.replace("wordpress@acme-wash.example", "bot@spam.example");

    let from_stranger = deliver(&app, &deps, &stranger, "PASS", "PASS").await;
    let from_the_site = deliver(&app, &deps, LABELLED_LEAD, "PASS", "PASS").await;

    assert_eq!([from_stranger, from_the_site], ["ignored", "imported"]);
    assert_eq!(app.leads().await.len(), 1);
    assert_eq!(
        ignored_reasons(&app.import_log().await),
        ["the sender is not on the connector's allowed senders"]
    );
}

#[tokio::test]
async fn sender_settings_are_checked_on_write() {
    let (app, _deps) = email_connector(json!({})).await;
    let id = email_id(&app);
    let path = format!("/admin/connectors/{id}");

    let bad = json!({"settings": {"require_spf": "yes", "allowed_senders": ["not an address"]}});
    let refused = app.admin("PATCH", &path, Some(bad)).await;
    let form_only = app.post_connector(json!({"display_name": "F", "provider": "website_form", "transport": "public_form", "settings": {"require_dkim": true}})).await;

    assert_eq!(refused.status, 422, "{}", refused.text);
    let fields = e2e::admin::error_fields(&refused);
    assert!(
        fields.contains(&"settings.require_spf".to_owned()),
        "{fields:?}"
    );
    assert!(
        fields.contains(&"settings.allowed_senders".to_owned()),
        "{fields:?}"
    );
    assert_eq!(form_only.status, 422, "{}", form_only.text);
}
