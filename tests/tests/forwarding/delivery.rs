//! A new lead reaches each destination once, signed as the README says.

use e2e::forwarding::Receiver;
use e2e::{lead_body, TestApp};
use serde_json::{json, Value};
use shared::forwarding::Reach;
use std::io::Write;
use std::process::{Command, Stdio};

/// The README's verification recipe (the Python block with `def verify(`), run on
/// what a receiver got.
fn readme_verifies(secret: &str, header: &str, body: &str) -> bool {
    let readme = include_str!("../../../README.md");
    let recipe = readme
        .split("```python")
        .skip(1)
        .filter_map(|block| block.split("```").next())
        .find(|block| block.contains("def verify("))
        .expect("README.md has the verification recipe");
    let program = format!(
        "{recipe}\nimport json, sys\nd = json.load(sys.stdin)\n\
         print(verify(d['secret'], d['header'], d['body'].encode()))\n"
    );
    let python = std::env::var("MOTO_PYTHON").unwrap_or_else(|_| "python3".to_owned());
    let mut child = Command::new(python)
        .args(["-c", &program])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("python3 runs");
    let input = json!({"secret": secret, "header": header, "body": body});
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.to_string().as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    String::from_utf8_lossy(&output.stdout).trim() == "True"
}

#[tokio::test]
async fn a_new_lead_is_posted_as_the_admin_api_shows_it_signed_as_the_readme_says() {
    let app = TestApp::spawn().await;
    let receiver = Receiver::answering(&[200]).await;
    let destination = app.add_destination(&receiver.url, json!({})).await;
    let secret = destination["signing_secret"].as_str().unwrap();
    let mut forwarding = app.forwarding(&[30], Reach::PublicAndLoopback).await;

    let lead_id = app.new_lead(lead_body("unused")).await;
    forwarding.settle().await;

    let received = receiver.received();
    assert_eq!(received.len(), 1, "one POST");
    let post = &received[0];
    let shown = app
        .admin_get(&format!("/admin/leads/{lead_id}"))
        .await
        .json();
    let sent: Value = serde_json::from_str(&post.body).unwrap();
    assert_eq!(
        sent, shown,
        "the body is the lead as GET /admin/leads/{{id}} shows it"
    );
    assert_eq!(post.header("content-type"), "application/json");
    let signature = post.header("x-lead-signature");
    assert!(
        readme_verifies(secret, signature, &post.body),
        "{signature}"
    );
    assert!(!readme_verifies("whsec_wrong", signature, &post.body));
    assert!(!readme_verifies(
        secret,
        signature,
        &post.body.replace("Pat", "Pam")
    ));

    let deliveries = forwarding.deliveries().await;
    assert_eq!(deliveries.len(), 1);
    assert_eq!(post.header("x-lead-delivery-id"), deliveries[0].id.as_str());
    let listed = app
        .admin_get(&format!(
            "/admin/destinations/{}/deliveries",
            destination["id"].as_str().unwrap()
        ))
        .await
        .json();
    let item = &listed["items"][0];
    assert_eq!(item["status"], "delivered");
    assert_eq!(item["lead_id"], lead_id.as_str());
    assert_eq!(item["attempts"][0]["status_code"], 200);
    assert!(item["attempts"][0]["excerpt"]
        .as_str()
        .unwrap()
        .contains("received"));
}

#[tokio::test]
async fn a_redelivered_stream_makes_one_delivery_per_lead_and_destination() {
    let app = TestApp::spawn().await;
    let (first, second) = (
        Receiver::answering(&[200]).await,
        Receiver::answering(&[200]).await,
    );
    app.add_destination(&first.url, json!({})).await;
    app.add_destination(&second.url, json!({})).await;
    let mut forwarding = app.forwarding(&[30], Reach::PublicAndLoopback).await;

    app.new_lead(lead_body("unused")).await;
    let records = forwarding.records().await;
    for _ in 0..3 {
        let event = e2e::followups::batch(records.clone());
        let response = forwarder::stream(&forwarding.deps, event).await;
        assert!(response.batch_item_failures.is_empty());
    }
    // The deliveries' own records, twice too: their first attempts are queued twice.
    let due = forwarding.records().await;
    for _ in 0..2 {
        forwarder::stream(&forwarding.deps, e2e::followups::batch(due.clone())).await;
    }
    forwarding.settle().await;

    assert_eq!(
        forwarding.deliveries().await.len(),
        2,
        "one per destination"
    );
    assert_eq!(first.received().len(), 1);
    assert_eq!(second.received().len(), 1);
}

#[tokio::test]
async fn only_active_destinations_of_the_leads_connector_get_it() {
    let app = TestApp::spawn().await;
    let (paused, other, all) = (
        Receiver::answering(&[200]).await,
        Receiver::answering(&[200]).await,
        Receiver::answering(&[200]).await,
    );
    app.add_destination(&paused.url, json!({"status": "paused"}))
        .await;
    let form = app
        .create_connector(json!({"display_name": "Form", "provider": "website_form"}))
        .await;
    app.add_destination(&other.url, json!({"connector_ids": [form["id"]]}))
        .await;
    let api = app.api_connector().id.to_string();
    app.add_destination(&all.url, json!({"connector_ids": [api]}))
        .await;
    let mut forwarding = app.forwarding(&[30], Reach::PublicAndLoopback).await;

    app.new_lead(lead_body("unused")).await;
    forwarding.settle().await;

    assert_eq!(paused.received().len(), 0, "paused");
    assert_eq!(other.received().len(), 0, "another connector's");
    assert_eq!(all.received().len(), 1);
}

#[tokio::test]
async fn a_rotated_secret_signs_beside_the_new_one_until_its_grace_ends() {
    let app = TestApp::spawn().await;
    let receiver = Receiver::answering(&[200]).await;
    let created = app.add_destination(&receiver.url, json!({})).await;
    let old = created["signing_secret"].as_str().unwrap().to_owned();
    let id = created["id"].as_str().unwrap();
    let rotated = app
        .admin(
            "POST",
            &format!("/admin/destinations/{id}/rotate-secret"),
            Some(json!({"grace_seconds": 3600})),
        )
        .await;
    assert_eq!(rotated.status, 200, "{}", rotated.text);
    let new = rotated.json()["signing_secret"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_ne!(new, old);
    assert!(rotated.json()["previous_secret_valid_until"].is_string());
    let shown = app
        .admin_get(&format!("/admin/destinations/{id}"))
        .await
        .json();
    assert!(shown.get("signing_secret").is_none(), "shown once");
    let mut forwarding = app.forwarding(&[30], Reach::PublicAndLoopback).await;

    app.new_lead(lead_body("unused")).await;
    forwarding.settle().await;
    forwarding.advance(3601);
    app.new_lead(lead_body("unused")).await;
    forwarding.settle().await;

    let received = receiver.received();
    assert_eq!(received.len(), 2);
    let (during, after) = (&received[0], &received[1]);
    let signed =
        |post: &e2e::forwarding::Received| post.header("x-lead-signature").matches("v1=").count();
    assert_eq!(signed(during), 2, "the new and the old secret");
    assert_eq!(signed(after), 1, "the grace period is over");
    let header = during.header("x-lead-signature");
    assert!(readme_verifies(&new, header, &during.body));
    assert!(readme_verifies(&old, header, &during.body));
}
