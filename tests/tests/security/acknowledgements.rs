//! Acknowledgements cannot be turned into a spam cannon (issue 16): a workspace sends at
//! most its hourly cap of them, and none repeats a link a lead typed.

use e2e::followups::{batch, sent_mail};
use e2e::{lead_body, TestApp};
use shared::clock::Clock;
use shared::domain::{FollowUpKind, FollowUpStatus};

/// Strangers' addresses no other test uses.
fn victims(count: usize) -> Vec<String> {
    let run = shared::domain::new_id().to_lowercase();
    (0..count)
        .map(|n| format!("victim{n}-{run}@example.net"))
        .collect()
}

#[tokio::test]
async fn acknowledgements_stop_at_the_workspaces_hourly_cap() {
    let (app, _rep) = TestApp::spawn_with_speed_to_lead().await;
    app.configure(|s| {
        s.acknowledge_leads = true;
        s.acknowledgements_per_hour = 2;
    })
    .await;
    let addresses = victims(4);
    let mut stream = app.stream().await;
    let mut leads = Vec::new();
    for address in &addresses {
        let mut body = lead_body("unused");
        body["customer_email"] = address.clone().into();
        body.as_object_mut().unwrap().remove("customer_phone");
        leads.push(app.new_lead(body).await);
    }
    // One clock for the whole burst: it cannot straddle the hour.
    let mut deps = app.speed_deps();
    deps.followups.store = app.store.clone().with_clock(Clock::at(chrono::Utc::now()));

    speed_to_lead::handle(&deps, batch(stream.records().await)).await;

    let mail = sent_mail(app.endpoint()).await;
    let acknowledged = addresses
        .iter()
        .filter(|a| mail.iter().any(|m| m.to.contains(a)))
        .count();
    assert_eq!(acknowledged, 2);
    let mut skipped = 0;
    for lead in &leads {
        let timeline = app.lead(lead).await.followups;
        let ack = timeline
            .iter()
            .find(|f| f.kind == FollowUpKind::Acknowledgement)
            .expect("an acknowledgement entry");
        if ack.status == FollowUpStatus::Skipped {
            assert!(ack.reason.as_deref().unwrap().contains("hourly cap"));
            skipped += 1;
        }
    }
    assert_eq!(skipped, 2);
}

#[tokio::test]
async fn an_acknowledgement_carries_no_link_the_lead_typed() {
    let (app, _rep) = TestApp::spawn_with_speed_to_lead().await;
    let customer = app.acknowledging_leads().await;
    let mut body = lead_body("unused");
    body["customer_name"] = "Win big https://spam.example/prize www.spam.example".into();
    body["customer_email"] = customer.clone().into();
    body["service_interest"] = "visit spam.example today".into();

    let (_, records) = app.new_lead_on_stream(body).await;
    app.speed_to_lead(batch(records)).await;

    let acknowledgement = app.mail_to(&customer).await;
    assert_eq!(acknowledgement.len(), 1);
    let mail = &acknowledgement[0];
    assert!(mail.body.contains("Win big"), "{}", mail.body);
    for link in ["spam.example", "http", "www"] {
        assert!(!mail.body.contains(link), "{link} in {}", mail.body);
        assert!(!mail.subject.contains(link), "{link} in {}", mail.subject);
    }
}
