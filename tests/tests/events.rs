//! Every file in `events/` (the inputs of `sam local invoke -e` and
//! `cargo lambda invoke --data-file`) through its function's handler, against the
//! demo workspace those files were written for. A file's name starts with the status
//! it must produce: `events/api-intake/201-lead-created.json`.

use e2e::{TestApp, TestResponse};
use std::path::{Path, PathBuf};

fn event_files(function: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../events")
        .join(function);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    // Creations first, so that a replay has something to replay.
    files.sort_by_key(|path| (!name(path).starts_with("201"), name(path)));
    files
}

fn name(path: &Path) -> String {
    path.file_name().unwrap().to_string_lossy().into_owned()
}

fn expected_status(path: &Path) -> u16 {
    name(path)[..3]
        .parse()
        .unwrap_or_else(|_| panic!("{} must start with a status code", name(path)))
}

#[tokio::test]
async fn every_api_intake_event_gets_the_status_its_name_promises() {
    let app = TestApp::demo().await;
    let deps = app.api_deps();

    check_events("api-intake", 4, |request| {
        shared::http::answer(&deps, request)
    })
    .await;
}

/// Every file of `events/<function>/` through `handle`, checked against its name.
async fn check_events<F, Fut>(function: &str, at_least: usize, handle: F)
where
    F: Fn(lambda_http::Request) -> Fut,
    Fut: std::future::Future<Output = lambda_http::Response<lambda_http::Body>>,
{
    let files = event_files(function);
    assert!(files.len() >= at_least, "events/{function} has its samples");
    for path in files {
        let event = std::fs::read_to_string(&path).unwrap();
        let request = lambda_http::request::from_str(&event)
            .unwrap_or_else(|e| panic!("{} is not an HTTP API event: {e}", name(&path)));

        let response = TestResponse::from_lambda(handle(request).await);

        assert_eq!(
            response.status,
            expected_status(&path),
            "{function}/{}: {}",
            name(&path),
            response.text
        );
    }
}

#[tokio::test]
async fn every_meta_webhook_event_gets_the_status_its_name_promises() {
    let app = TestApp::demo().await;
    // The signed sample leadgen event's lead, as the Graph API would serve it.
    let graph = local::graph::GraphLeads::default();
    graph.register(local::graph::sample_lead()).unwrap();
    let graph_base = local::graph::spawn(graph).await.unwrap();
    let secret = app.resources().meta_secret.clone();
    let deps = e2e::webhooks::meta_deps(&app, &secret, &graph_base);

    check_events("meta-webhook", 3, |request| {
        shared::http::answer(&deps, request)
    })
    .await;

    let leads = app.leads().await;
    let sample = Some(local::seed::SAMPLE_META_LEADGEN_ID);
    assert!(leads
        .iter()
        .any(|lead| lead.external_id.as_deref() == sample));
}

#[tokio::test]
async fn every_google_webhook_event_gets_the_status_its_name_promises() {
    let app = TestApp::demo().await;
    let deps = google_webhook::GoogleWebhook {
        store: app.store_of("google-webhook"),
    };

    check_events("google-webhook", 3, |request| {
        shared::http::answer(&deps, request)
    })
    .await;

    let leads = app.leads().await;
    let sample = Some("Cj0KCQiA-sample-lead-0001");
    assert!(leads
        .iter()
        .any(|lead| lead.external_id.as_deref() == sample));
}

#[tokio::test]
async fn every_vendor_webhook_event_gets_the_status_its_name_promises() {
    let app = TestApp::demo().await;
    let deps = vendor_webhook::VendorWebhook {
        store: app.store.clone(),
    };

    check_events("vendor-webhook", 5, |request| {
        shared::http::answer(&deps, request)
    })
    .await;

    let leads = app.leads().await;
    for sample in ["sample-typeform-response-0001", "5990000000000000001"] {
        assert!(
            leads
                .iter()
                .any(|lead| lead.external_id.as_deref() == Some(sample)),
            "{sample}"
        );
    }
}

/// `events/email-inbound/<outcome>-<case>.json`: SES receipts and retry-queue batches,
/// with the raw message SES would have stored (`sample-lead.eml`) put in the bucket.
#[tokio::test]
async fn every_email_inbound_event_has_the_outcome_its_name_promises() {
    let app = TestApp::demo().await;
    let deps = app.email_deps(3).await;
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../events/email-inbound");
    let raw = std::fs::read_to_string(dir.join("sample-lead.eml")).unwrap();
    for (message_id, n) in [
        ("sample-ses-message-0001", "0001"),
        ("sample-ses-message-0003", "0003"),
        ("sample-ses-message-0004", "0004"),
    ] {
        let raw = raw.replace("fwd-0001", &format!("fwd-{n}"));
        app.store_raw_email(&deps, message_id, &raw).await;
    }
    // The retry event is for a message whose first delivery found no body yet.
    let waiting = app
        .deliver_ses(
            &deps,
            "sample-ses-message-0002",
            &app.inbound_address(),
            "PASS",
        )
        .await;
    assert_eq!(waiting.status, "waiting_for_body");
    app.store_raw_email(
        &deps,
        "sample-ses-message-0002",
        &raw.replace("fwd-0001", "fwd-0002"),
    )
    .await;

    let files = event_files("email-inbound");
    assert_eq!(files.len(), 4, "events/email-inbound has its samples");
    for path in files {
        let event: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let expected = name(&path).split('-').next().unwrap().to_owned();

        let handled = email_inbound::handle(&deps, event).await.unwrap();

        match handled {
            email_inbound::Handled::Ses(outcomes) => {
                assert_eq!(
                    outcomes[0].status,
                    expected,
                    "{}: {outcomes:?}",
                    name(&path)
                )
            }
            email_inbound::Handled::Sqs(response) => {
                assert!(response.batch_item_failures.is_empty(), "{}", name(&path))
            }
        }
    }
    let from_email: Vec<_> = app
        .leads()
        .await
        .into_iter()
        // The demo workspace is shared with the other event tests: only these messages.
        .filter(|lead| lead.source == "email_forward")
        .filter(|lead| {
            lead.external_id
                .as_deref()
                .is_some_and(|id| id.contains("fwd-000"))
        })
        .map(|lead| lead.customer_name)
        .collect();
    assert_eq!(
        from_email,
        ["Kathy Kline", "Kathy Kline", "Kathy Kline"],
        "the receipt, the retry and the failed delivery each made a lead"
    );
}

#[tokio::test]
async fn every_form_intake_event_gets_the_status_its_name_promises() {
    let app = TestApp::demo().await;
    let files = event_files("form-intake");
    assert!(files.len() >= 4, "events/form-intake has its samples");
    let form = app
        .seeded
        .connector(shared::domain::Provider::WebsiteForm)
        .expect("the demo website form");
    // The throttled sample's sender has used up this hour (and the next) already.
    let repeat = shared::domain::Email::parse("repeat@example.com").unwrap();
    e2e::forms::exhaust(&app.store, &shared::forms::rules::email(form, &repeat)).await;

    for path in files {
        let event = std::fs::read_to_string(&path).unwrap();
        let request = lambda_http::request::from_str(&event)
            .unwrap_or_else(|e| panic!("{} is not an HTTP API event: {e}", name(&path)));

        let response =
            TestResponse::from_lambda(shared::http::answer(&app.form_deps(), request).await);

        assert_eq!(
            response.status,
            expected_status(&path),
            "{}: {}",
            name(&path),
            response.text
        );
        let location = response.header("location").unwrap_or_default();
        assert!(
            !location.contains("lead_status=error"),
            "{}: {location}",
            name(&path)
        );
    }
}

/// Stream records have no status: a file named `…-ignored` must send nothing, any
/// other one mail about its lead; neither is ever retried. A digest-queue batch is
/// handled and never retried.
#[tokio::test]
async fn every_speed_to_lead_event_sends_what_its_name_promises() {
    use e2e::followups::{retried, sent_mail};
    let app = TestApp::spawn().await;
    let files = event_files("speed-to-lead");
    assert!(files.len() >= 2, "events/speed-to-lead has its samples");

    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        let value: serde_json::Value = serde_json::from_str(&text).unwrap();
        if value["Records"][0]["eventSource"] == "aws:sqs" {
            // A review digest due for its window: handled, never retried.
            let handled = speed_to_lead::handle_any(&app.speed_deps(), value).await;
            let Ok(speed_to_lead::Handled::Queue(response)) = handled else {
                panic!("{}: a queue batch, not {handled:?}", name(&path));
            };
            assert!(response.batch_item_failures.is_empty(), "{}", name(&path));
            continue;
        }
        let event: aws_lambda_events::event::dynamodb::Event = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("{} is not a DynamoDB stream event: {e}", name(&path)));
        let lead_name = event.records[0]
            .change
            .new_image
            .get("customer_name")
            .cloned();
        let about_lead = |mail: &e2e::followups::Mail| {
            lead_name.as_ref().is_some_and(
                |n| matches!(n, serde_dynamo::AttributeValue::S(n) if mail.subject.contains(n)),
            )
        };
        let before = sent_mail(app.endpoint())
            .await
            .iter()
            .filter(|m| about_lead(m))
            .count();

        let response = app.speed_to_lead(event.clone()).await;

        let after = sent_mail(app.endpoint())
            .await
            .iter()
            .filter(|m| about_lead(m))
            .count();
        let expected = usize::from(!name(&path).contains("ignored"));
        assert!(retried(&response).is_empty(), "{}", name(&path));
        assert_eq!(after - before, expected, "{}: mail sent", name(&path));
    }
}

#[tokio::test]
async fn every_admin_api_event_gets_the_status_its_name_promises() {
    let app = TestApp::demo().await;
    app.seed_admin_samples().await;

    check_events("admin-api", 17, |request| {
        app.dispatch("admin-api", request)
    })
    .await;
}

#[tokio::test]
async fn every_review_actions_event_gets_the_status_its_name_promises() {
    let app = TestApp::demo().await;
    app.seed_review_samples().await;

    check_events("review-actions", 5, |request| {
        app.dispatch("review-actions", request)
    })
    .await;
}

/// The forwarder's samples (a new lead on the stream, an attempt message) and the bulk
/// importer's (an upload's S3 event, a chunk message), for a workspace with no
/// destination and no such import: each is taken, and none is asked for again.
#[tokio::test]
async fn every_forwarder_and_bulk_import_event_is_taken_without_a_retry() {
    let app = TestApp::spawn().await;
    let forwarder = local::forwarder_deps(&app.config, &app.store, app.resources()).unwrap();
    let files = event_files("forwarder");
    assert!(files.len() >= 2, "events/forwarder has its samples");
    for path in files {
        let event = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let retried = match forwarder::handle(&forwarder, event).await {
            Ok(forwarder::Handled::Stream(response)) => response.batch_item_failures.len(),
            Ok(forwarder::Handled::Queue(response)) => response.batch_item_failures.len(),
            Err(err) => panic!("{}: {err}", name(&path)),
        };
        assert_eq!(retried, 0, "{}", name(&path));
    }
    let bulk = local::bulk_deps(&app.config, &app.store, app.resources());
    let files = event_files("bulk-import");
    assert!(files.len() >= 2, "events/bulk-import has its samples");
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        let event = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("{} is not an SQS event: {e}", name(&path)));
        let budget = std::time::Duration::from_secs(60);
        let response = bulk_import::handle(&bulk, event, budget).await;
        assert!(response.batch_item_failures.is_empty(), "{}", name(&path));
    }
}

#[tokio::test]
async fn every_meta_connect_event_gets_the_status_its_name_promises() {
    let app = TestApp::demo().await;
    let deps = app.meta_connect_deps(e2e::webhooks::NO_GRAPH);

    check_events("meta-connect", 4, |request| {
        shared::http::answer(&deps, request)
    })
    .await;
}

/// The token-health function takes any payload: its sample is what EventBridge
/// Scheduler sends (`sam local invoke -e`); the check itself is in `meta_connect.rs`.
#[test]
fn the_meta_token_health_sample_is_a_scheduler_event() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../events/meta-token-health");
    let event = std::fs::read_to_string(dir.join("scheduled.json")).unwrap();
    let event: serde_json::Value = serde_json::from_str(&event).unwrap();
    assert_eq!(event["source"], "aws.scheduler");
    assert_eq!(event["detail-type"], "Scheduled Event");
}
