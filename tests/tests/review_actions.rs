//! The review queue against moto: doubtful email parses wait for a person, and a
//! decision is single-use, however concurrent.

use e2e::reviews::doubtful_candidate;
use e2e::email::INBOUND_DOMAIN;
use e2e::{TestApp, TestResponse};
use serde_json::{json, Value};
use shared::domain::{ImportStatus, LeadCandidate};

async fn app() -> TestApp {
    let mut app = TestApp::spawn().await;
    app.with_email_connector(|c| c.review_threshold = Some(0.7))
        .await;
    app
}

fn approve(id: &str) -> String {
    format!("/admin/reviews/{id}/approve")
}

fn reject(id: &str) -> String {
    format!("/admin/reviews/{id}/reject")
}

async fn import_status(app: &TestApp, import_id: &str) -> Value {
    app.admin("GET", &format!("/admin/imports/{import_id}"), None)
        .await
        .json()
}

#[tokio::test]
async fn a_doubtful_email_waits_for_review_and_approval_creates_its_lead_once() {
    let app = app().await;
    let deps = app.email_deps(3).await;
    let raw = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../shared/tests/golden/20_several_contacts_in_thread.eml"),
    )
    .unwrap();
    app.store_raw_email(&deps, "review-msg-1", &raw).await;
    let to = format!("{}@{INBOUND_DOMAIN}", app.seeded.workspace.email_slug);
    let held = app.deliver_ses(&deps, "review-msg-1", &to, "PASS").await;
    assert_eq!(held.status, "review_required");
    let review_id = held.review_id.unwrap();

    let queue = app
        .admin("GET", "/admin/reviews?status=pending", None)
        .await
        .json();
    let approved = app.admin("POST", &approve(&review_id), None).await;
    let again = app.admin("POST", &approve(&review_id), None).await;
    let rejected_after = app.admin("POST", &reject(&review_id), None).await;

    let item = &queue["items"][0];
    assert_eq!(item["id"], review_id.as_str());
    assert_eq!(item["provider"], "email_forward");
    assert_eq!(item["reasons"], json!(["several different contacts"]));
    assert!(item["confidence"].as_f64().unwrap() < 0.7);
    assert!(item["sender"]
        .as_str()
        .unwrap()
        .contains("bob.miller@acmeroofing.com"));
    assert_eq!(
        item["subject"],
        "Fwd: two people asking about the same house"
    );
    assert!(item["preview"].as_str().unwrap().contains("Paul Grady"));
    assert_eq!(item["candidate"]["customer_name"], "Paul Grady");
    assert!(item["created_at"].is_string());
    assert_eq!(approved.status, 201, "{}", approved.text);
    let decision = approved.json();
    assert_eq!(decision["status"], "approved");
    let lead_id = decision["outcome"]["lead_id"].as_str().unwrap();
    assert_eq!(again.status, 409);
    assert_eq!(rejected_after.status, 409);
    let leads = app.leads().await;
    assert_eq!(leads.len(), 1);
    assert_eq!(leads[0].id, lead_id);
    assert_eq!(leads[0].source, "email_forward");
    let entry = import_status(&app, held.import_id.as_deref().unwrap()).await;
    assert_eq!(entry["status"], "imported");
    assert_eq!(entry["lead_id"], lead_id);
    assert_eq!(entry["review_id"], review_id.as_str());
    let decided = app
        .admin("GET", "/admin/reviews?status=approved", None)
        .await
        .json();
    assert_eq!(decided["items"][0]["lead_id"], lead_id);
    assert_eq!(
        app.admin("GET", "/admin/reviews?status=pending", None)
            .await
            .json()["items"],
        json!([])
    );
}

#[tokio::test]
async fn a_rejected_review_stays_in_the_log_as_ignored_and_creates_nothing() {
    let app = app().await;
    let (import_id, review_id) = app.hold_review(doubtful_candidate("rej-1")).await;

    let rejected = app.admin("POST", &reject(&review_id), None).await;
    let approve_after = app.admin("POST", &approve(&review_id), None).await;

    assert_eq!(rejected.status, 200, "{}", rejected.text);
    assert_eq!(rejected.json()["status"], "rejected");
    assert_eq!(approve_after.status, 409);
    assert!(app.leads().await.is_empty());
    let entry = import_status(&app, &import_id).await;
    assert_eq!(entry["status"], "ignored");
    assert_eq!(entry["reason"], "rejected in review");
    let ignored = app
        .admin("GET", "/admin/imports?status=ignored", None)
        .await
        .json();
    assert_eq!(ignored["items"][0]["id"], import_id.as_str());
}

#[tokio::test]
async fn corrections_are_checked_before_the_decision_is_taken() {
    let app = app().await;
    let unreachable = LeadCandidate {
        customer_phone: None,
        ..doubtful_candidate("fix-1")
    };
    let (_, review_id) = app.hold_review(unreachable).await;
    let path = approve(&review_id);

    let as_is = app.admin("POST", &path, None).await;
    let unknown = app
        .admin(
            "POST",
            &path,
            Some(json!({"corrections": {"shoe_size": "9"}})),
        )
        .await;
    let fixed = app
        .admin(
            "POST",
            &path,
            Some(json!({"corrections": {"customer_phone": "(717) 555-0100", "notes": null}})),
        )
        .await;

    assert_eq!(as_is.status, 422, "{}", as_is.text);
    assert_eq!(as_is.json()["errors"][0]["field"], "customer_email");
    assert_eq!(unknown.status, 422);
    assert_eq!(
        unknown.json()["errors"][0]["field"],
        "corrections.shoe_size"
    );
    assert_eq!(fixed.status, 201, "{}", fixed.text);
    let lead = &app.leads().await[0];
    assert_eq!(
        lead.customer_phone.as_ref().unwrap().as_ref(),
        "+17175550100"
    );
    assert_eq!(lead.notes, None);
}

async fn decide_concurrently(app: &TestApp, first: String, second: String) -> [TestResponse; 2] {
    let (a, b) = tokio::join!(
        app.admin("POST", &first, None),
        app.admin("POST", &second, None)
    );
    [a, b]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_approve_and_reject_on_one_item_let_exactly_one_win() {
    let app = app().await;
    let mut approvals_won = 0;
    for n in 0..4 {
        let (import_id, review_id) = app
            .hold_review(doubtful_candidate(&format!("race-{n}")))
            .await;

        let [approved, rejected] =
            decide_concurrently(&app, approve(&review_id), reject(&review_id)).await;

        let entry = import_status(&app, &import_id).await;
        match (approved.status, rejected.status) {
            (201, 409) => {
                approvals_won += 1;
                assert_eq!(entry["status"], "imported");
            }
            (409, 200) => assert_eq!(entry["status"], "ignored"),
            other => panic!(
                "one decision must win: {other:?} {} {}",
                approved.text, rejected.text
            ),
        }
    }
    assert_eq!(app.leads().await.len(), approvals_won);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_approvals_create_exactly_one_lead() {
    let app = app().await;
    let (_, review_id) = app.hold_review(doubtful_candidate("twice-1")).await;
    let path = approve(&review_id);

    let responses = futures_join(&app, &path, 5).await;

    let statuses: Vec<_> = responses.iter().map(|r| r.status).collect();
    assert_eq!(
        statuses.iter().filter(|s| **s == 201).count(),
        1,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 409).count(),
        4,
        "{statuses:?}"
    );
    assert_eq!(app.leads().await.len(), 1);
}

async fn futures_join(app: &TestApp, path: &str, n: usize) -> Vec<TestResponse> {
    let mut calls = tokio::task::JoinSet::new();
    for _ in 0..n {
        let deps = review_actions::ReviewActions {
            store: app.store.clone(),
        };
        let key = app.seeded.admin_key.clone();
        let path = path.to_owned();
        calls.spawn(async move {
            let request = local::gateway::HttpCall {
                route_key: "POST /admin/reviews/{id}/approve".into(),
                method: "POST".into(),
                path: path.clone(),
                headers: vec![("authorization".into(), format!("Bearer {key}"))],
                path_parameters: [("id".to_owned(), path.split('/').nth(3).unwrap().to_owned())]
                    .into(),
                ..Default::default()
            }
            .request()
            .unwrap();
            TestResponse::from_lambda(shared::http::answer(&deps, request).await)
        });
    }
    calls.join_all().await
}

#[tokio::test]
async fn the_queue_pages_filters_and_stays_inside_its_workspace() {
    let app = app().await;
    let other = TestApp::spawn().await;
    let mut held = Vec::new();
    for n in 0..3 {
        held.push(
            app.hold_review(doubtful_candidate(&format!("page-{n}")))
                .await
                .1,
        );
    }
    app.admin("POST", &reject(&held[0]), None).await;

    let first = app
        .admin("GET", "/admin/reviews?status=pending&limit=1", None)
        .await
        .json();
    let cursor = first["cursor"].as_str().unwrap();
    let second = app
        .admin(
            "GET",
            &format!("/admin/reviews?status=pending&limit=1&cursor={cursor}"),
            None,
        )
        .await
        .json();
    let all = app.admin("GET", "/admin/reviews", None).await.json();
    let bad = app.admin("GET", "/admin/reviews?status=maybe", None).await;

    assert_eq!(first["items"][0]["id"], held[2].as_str(), "newest first");
    assert_eq!(second["items"][0]["id"], held[1].as_str());
    assert_eq!(all["items"].as_array().unwrap().len(), 3);
    assert_eq!(bad.status, 400);
    assert_eq!(
        other.admin("POST", &approve(&held[1]), None).await.status,
        404
    );
    assert_eq!(
        other.admin("POST", &reject(&held[1]), None).await.status,
        404
    );
    assert_eq!(
        other.admin("GET", "/admin/reviews", None).await.json()["items"],
        json!([])
    );
    let leads_key = app.seeded.api_key.clone();
    let forbidden = app
        .admin_as(Some(&leads_key), "GET", "/admin/reviews", None)
        .await;
    let anonymous = app.admin_as(None, "POST", &approve(&held[1]), None).await;
    assert_eq!(forbidden.status, 403);
    assert_eq!(anonymous.status, 401);
    let still = app
        .admin("GET", "/admin/reviews?status=pending", None)
        .await
        .json();
    assert_eq!(still["items"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn approval_waits_while_the_connector_is_paused() {
    let app = app().await;
    let (import_id, review_id) = app.hold_review(doubtful_candidate("paused-1")).await;
    let connector = app
        .seeded
        .connector(shared::domain::Provider::EmailForward)
        .unwrap()
        .id
        .clone();
    let path = format!("/admin/connectors/{connector}");
    app.admin("PATCH", &path, Some(json!({"status": "paused"})))
        .await;

    let refused = app.admin("POST", &approve(&review_id), None).await;
    app.admin("PATCH", &path, Some(json!({"status": "active"})))
        .await;
    let accepted = app.admin("POST", &approve(&review_id), None).await;

    assert_eq!(refused.status, 409, "{}", refused.text);
    assert_eq!(accepted.status, 201, "{}", accepted.text);
    assert_eq!(import_status(&app, &import_id).await["status"], "imported");
    assert_eq!(
        app.import_log()
            .await
            .iter()
            .filter(|r| r.status == ImportStatus::Imported)
            .count(),
        2,
        "the held entry, settled, and the pipeline's own"
    );
}
