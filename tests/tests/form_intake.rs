//! `POST /forms/{form_id}` against a real DynamoDB API (moto): leads from JSON and
//! plain HTML forms, redirects, CORS, abuse controls, and the import log of every
//! refusal.

use e2e::forms::{exhaust, FormRequest};
use e2e::{TestApp, TestResponse};
use serde_json::json;
use shared::domain::{ConnectorStatus, FormThrottle, ImportRecord, ImportStatus};
use shared::forms::rules;

const THANKS: &str = "https://www.example.com/thanks";

fn quote(email: &str) -> Vec<(&'static str, String)> {
    vec![
        ("your-name", "Renée Müller".to_owned()),
        ("email", email.to_owned()),
        ("phone", "(717) 555-0123".to_owned()),
        ("zip", "17601".to_owned()),
        ("Roof age", "12 years".to_owned()),
        ("_hp", String::new()),
    ]
}

fn urlencoded(pairs: &[(&'static str, String)]) -> FormRequest {
    let pairs: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (*k, v.as_str())).collect();
    FormRequest::urlencoded(&pairs)
}

fn the_one_failure(log: &[ImportRecord]) -> &ImportRecord {
    assert_eq!(log.len(), 1, "{log:?}");
    assert_eq!(log[0].status, ImportStatus::Failed);
    &log[0]
}

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
    assert_eq!(response.json()["lead_id"], lead.id.as_str());
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
    assert_eq!(
        lead.customer_phone.as_ref().unwrap().as_ref(),
        "+17175550123"
    );
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
    let app = TestApp::spawn_form(|c| c.settings.redirect_url = Some(THANKS.into())).await;

    let response = app.send_form(urlencoded(&quote("pat@example.com"))).await;

    assert_eq!(response.status, 303, "{}", response.text);
    assert_eq!(response.header("location"), Some(THANKS));
    assert_eq!(app.leads().await.len(), 1);
}

#[tokio::test]
async fn a_forms_own_redirect_is_followed_only_to_an_allowed_origin() {
    let app = TestApp::spawn_form(|c| {
        c.settings.redirect_url = Some(THANKS.into());
        c.settings.allowed_origins = vec!["https://www.example.com".into()];
    })
    .await;
    let post = |email: &str, redirect: &str| {
        let mut pairs = quote(email);
        pairs.push(("_redirect", redirect.to_owned()));
        urlencoded(&pairs).header("origin", "https://www.example.com")
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
    assert_eq!(
        own.header("access-control-allow-origin"),
        Some("https://www.example.com")
    );
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
    assert_eq!(second.json()["lead_id"], first.json()["lead_id"]);
    assert_eq!(app.leads().await.len(), 1);
}

#[tokio::test]
async fn a_preflight_allows_only_the_listed_origins() {
    let app = TestApp::spawn_form(|c| {
        c.settings.allowed_origins = vec!["https://www.example.com".into()];
    })
    .await;

    let allowed = app
        .send_form(FormRequest::preflight(Some("https://www.example.com")))
        .await;
    let refused = app
        .send_form(FormRequest::preflight(Some("https://evil.example")))
        .await;

    assert_eq!(allowed.status, 204);
    assert_eq!(
        allowed.header("access-control-allow-origin"),
        Some("https://www.example.com")
    );
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
    let app = TestApp::spawn_form(|c| {
        c.settings.allowed_origins = vec!["https://www.example.com".into()];
    })
    .await;

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
    let log = app.import_log().await;
    assert!(the_one_failure(&log)
        .reason
        .as_ref()
        .unwrap()
        .contains("https://evil.example"));
    assert!(app.leads().await.is_empty());
}

#[tokio::test]
async fn a_filled_honeypot_answers_like_a_success_and_is_logged_ignored() {
    let app = TestApp::spawn_form(|c| c.settings.redirect_url = Some(THANKS.into())).await;
    let mut pairs = quote("bot@example.com");
    pairs.retain(|(k, _)| *k != "_hp");
    pairs.push(("_hp", "http://spam.example".to_owned()));

    let browser = app.send_form(urlencoded(&pairs)).await;
    let script = app
        .send_form(FormRequest::json(
            &json!({"name": "Bot", "email": "bot@example.com",
            "_hp": "filled"}),
        ))
        .await;

    assert_eq!(browser.status, 303);
    assert_eq!(browser.header("location"), Some(THANKS));
    assert_eq!(script.status, 201);
    assert_eq!(script.json()["status"], "imported");
    assert!(app.leads().await.is_empty());
    let log = app.import_log().await;
    assert_eq!(log.len(), 2);
    for entry in &log {
        assert_eq!(entry.status, ImportStatus::Ignored);
        assert_eq!(entry.reason.as_deref(), Some("honeypot"));
    }
}

#[tokio::test]
async fn a_connector_can_name_its_own_honeypot_field() {
    let app = TestApp::spawn_form(|c| c.settings.honeypot_field = Some("website".into())).await;

    let response = app
        .send_form(FormRequest::json(
            &json!({"name": "Bot", "email": "bot@example.com",
            "website": "http://spam.example"}),
        ))
        .await;

    assert_eq!(response.status, 201);
    assert!(app.leads().await.is_empty());
    assert_eq!(
        app.import_log().await[0].reason.as_deref(),
        Some("honeypot")
    );
}

fn throttle(ip_limit: u32, contact_limit: u32) -> FormThrottle {
    FormThrottle {
        ip_limit,
        contact_limit,
        ..FormThrottle::default()
    }
}

#[tokio::test]
async fn one_ip_address_over_its_limit_gets_429_with_retry_after() {
    let app = TestApp::spawn_form(|c| c.settings.form_throttle = Some(throttle(2, 0))).await;
    let ip = "203.0.113.50";
    exhaust(&app.store, &rules::ip(app.form_connector(), ip)).await;

    let throttled = app
        .send_form(FormRequest::json(&json!({"name": "Pat", "email": "a@example.com"})).from_ip(ip))
        .await;
    let other_ip = app
        .send_form(
            FormRequest::json(&json!({"name": "Pat", "email": "b@example.com"}))
                .from_ip("203.0.113.51"),
        )
        .await;

    assert_eq!(throttled.status, 429, "{}", throttled.text);
    let retry_after: u64 = throttled.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=60).contains(&retry_after));
    assert_eq!(other_ip.status, 201, "{}", other_ip.text);
    let log = app.import_log().await;
    let failed: Vec<_> = log
        .iter()
        .filter(|r| r.status == ImportStatus::Failed)
        .collect();
    assert_eq!(failed.len(), 1);
    assert!(failed[0].reason.as_ref().unwrap().contains("IP address"));
    assert_eq!(failed[0].origin.source_ip.as_deref(), Some(ip));
}

#[tokio::test]
async fn posts_from_one_ip_are_counted_until_the_limit() {
    let app = TestApp::spawn_form(|c| c.settings.form_throttle = Some(throttle(2, 0))).await;
    let mut statuses = Vec::new();

    for n in 0..5 {
        let body = json!({"name": "Pat", "email": format!("p{n}@example.com")});
        let request = FormRequest::json(&body).from_ip("203.0.113.60");
        statuses.push(app.send_form(request).await.status);
    }

    // Five posts span at most one window boundary, so some window holds three of them.
    assert_eq!(&statuses[..2], [201, 201], "{statuses:?}");
    assert!(statuses.contains(&429), "{statuses:?}");
}

#[tokio::test]
async fn one_contact_over_its_limit_gets_429_whatever_the_ip() {
    let app = TestApp::spawn_form(|c| c.settings.form_throttle = Some(throttle(0, 2))).await;
    let connector = app.form_connector();
    let email = shared::domain::Email::parse("pat@example.com").unwrap();
    exhaust(&app.store, &rules::email(connector, &email)).await;
    let phone = shared::domain::PhoneE164::parse("717-555-0199").unwrap();
    exhaust(&app.store, &rules::phone(connector, &phone)).await;

    let same_email = app
        .send_form(
            FormRequest::json(&json!({"name": "Pat", "email": " PAT@example.com"}))
                .from_ip("192.0.2.1"),
        )
        .await;
    let same_phone = app
        .send_form(
            urlencoded(&[
                ("name", "Pat".into()),
                ("phone", "+1 (717) 555-0199".into()),
            ])
            .from_ip("192.0.2.2"),
        )
        .await;
    let someone_else = app
        .send_form(
            FormRequest::json(&json!({"name": "Sam", "email": "sam@example.com"}))
                .from_ip("192.0.2.1"),
        )
        .await;

    assert_eq!(same_email.status, 429, "{}", same_email.text);
    assert_eq!(same_phone.status, 429, "{}", same_phone.text);
    assert!(same_phone.text.contains("Too many requests"));
    assert!(same_phone.header("retry-after").is_some());
    assert_eq!(someone_else.status, 201);
    let reasons: Vec<String> = app
        .import_log()
        .await
        .into_iter()
        .filter(|r| r.status == ImportStatus::Failed)
        .filter_map(|r| r.reason)
        .collect();
    assert_eq!(reasons.len(), 2);
    assert!(reasons.iter().any(|r| r.contains("email address")));
    assert!(reasons.iter().any(|r| r.contains("phone number")));
    assert!(reasons
        .iter()
        .all(|r| !r.contains("pat@") && !r.contains("555")));
}

async fn refused(app: &TestApp, request: FormRequest, status: u16) -> TestResponse {
    let response = app.send_form(request).await;
    assert_eq!(response.status, status, "{}", response.text);
    assert!(app.leads().await.is_empty());
    response
}

#[tokio::test]
async fn a_body_over_64_kib_is_refused_with_413_and_logged() {
    let app = form_app().await;
    let body = format!("name=Pat&notes={}", "a".repeat(64 * 1024));

    refused(
        &app,
        FormRequest::raw("application/x-www-form-urlencoded", body.as_bytes()),
        413,
    )
    .await;

    let log = app.import_log().await;
    assert!(the_one_failure(&log)
        .reason
        .as_ref()
        .unwrap()
        .contains("larger than"));
}

#[tokio::test]
async fn more_than_100_fields_are_refused_with_422_and_logged() {
    let app = form_app().await;
    let body: Vec<String> = (0..101).map(|i| format!("field{i}=x")).collect();

    refused(
        &app,
        FormRequest::raw(
            "application/x-www-form-urlencoded",
            body.join("&").as_bytes(),
        ),
        422,
    )
    .await;

    let log = app.import_log().await;
    assert!(the_one_failure(&log)
        .reason
        .as_ref()
        .unwrap()
        .contains("more than 100 fields"));
}

#[tokio::test]
async fn a_value_over_10_kib_is_refused_with_422_and_logged() {
    let app = form_app().await;
    let body = json!({"name": "Pat", "email": "p@example.com", "notes": "a".repeat(10 * 1024 + 1)});

    let response = refused(&app, FormRequest::json(&body), 422).await;

    assert_eq!(response.json()["errors"][0]["field"], "notes");
    let log = app.import_log().await;
    assert!(the_one_failure(&log)
        .reason
        .as_ref()
        .unwrap()
        .contains("`notes`"));
}

#[tokio::test]
async fn a_body_that_is_not_utf8_is_refused_with_400_and_logged() {
    let app = form_app().await;

    refused(
        &app,
        FormRequest::raw("application/x-www-form-urlencoded", b"name=Ren\xe9e"),
        400,
    )
    .await;

    let log = app.import_log().await;
    assert!(the_one_failure(&log)
        .reason
        .as_ref()
        .unwrap()
        .contains("UTF-8"));
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
    assert_eq!(the_one_failure(&app.import_log().await).errors.len(), 1);
}

#[tokio::test]
async fn an_invalid_lead_from_a_browser_with_a_redirect_url_is_sent_back_with_the_reason() {
    let app = TestApp::spawn_form(|c| c.settings.redirect_url = Some(THANKS.into())).await;

    let response = refused(&app, urlencoded(&[("name", "Pat".into())]), 303).await;

    assert_eq!(
        response.header("location"),
        Some("https://www.example.com/thanks?lead_status=error&reason=validation-failed")
    );
    the_one_failure(&app.import_log().await);
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
        let log = app.import_log().await;
        assert!(the_one_failure(&log)
            .reason
            .as_ref()
            .unwrap()
            .contains(status.key()));
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
