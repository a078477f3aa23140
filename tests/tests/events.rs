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

/// Stream records have no status: a file named `…-ignored` must send nothing, any
/// other one mail about its lead; neither is ever retried.
#[tokio::test]
async fn every_speed_to_lead_event_sends_what_its_name_promises() {
    use e2e::followups::{retried, sent_mail};
    let app = TestApp::spawn().await;
    let files = event_files("speed-to-lead");
    assert!(files.len() >= 2, "events/speed-to-lead has its samples");

    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
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
