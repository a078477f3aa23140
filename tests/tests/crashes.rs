//! Lambda stops a handler at its timeout or on a crash, between any two writes, and the
//! event comes again: a client's retry with the same `Idempotency-Key`, SES's retry of
//! its invocation, the queue's redelivery, an admin approving again. For every `k`, the
//! handler is stopped after its `k`-th write (`e2e::crash`), the clock moved past every
//! lock, and the event delivered again: exactly one lead and one settled import entry,
//! every time.

use chrono::{Duration, Utc};
use e2e::crash::Crash;
use e2e::email::LABELLED_LEAD;
use e2e::reviews::doubtful_candidate;
use e2e::{TestApp, TestResponse};
use serde_json::json;
use shared::clock::Clock;
use shared::domain::ImportStatus;
use shared::inbound::timing;

/// A handler has at most this many writes; the loops stop at the first run that ends.
const MOST_WRITES: usize = 8;

/// One lead, and one import entry, `imported`, naming it.
async fn one_lead_one_entry(app: &TestApp, k: usize) -> shared::domain::Lead {
    let leads = app.leads().await;
    assert_eq!(leads.len(), 1, "crash after write {k}: {leads:?}");
    let log = app.import_log().await;
    assert_eq!(log.len(), 1, "crash after write {k}: {log:?}");
    assert_eq!(
        log[0].status,
        ImportStatus::Imported,
        "crash after write {k}"
    );
    assert_eq!(log[0].lead_id.as_ref(), Some(&leads[0].id));
    leads.into_iter().next().expect("a lead")
}

fn clock() -> Clock {
    Clock::at(Utc::now())
}

/// A workspace with an email connector, its email door, and a new SES message id with
/// SES's event for it.
async fn email_app() -> (TestApp, email_inbound::Deps, String, serde_json::Value) {
    let mut app = TestApp::spawn().await;
    app.with_email_connector(|_| {}).await;
    let deps = app.email_deps(3).await;
    let id = shared::domain::new_id().to_lowercase();
    let event = local::email::ses_event(&id, &app.inbound_address(), "PASS", "PASS");
    (app, deps, id, event)
}

#[tokio::test]
async fn an_api_lead_with_an_idempotency_key_is_made_once_whichever_write_it_stops_after() {
    for k in 0..MOST_WRITES {
        let app = TestApp::spawn().await;
        let clock = clock();
        let mut body = json!({"customer_name": "Pat Crash", "customer_phone": "(717) 555-0123"});
        body["connector_key"] = app.connector_key().into();
        let authorization = format!("Bearer {}", app.seeded.api_key);
        let headers = [
            ("authorization", authorization.as_str()),
            ("content-type", "application/json"),
            ("idempotency-key", "crash-key"),
        ];
        let post = |store: shared::store::Store| {
            let request = TestApp::lead_request(&headers, body.to_string().as_bytes());
            async move {
                let deps = api_intake::ApiIntake { store };
                TestResponse::from_lambda(shared::http::answer(&deps, request).await)
            }
        };

        let crash = Crash::after(k);
        let run = crash.run(post(app.store_through(&crash, &clock))).await;
        if let Some(first) = run {
            assert_eq!(first.status, 201, "{}", first.text);
            assert!(k > 0, "a lead takes a write");
            println!(
                "an API lead with an Idempotency-Key writes {:?}",
                crash.writes()
            );
            return;
        }
        let at_once = post(app.store_through(&Crash::never(), &clock)).await;
        clock.advance(Duration::seconds(shared::idempotency::LOCK_SECONDS + 1));
        let retried = post(app.store_through(&Crash::never(), &clock)).await;
        let again = post(app.store_through(&Crash::never(), &clock)).await;

        if k > 0 {
            assert_eq!(
                at_once.status, 409,
                "k={k}: the key is held: {}",
                at_once.text
            );
        }
        assert_eq!(retried.status, 201, "k={k}: {}", retried.text);
        assert_eq!(again.status, 201, "k={k}: {}", again.text);
        assert_eq!(again.header("idempotent-replayed"), Some("true"));
        let lead = one_lead_one_entry(&app, k).await;
        assert_eq!(retried.json()["lead_id"], lead.id.as_str());
        assert_eq!(
            again.json(),
            retried.json(),
            "the replay answers as the first time"
        );
    }
    panic!("the handler never finished within {MOST_WRITES} writes");
}

#[tokio::test]
async fn an_email_from_ses_makes_one_lead_whichever_write_it_stops_after() {
    for k in 0..MOST_WRITES {
        let (app, deps, id, event) = email_app().await;
        let clock = clock();
        app.store_raw_email(&deps, &id, LABELLED_LEAD).await;

        let crash = Crash::after(k);
        let through = app.email_deps_through(&deps, &crash, &clock);
        if let Some(first) = crash
            .run(email_inbound::handle(&through, event.clone()))
            .await
        {
            assert!(first.is_ok(), "{first:?}");
            assert!(k > 0, "a lead takes a write");
            println!("an email from SES writes {:?}", crash.writes());
            return;
        }
        // SES's invocation is retried by Lambda, first after about a minute. Sooner, the
        // message is still held: the delivery fails so that it comes again.
        let healthy = app.email_deps_through(&deps, &Crash::never(), &clock);
        let at_once = email_inbound::handle(&healthy, event.clone()).await;
        clock.advance(Duration::seconds(timing::ASYNC_RETRY_DELAY_SECONDS));
        let retried = email_inbound::handle(&healthy, event.clone()).await;
        let again = email_inbound::handle(&healthy, event).await;

        let status = |handled: &Result<email_inbound::Handled, _>| match handled {
            Ok(email_inbound::Handled::Ses(outcomes)) => outcomes[0].status,
            other => panic!("an SES outcome, not {other:?}"),
        };
        if k == 0 {
            assert_eq!(status(&at_once), "imported", "nothing was held");
            assert_eq!(status(&retried), "duplicate");
        } else {
            assert!(
                at_once.is_err(),
                "k={k}: a held message is retried: {at_once:?}"
            );
            assert_eq!(status(&retried), "imported", "k={k}");
        }
        assert_eq!(status(&again), "duplicate", "k={k}");
        one_lead_one_entry(&app, k).await;
    }
    panic!("the handler never finished within {MOST_WRITES} writes");
}

#[tokio::test]
async fn an_email_whose_body_lands_late_makes_one_lead_whichever_write_it_stops_after() {
    for k in 0..MOST_WRITES {
        let (app, deps, id, event) = email_app().await;
        let clock = clock();

        let crash = Crash::after(k);
        let through = app.email_deps_through(&deps, &crash, &clock);
        let first = crash
            .run(email_inbound::handle(&through, event.clone()))
            .await;
        app.store_raw_email(&deps, &id, LABELLED_LEAD).await;
        let healthy = app.email_deps_through(&deps, &Crash::never(), &clock);
        if first.is_some() {
            assert!(k > 0, "waiting takes a write");
            println!("an email waiting for its body writes {:?}", crash.writes());
            e2e::email::deliver_until_empty(&healthy).await;
            one_lead_one_entry(&app, k).await;
            return;
        }
        // Every redelivery there may be: SES's retry a minute later, and the body retry
        // if it was queued before the stop (it comes after the lock has lapsed).
        clock.advance(Duration::seconds(timing::ASYNC_RETRY_DELAY_SECONDS));
        email_inbound::handle(&healthy, event)
            .await
            .expect("SES's retry is handled");
        e2e::email::deliver_until_empty(&healthy).await;

        one_lead_one_entry(&app, k).await;
    }
    panic!("the handler never finished within {MOST_WRITES} writes");
}

#[tokio::test]
async fn a_review_approval_makes_one_lead_whichever_write_it_stops_after() {
    for k in 0..MOST_WRITES {
        let mut app = TestApp::spawn().await;
        app.with_email_connector(|c| c.review_threshold = Some(0.7))
            .await;
        let (import_id, review_id) = app.hold_review(doubtful_candidate("crash-review")).await;
        let clock = clock();
        let path = format!("/admin/reviews/{review_id}/approve");
        let approve = |store| {
            let request = app.admin_request("POST", &path, None);
            async move {
                let deps = review_actions::ReviewActions { store };
                TestResponse::from_lambda(shared::http::answer(&deps, request).await)
            }
        };

        let crash = Crash::after(k);
        let first = crash.run(approve(app.store_through(&crash, &clock))).await;
        let finished = first.is_some();
        let again = approve(app.store_through(&Crash::never(), &clock)).await;

        if let Some(first) = first {
            assert_eq!(first.status, 201, "{}", first.text);
            assert_eq!(again.status, 409, "a decision is final: {}", again.text);
        } else {
            assert_eq!(
                again.status, 201,
                "k={k}: approving again completes it: {}",
                again.text
            );
        }
        let lead = app.leads().await;
        assert_eq!(lead.len(), 1, "k={k}");
        let log = app.import_log().await;
        assert_eq!(log.len(), 1, "k={k}: the held entry is the lead's: {log:?}");
        assert_eq!(log[0].id, import_id.as_str());
        assert_eq!(log[0].status, ImportStatus::Imported);
        assert_eq!(log[0].lead_id.as_ref(), Some(&lead[0].id));
        let review_id = shared::domain::ReviewId::from(review_id.as_str());
        let review = app.store.review(app.workspace_id(), &review_id);
        let review = review.await.unwrap().unwrap();
        assert_eq!(review.lead_id.as_ref(), Some(&lead[0].id));
        if finished {
            println!("an approval writes {:?}", crash.writes());
            return;
        }
    }
    panic!("the handler never finished within {MOST_WRITES} writes");
}
