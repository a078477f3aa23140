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

#[tokio::test]
async fn every_admin_api_event_gets_the_status_its_name_promises() {
    let app = TestApp::demo().await;
    app.seed_admin_samples().await;
    let files = event_files("admin-api");
    assert!(files.len() >= 17, "one sample per admin route at least");

    for path in files {
        let event = std::fs::read_to_string(&path).unwrap();
        let request = lambda_http::request::from_str(&event)
            .unwrap_or_else(|e| panic!("{} is not an HTTP API event: {e}", name(&path)));

        let response = TestResponse::from_lambda(app.dispatch("admin-api", request).await);

        assert_eq!(
            response.status,
            expected_status(&path),
            "{}: {}",
            name(&path),
            response.text
        );
    }
}
