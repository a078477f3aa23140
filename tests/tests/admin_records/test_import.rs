//! Run Test Import: what a payload or an email would become, with nothing written.

use e2e::{lead_body, TestApp};
use serde_json::json;

fn golden(name: &str) -> String {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/tests/golden");
    std::fs::read_to_string(dir.join(name)).unwrap()
}

#[tokio::test]
async fn test_import_shows_the_lead_it_would_create_and_creates_nothing() {
    let app = TestApp::spawn().await;
    app.set_territory("17601", "east@example.com").await;
    let draft = app
        .create_connector(json!({
            "display_name": "Site", "provider": "website_form", "source_label": "homepage",
            "notes_prefix": "[Web]", "field_aliases": {"your-name": "customer_name", "msg": "notes"}
        }))
        .await;
    let payload = json!({"payload": {"your-name": "Pat Example", "email": "PAT@example.com",
                                     "zip": "17601-4444", "msg": "Roof leak", "budget": "5k"}});
    let before = app.item_count().await;

    let response = app
        .test_import(draft["id"].as_str().unwrap(), payload)
        .await;

    assert_eq!(response.status, 200, "{}", response.text);
    let body = response.json();
    assert_eq!(body["would"], "imported");
    assert_eq!(body["connector_status"], "draft");
    assert_eq!(body["source"], "homepage");
    assert_eq!(body["notes"], "[Web] Roof leak");
    assert_eq!(body["assigned_rep"], "east@example.com");
    assert_eq!(body["lead"]["customer_name"], "Pat Example");
    assert_eq!(body["lead"]["customer_email"], "pat@example.com");
    assert_eq!(body["lead"]["custom_fields"], json!({"budget": "5k"}));
    assert!(body["notices"][0].as_str().unwrap().contains("draft"));
    let after = app.item_count().await;
    assert_eq!(after, before, "a test import writes nothing");
    assert!(app.leads().await.is_empty());
}

#[tokio::test]
async fn test_import_tells_a_replay_and_a_failure_apart() {
    let app = TestApp::spawn().await;
    let earlier = app.post_lead(lead_body("known-1")).await.json();
    let api = app.api_connector().id.clone();

    let replay = app
        .test_import(&api, json!({"payload": lead_body("known-1")}))
        .await;
    let failure = app
        .test_import(&api, json!({"payload": {"customer_name": "", "zip": "??"}}))
        .await;
    let email = app
        .test_import(&api, json!({"raw_email": "From: a@b.c\r\n\r\nhi"}))
        .await;
    let nothing = app.test_import(&api, json!({})).await;

    assert_eq!(replay.json()["would"], "replayed");
    assert_eq!(replay.json()["existing_lead_id"], earlier["lead_id"]);
    assert_eq!(failure.json()["would"], "failed");
    let fields: Vec<_> = failure.json()["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(fields, ["customer_name", "customer_email", "zip"]);
    assert_eq!(email.status, 422);
    assert_eq!(nothing.status, 422);
    assert_eq!(app.leads().await.len(), 1);
    assert_eq!(app.import_log().await.len(), 1);
}

#[tokio::test]
async fn an_email_test_import_runs_the_parser_and_the_review_threshold() {
    let app = TestApp::spawn().await;
    let email = app
        .create_connector(
            json!({"display_name": "Inbox", "provider": "email_forward", "review_threshold": 0.7}),
        )
        .await;
    let inbox = email["id"].as_str().unwrap();
    let raw = |name| json!({"raw_email": golden(name)});

    let doubtful = app
        .test_import(inbox, raw("20_several_contacts_in_thread.eml"))
        .await;
    let clear = app
        .test_import(inbox, raw("18_label_above_value_seed_example.eml"))
        .await;

    assert_eq!(doubtful.status, 200, "{}", doubtful.text);
    let doubtful = doubtful.json();
    assert_eq!(doubtful["would"], "review_required");
    assert_eq!(
        doubtful["email"]["reasons"],
        json!(["several different contacts"])
    );
    assert_eq!(doubtful["lead"]["customer_name"], "Paul Grady");
    assert!(doubtful["reason"]
        .as_str()
        .unwrap()
        .contains("below the review threshold"));
    let clear = clear.json();
    assert_eq!(clear["would"], "imported", "{clear}");
    assert_eq!(clear["source"], "email_forward");
    assert!(clear["email"]["confidence"].as_f64().unwrap() >= 0.7);
    assert!(app.items("REVIEW#").await.is_empty());
    assert!(app.import_log().await.is_empty());
}
