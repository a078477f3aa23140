//! `POST /forms/{form_id}` against a real DynamoDB API (moto): leads from JSON and
//! plain HTML forms, redirects, CORS, error pages, and the import log of refusals.

use e2e::forms::{quote, refused, urlencoded, FormRequest, SITE, THANKS};
use e2e::{LeadContacts, TestApp};
use serde_json::json;
use shared::domain::{ConnectorStatus, ImportStatus};

async fn form_app() -> TestApp {
    TestApp::spawn_form(|c| {
        c.source_label = Some("website".into());
        c.assigned_rep = Some("rep@example.com".into());
        c.notes_prefix = Some("[Web]".into());
        c.field_aliases = [("your-name".to_owned(), "customer_name".to_owned())].into();
    })
    .await
}

#[tokio::test]
async fn a_json_post_creates_a_lead_with_the_connectors_aliases_and_defaults() {
    let app = form_app().await;
    let body = json!({"your-name": "Pat Example", "email": "pat@example.com",
        "message": "Call after 5", "source": "spoofed", "assigned_rep": "evil@example.com",
        "project": {"Roof age": 12}, "submission_id": "sub-1"});

    let response = app.send_form(FormRequest::json(&body)).await;

    assert_eq!(response.status, 201, "{}", response.text);
    assert_eq!(response.json()["status"], "imported");
    assert_eq!(response.header("access-control-allow-origin"), Some("*"));
    let lead = &app.leads().await[0];
    assert_eq!(response.json()["import_id"], lead.import_id.as_str());
    assert_eq!(lead.customer_name, "Pat Example");
    assert_eq!(
        lead.source, "website",
        "the form's own labels never override"
    );
    assert_eq!(lead.assigned_rep.as_deref(), Some("rep@example.com"));
    assert_eq!(lead.notes.as_deref(), Some("[Web] Call after 5"));
    assert_eq!(lead.external_id.as_deref(), Some("sub-1"));
    assert_eq!(lead.custom_fields["project.Roof age"], "12");
    assert_eq!(lead.custom_fields["source"], "spoofed");
}

#[tokio::test]
async fn a_plain_html_form_post_creates_a_lead_and_shows_a_thank_you_page() {
    let app = form_app().await;

    let response = app
        .send_form(urlencoded(&quote("renee@example.com")).from_ip("198.51.100.7"))
        .await;

    assert_eq!(response.status, 200, "{}", response.text);
    assert!(response
        .header("content-type")
        .unwrap()
        .starts_with("text/html"));
    assert!(response.text.contains("Thank you"));
    let lead = &app.leads().await[0];
    assert_eq!(lead.customer_name, "Renée Müller");
    assert_eq!(lead.phone(), Some("+17175550123"));
    assert_eq!(lead.custom_fields["Roof age"], "12 years");
    assert!(!lead.custom_fields.contains_key("_hp"));
    let log = app.import_log().await;
    assert_eq!(log[0].status, ImportStatus::Imported);
    assert_eq!(log[0].origin.source_ip.as_deref(), Some("198.51.100.7"));
    assert_eq!(
        log[0].origin.user_agent.as_deref(),
        Some("Mozilla/5.0 (Test)")
    );
}

#[tokio::test]
async fn a_browser_post_is_sent_to_the_redirect_url_with_see_other() {
    let app = TestApp::spawn_form_redirecting_to(THANKS).await;

    let response = app.send_form(urlencoded(&quote("pat@example.com"))).await;

    assert_eq!(response.status, 303, "{}", response.text);
    assert_eq!(response.header("location"), Some(THANKS));
    assert_eq!(app.leads().await.len(), 1);
}

#[tokio::test]
async fn a_forms_own_redirect_is_followed_only_to_an_allowed_origin() {
    let app = TestApp::spawn_form(|c| {
        c.settings.redirect_url = Some(THANKS.into());
        c.settings.allowed_origins = vec![SITE.into()];
    })
    .await;
    let post = |email: &str, redirect: &str| {
        let mut pairs = quote(email);
        pairs.push(("_redirect", redirect.to_owned()));
        urlencoded(&pairs).header("origin", SITE)
    };

    let own = app
        .send_form(post(
            "a@example.com",
            "https://www.example.com/quote-thanks",
        ))
        .await;
    let open = app
        .send_form(post("b@example.com", "https://evil.example/phish"))
        .await;

    assert_eq!(
        own.header("location"),
        Some("https://www.example.com/quote-thanks")
    );
    assert_eq!(open.header("location"), Some(THANKS));
    assert_eq!(own.header("access-control-allow-origin"), Some(SITE));
    let leads = app.leads().await;
    assert_eq!(leads.len(), 2);
    assert!(leads
        .iter()
        .all(|l| !l.custom_fields.contains_key("_redirect")));
}

#[tokio::test]
async fn a_submission_id_sent_twice_replays_the_first_lead() {
    let app = form_app().await;
    let first = app
        .send_form(FormRequest::json(&json!({"email": "pat@example.com",
        "name": "Pat", "submission_id": "wpforms-77"})))
        .await;

    let second = app
        .send_form(FormRequest::json(&json!({"email": "pat@example.com",
        "name": "Pat", "submission_id": "wpforms-77"})))
        .await;

    assert_eq!(first.status, 201);
    assert_eq!(second.status, 200);
    assert_eq!(second.json()["status"], "replayed");
    assert_eq!(app.leads().await.len(), 1);
}

#[tokio::test]
async fn a_preflight_allows_only_the_listed_origins() {
    let app = TestApp::spawn_form_allowing(SITE).await;

    let allowed = app.send_form(FormRequest::preflight(Some(SITE))).await;
    let refused = app
        .send_form(FormRequest::preflight(Some("https://evil.example")))
        .await;

    assert_eq!(allowed.status, 204);
    assert_eq!(allowed.header("access-control-allow-origin"), Some(SITE));
    assert_eq!(
        allowed.header("access-control-allow-methods"),
        Some("POST, OPTIONS")
    );
    assert_eq!(
        allowed.header("access-control-allow-headers"),
        Some("content-type")
    );
    assert!(allowed.header("access-control-max-age").is_some());
    assert_eq!(refused.status, 403);
    assert!(refused
        .headers
        .keys()
        .all(|name| !name.as_str().starts_with("access-control-")));
}

#[tokio::test]
async fn a_preflight_on_a_form_without_listed_origins_allows_any() {
    let app = form_app().await;

    let response = app
        .send_form(FormRequest::preflight(Some("https://any.example")))
        .await;

    assert_eq!(response.status, 204);
    assert_eq!(response.header("access-control-allow-origin"), Some("*"));
}

#[tokio::test]
async fn a_post_from_an_unlisted_origin_is_refused_and_logged() {
    let app = TestApp::spawn_form_allowing(SITE).await;

    let response = app
        .send_form(
            FormRequest::json(&json!({"name": "Pat", "email": "p@example.com"}))
                .header("origin", "https://evil.example"),
        )
        .await;

    assert_eq!(response.status, 403);
    assert_eq!(
        response.header("content-type"),
        Some("application/problem+json")
    );
    let reason = app.the_one_failure_reason().await;
    assert!(reason.contains("https://evil.example"), "{reason}");
    assert!(app.leads().await.is_empty());
}

#[tokio::test]
async fn an_invalid_lead_from_a_browser_gets_a_readable_error_page() {
    let app = form_app().await;

    let response = refused(
        &app,
        urlencoded(&[
            ("name", "<script>x</script>".into()),
            ("email", "not-an-email".into()),
        ])
        .header("referer", "https://www.example.com/quote"),
        422,
    )
    .await;

    assert!(response
        .header("content-type")
        .unwrap()
        .starts_with("text/html"));
    assert!(response.text.contains("is not a valid email address"));
    assert!(!response.text.contains("<script>"));
    assert!(response
        .text
        .contains("href=\"https://www.example.com/quote\""));
    assert_eq!(app.the_one_failure().await.errors.len(), 1);
}

#[tokio::test]
async fn an_invalid_lead_from_a_browser_with_a_redirect_url_is_sent_back_with_the_reason() {
    let app = TestApp::spawn_form_redirecting_to(THANKS).await;

    let response = refused(&app, urlencoded(&[("name", "Pat".into())]), 303).await;

    assert_eq!(
        response.header("location"),
        Some("https://www.example.com/thanks?lead_status=error&reason=validation-failed")
    );
    app.the_one_failure().await;
}

#[tokio::test]
async fn a_paused_or_draft_connector_refuses_with_403_and_says_why() {
    for status in [ConnectorStatus::Paused, ConnectorStatus::Draft] {
        let app = TestApp::spawn_form(|c| c.status = status).await;

        let response = refused(
            &app,
            FormRequest::json(&json!({"name": "Pat", "email": "p@example.com"})),
            403,
        )
        .await;

        assert!(response.json()["detail"]
            .as_str()
            .unwrap()
            .contains(status.key()));
        let reason = app.the_one_failure_reason().await;
        assert!(reason.contains(status.key()), "{reason}");
    }
}

#[tokio::test]
async fn an_unknown_form_id_is_404_for_scripts_and_browsers() {
    let app = form_app().await;

    let script = app
        .send_form(FormRequest::json(&json!({"name": "Pat"})).to_form("form_nope"))
        .await;
    let browser = app
        .send_form(urlencoded(&[("name", "Pat".into())]).to_form("form_nope"))
        .await;

    assert_eq!(script.status, 404);
    assert_eq!(script.json()["type"], "/problems/not-found");
    assert_eq!(browser.status, 404);
    assert!(browser.text.contains("no form with this id"));
}
