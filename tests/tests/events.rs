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
    let files = event_files("api-intake");
    assert!(files.len() >= 4, "events/api-intake has its samples");

    for path in files {
        let event = std::fs::read_to_string(&path).unwrap();
        let request = lambda_http::request::from_str(&event)
            .unwrap_or_else(|e| panic!("{} is not an HTTP API event: {e}", name(&path)));

        let response =
            TestResponse::from_lambda(api_intake::handle(&app.api_deps(), request).await);

        assert_eq!(
            response.status,
            expected_status(&path),
            "{}: {}",
            name(&path),
            response.text
        );
    }
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
    let secret = local::provision::Resources::default().meta_secret;
    let deps = e2e::webhooks::meta_deps(&app, &secret, &graph_base);

    check_events("meta-webhook", 3, |request| {
        meta_webhook::handle(&deps, request)
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
    let deps = google_webhook::Deps {
        store: app.store.clone(),
    };

    check_events("google-webhook", 3, |request| {
        google_webhook::handle(&deps, request)
    })
    .await;

    let leads = app.leads().await;
    let sample = Some("Cj0KCQiA-sample-lead-0001");
    assert!(leads
        .iter()
        .any(|lead| lead.external_id.as_deref() == sample));
}
