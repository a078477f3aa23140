//! The website form under abuse (issue 16): a flood from one IP writes a few entries,
//! not one per post; the IP throttle answers before anything is written; posting
//! someone's address does not lock them out; the answers tell a visitor nothing of the
//! lead, the client or the rep.

use e2e::forms::{exhaust, FormRequest, URLENCODED};
use e2e::security::{changed, items};
use e2e::TestApp;
use serde_json::json;
use shared::clock::Clock;
use shared::domain::{FormThrottle, ImportStatus};
use shared::forms::rules;

fn limits(ip_limit: u32, contact_limit: u32) -> FormThrottle {
    FormThrottle {
        ip_limit,
        contact_limit,
        ..FormThrottle::default()
    }
}

#[tokio::test]
async fn a_flood_of_refused_posts_from_one_ip_logs_only_a_few_of_them() {
    let mut app = TestApp::spawn_form(|c| c.settings.form_throttle = Some(limits(5, 0))).await;
    // One clock for the whole flood: it cannot straddle two IP windows.
    app.store = app.store.clone().with_clock(Clock::at(chrono::Utc::now()));
    let before = items(&app).await;
    let mut statuses = Vec::new();

    for _ in 0..20 {
        let junk = FormRequest::raw("text/plain", &[b'x'; 16 * 1024]).from_ip("203.0.113.9");
        statuses.push(app.send_form(junk).await.status);
    }

    assert!(
        statuses.iter().all(|s| [415, 429].contains(s)),
        "{statuses:?}"
    );
    assert!(statuses.contains(&429), "{statuses:?}");
    let log = app.import_log().await;
    assert_eq!(log.len(), rules::LOGGED_REFUSALS as usize, "{log:?}");
    let written: Vec<_> = changed(&before, items(&app).await)
        .into_iter()
        .filter_map(|item| item["sk"].as_str().map(str::to_owned))
        .filter(|sk| !sk.starts_with("CONNECTOR#"))
        .collect();
    assert_eq!(
        written.len(),
        2 * rules::LOGGED_REFUSALS as usize,
        "an entry and its payload per logged refusal: {written:?}"
    );
}

#[tokio::test]
async fn an_ip_over_its_limit_is_answered_429_before_its_body_is_looked_at() {
    let app = TestApp::spawn_form(|c| c.settings.form_throttle = Some(limits(2, 0))).await;
    let ip = "203.0.113.10";
    exhaust(&app.store, &rules::ip(app.form_connector(), ip)).await;

    let oversized = format!("name=Pat&notes={}", "a".repeat(70 * 1024));
    let answer = app
        .send_form(FormRequest::raw(URLENCODED, oversized.as_bytes()).from_ip(ip))
        .await;

    assert_eq!(answer.status, 429, "{}", answer.text);
    let failed = app.failed_imports().await;
    assert_eq!(failed.len(), 1);
    assert!(failed[0].reason.as_deref().unwrap().contains("IP address"));
}

#[tokio::test]
async fn posting_someones_address_in_junk_does_not_lock_them_out() {
    let app = TestApp::spawn_form(|c| c.settings.form_throttle = Some(limits(0, 2))).await;
    let victim = "victim@example.com";

    for n in 0..5 {
        // No name: not a lead, so not counted against the address.
        let junk = FormRequest::json(&json!({"email": victim, "notes": "junk"}))
            .from_ip(&format!("192.0.2.{n}"));
        assert_eq!(app.send_form(junk).await.status, 422);
    }
    let once = json!({"name": "Vic", "email": victim, "submission_id": "v-1"});
    let first = app.send_form(FormRequest::json(&once)).await;
    let again = app.send_form(FormRequest::json(&once)).await;
    let second = app
        .send_form(FormRequest::json(
            &json!({"name": "Vic", "email": victim, "notes": "second request"}),
        ))
        .await;
    let third = app
        .send_form(FormRequest::json(
            &json!({"name": "Vic", "email": victim, "notes": "third request"}),
        ))
        .await;

    assert_eq!(first.status, 201, "{}", first.text);
    assert_eq!(again.status, 200, "a replay is not counted: {}", again.text);
    assert_eq!(second.status, 201, "{}", second.text);
    assert_eq!(third.status, 429, "two leads an hour: {}", third.text);
    assert_eq!(app.leads().await.len(), 2);
}

#[tokio::test]
async fn a_form_answer_carries_only_its_status_and_import_id() {
    let app = TestApp::spawn_form(|c| c.assigned_rep = Some("rep@example.com".into())).await;
    let lead = json!({"name": "Pat", "email": "pat@example.com", "submission_id": "s-1"});
    let bot = json!({"name": "Bot", "email": "pat@example.com", "_hp": "filled"});

    let imported = app.send_form(FormRequest::json(&lead)).await;
    let replayed = app.send_form(FormRequest::json(&lead)).await;
    let honeypot = app.send_form(FormRequest::json(&bot)).await;

    for (answer, status, code) in [
        (&imported, "imported", 201),
        (&replayed, "replayed", 200),
        (&honeypot, "imported", 201),
    ] {
        assert_eq!(answer.status, code, "{}", answer.text);
        let body = answer.json();
        let keys: Vec<_> = body.as_object().unwrap().keys().cloned().collect();
        assert_eq!(keys, ["import_id", "status"], "{body}");
        assert_eq!(body["status"], status);
        assert!(!answer.text.contains("rep@example.com"));
    }
    let log = app.import_log().await;
    let logged: Vec<_> = log.iter().map(|e| e.id.to_string()).collect();
    for answer in [&imported, &replayed, &honeypot] {
        let id = answer.json()["import_id"].as_str().unwrap().to_owned();
        assert!(logged.contains(&id), "{id} is in the log");
    }
    assert_eq!(log[0].status, ImportStatus::Ignored, "the honeypot's");
}
