//! Approving or rejecting a held parse: one decision wins, corrections are checked
//! first, and a paused connector makes the approval wait.

use e2e::email::golden;
use e2e::reviews::doubtful_candidate;
use e2e::{LeadContacts, TestApp};
use serde_json::json;
use shared::domain::{ImportStatus, LeadCandidate, Provider};

#[tokio::test]
async fn a_doubtful_email_waits_for_review_and_approval_creates_its_lead_once() {
    let app = TestApp::spawn_with_review_threshold(0.7).await;
    let deps = app.email_deps(3).await;
    let raw = golden("20_several_contacts_in_thread.eml");
    let held = app.receive_email(&deps, &raw).await;
    assert_eq!(held.status, "review_required");
    let review_id = held.review_id.unwrap();

    let queue = app.admin_get("/admin/reviews?status=pending").await.json();
    let approved = app.approve(&review_id).await;
    let again = app.approve(&review_id).await;
    let rejected_after = app.reject(&review_id).await;

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
    let entry = app.import_entry(held.import_id.as_deref().unwrap()).await;
    assert_eq!(entry["status"], "imported");
    assert_eq!(entry["lead_id"], lead_id);
    assert_eq!(entry["review_id"], review_id.as_str());
    let decided = app.admin_get("/admin/reviews?status=approved").await.json();
    assert_eq!(decided["items"][0]["lead_id"], lead_id);
    assert_eq!(
        app.admin_get("/admin/reviews?status=pending").await.json()["items"],
        json!([])
    );
}

#[tokio::test]
async fn a_rejected_review_stays_in_the_log_as_ignored_and_creates_nothing() {
    let app = TestApp::spawn_with_review_threshold(0.7).await;
    let (import_id, review_id) = app.hold_review(doubtful_candidate("rej-1")).await;

    let rejected = app.reject(&review_id).await;
    let approve_after = app.approve(&review_id).await;

    assert_eq!(rejected.status, 200, "{}", rejected.text);
    assert_eq!(rejected.json()["status"], "rejected");
    assert_eq!(approve_after.status, 409);
    assert!(app.leads().await.is_empty());
    let entry = app.import_entry(&import_id).await;
    assert_eq!(entry["status"], "ignored");
    assert_eq!(entry["reason"], "rejected in review");
    let ignored = app.admin_get("/admin/imports?status=ignored").await.json();
    assert_eq!(ignored["items"][0]["id"], import_id.as_str());
}

#[tokio::test]
async fn corrections_are_checked_before_the_decision_is_taken() {
    let app = TestApp::spawn_with_review_threshold(0.7).await;
    let unreachable = LeadCandidate {
        customer_phone: None,
        ..doubtful_candidate("fix-1")
    };
    let (_, review_id) = app.hold_review(unreachable).await;

    let as_is = app.approve(&review_id).await;
    let unknown = app
        .approve_with(&review_id, json!({"corrections": {"shoe_size": "9"}}))
        .await;
    let fixed = app
        .approve_with(
            &review_id,
            json!({"corrections": {"customer_phone": "(717) 555-0100", "notes": null}}),
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
    assert_eq!(lead.phone(), Some("+17175550100"));
    assert_eq!(lead.notes, None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_approve_and_reject_on_one_item_let_exactly_one_win() {
    let app = TestApp::spawn_with_review_threshold(0.7).await;
    let mut approvals_won = 0;
    for n in 0..4 {
        let (import_id, review_id) = app
            .hold_review(doubtful_candidate(&format!("race-{n}")))
            .await;

        let (approved, rejected) = tokio::join!(app.approve(&review_id), app.reject(&review_id));

        let entry = app.import_entry(&import_id).await;
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
    let app = TestApp::spawn_with_review_threshold(0.7).await;
    let (_, review_id) = app.hold_review(doubtful_candidate("twice-1")).await;

    let responses = app.approve_concurrently(&review_id, 5).await;

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

#[tokio::test]
async fn approval_waits_while_the_connector_is_paused() {
    let app = TestApp::spawn_with_review_threshold(0.7).await;
    let (import_id, review_id) = app.hold_review(doubtful_candidate("paused-1")).await;
    let connector = app.seeded.connector(Provider::EmailForward).unwrap();
    let connector = connector.id.clone();
    app.set_connector_status(&connector, "paused").await;

    let refused = app.approve(&review_id).await;
    app.set_connector_status(&connector, "active").await;
    let accepted = app.approve(&review_id).await;

    assert_eq!(refused.status, 409, "{}", refused.text);
    assert_eq!(accepted.status, 201, "{}", accepted.text);
    assert_eq!(app.import_entry(&import_id).await["status"], "imported");
    let statuses = app.import_statuses().await;
    assert_eq!(
        statuses
            .iter()
            .filter(|s| **s == ImportStatus::Imported)
            .count(),
        1,
        "the held entry is the lead's own: one lead, one entry"
    );
}

#[tokio::test]
async fn the_connectors_counters_follow_review_decisions() {
    let app = TestApp::spawn_with_review_threshold(0.7).await;
    let (_, approved) = app.hold_review(doubtful_candidate("count-1")).await;
    let (_, rejected) = app.hold_review(doubtful_candidate("count-2")).await;
    app.hold_review(doubtful_candidate("count-3")).await;
    let connector = app.seeded.connector(Provider::EmailForward).unwrap();
    let stats = format!("/admin/connectors/{}/stats", connector.id);
    app.count_deliveries().await;
    let held = app.admin_get(&stats).await.json();

    app.approve(&approved).await;
    app.reject(&rejected).await;
    app.count_deliveries().await;
    let decided = app.admin_get(&stats).await.json();

    assert_eq!(held["by_status"]["review_required"], 3, "{held}");
    assert_eq!(decided["by_status"]["review_required"], 1, "{decided}");
    assert_eq!(decided["by_status"]["imported"], 1, "{decided}");
    assert_eq!(decided["by_status"]["ignored"], 1, "{decided}");
    assert_eq!(decided["leads_received"], 1, "{decided}");
    assert_eq!(decided["deliveries"], 3, "{decided}");
}
