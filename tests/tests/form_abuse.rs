//! The website form's abuse controls against a real DynamoDB API (moto): honeypot, IP
//! and contact throttles, size limits, each alone, and every refusal in the import log.

use e2e::forms::{exhaust, quote, refused, urlencoded, FormRequest, THANKS, URLENCODED};
use e2e::TestApp;
use serde_json::json;
use shared::domain::{FormThrottle, ImportStatus};
use shared::forms::rules;

async fn form_app() -> TestApp {
    TestApp::spawn_form(|_| {}).await
}

#[tokio::test]
async fn a_filled_honeypot_answers_like_a_success_and_is_logged_ignored() {
    let app = TestApp::spawn_form_redirecting_to(THANKS).await;
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
    let failed = app.failed_imports().await;
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
    let failed = app.failed_imports().await;
    let reasons: Vec<String> = failed.into_iter().filter_map(|r| r.reason).collect();
    assert_eq!(reasons.len(), 2);
    assert!(reasons.iter().any(|r| r.contains("email address")));
    assert!(reasons.iter().any(|r| r.contains("phone number")));
    assert!(reasons
        .iter()
        .all(|r| !r.contains("pat@") && !r.contains("555")));
}

#[tokio::test]
async fn a_body_over_64_kib_is_refused_with_413_and_logged() {
    let app = form_app().await;
    let body = format!("name=Pat&notes={}", "a".repeat(64 * 1024));

    refused(&app, FormRequest::raw(URLENCODED, body.as_bytes()), 413).await;

    let reason = app.the_one_failure_reason().await;
    assert!(reason.contains("larger than"), "{reason}");
}

#[tokio::test]
async fn more_than_100_fields_are_refused_with_422_and_logged() {
    let app = form_app().await;
    let body: Vec<String> = (0..101).map(|i| format!("field{i}=x")).collect();

    refused(
        &app,
        FormRequest::raw(URLENCODED, body.join("&").as_bytes()),
        422,
    )
    .await;

    let reason = app.the_one_failure_reason().await;
    assert!(reason.contains("more than 100 fields"), "{reason}");
}

#[tokio::test]
async fn a_value_over_10_kib_is_refused_with_422_and_logged() {
    let app = form_app().await;
    let body = json!({"name": "Pat", "email": "p@example.com", "notes": "a".repeat(10 * 1024 + 1)});

    let response = refused(&app, FormRequest::json(&body), 422).await;

    assert_eq!(response.json()["errors"][0]["field"], "notes");
    let reason = app.the_one_failure_reason().await;
    assert!(reason.contains("`notes`"), "{reason}");
}

#[tokio::test]
async fn a_body_that_is_not_utf8_is_refused_with_400_and_logged() {
    let app = form_app().await;

    refused(&app, FormRequest::raw(URLENCODED, b"name=Ren\xe9e"), 400).await;

    let reason = app.the_one_failure_reason().await;
    assert!(reason.contains("UTF-8"), "{reason}");
}

#[tokio::test]
async fn through_the_gateway_each_forwarded_ip_is_throttled_on_its_own() {
    let app = TestApp::spawn_form(|c| c.settings.form_throttle = Some(throttle(1, 0))).await;
    let base = app.serve_gateway().await;
    exhaust(
        &app.store,
        &rules::ip(app.form_connector(), "198.51.100.80"),
    )
    .await;
    let post = |ip: &'static str| {
        reqwest::Client::new()
            .post(format!("{base}/forms/{}", app.form_id()))
            .header("x-forwarded-for", ip)
            .form(&[("name", "Pat"), ("email", "pat@example.com")])
            .send()
    };

    let spent = post("198.51.100.80").await.unwrap();
    let fresh = post("198.51.100.81").await.unwrap();

    assert_eq!(spent.status(), 429);
    assert!(spent.headers().contains_key("retry-after"));
    assert_eq!(
        fresh.status(),
        200,
        "a browser post without redirect gets the page"
    );
    let log = app.import_log().await;
    let ips: Vec<_> = log
        .iter()
        .filter_map(|r| r.origin.source_ip.as_deref())
        .collect();
    assert_eq!(ips, ["198.51.100.81", "198.51.100.80"]);
}
