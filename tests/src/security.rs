//! Support for the security sweep (`tests/tests/security/`): answers as a client sees
//! them, refusals as the HTTP contract has them, a workspace with a door of every kind,
//! its stored items to compare before and after, and the functions' log lines to search
//! for secrets.

use crate::{TestApp, TestResponse};
use serde_json::Value;
use shared::domain::{Provider, Vendor};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::{Mutex, Once};

static LOGS: Mutex<Vec<u8>> = Mutex::new(Vec::new());

/// Where the functions' log lines go once [`capture_logs`] has run.
struct Capture;

impl std::io::Write for Capture {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        LOGS.lock()
            .expect("the log buffer")
            .extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// From now on in this test binary, captures the functions' log lines from the
/// subscriber they run with in Lambda.
pub fn capture_logs() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| shared::telemetry::init_with(|| Capture));
}

/// Every log line captured so far.
pub fn logs() -> String {
    String::from_utf8_lossy(&LOGS.lock().expect("the log buffer")).into_owned()
}

/// Neither `answers` nor any log line so far shows one of `secrets`.
pub fn assert_undisclosed<'a>(
    answers: impl IntoIterator<Item = &'a TestResponse>,
    secrets: &[String],
) {
    let (answers, logs): (Vec<_>, _) = (answers.into_iter().collect(), logs());
    for secret in secrets {
        for answer in &answers {
            assert!(
                !answer.text.contains(secret),
                "an answer shows {secret}: {answer:?}"
            );
        }
        assert!(!logs.contains(secret), "a log line shows {secret}");
    }
}

impl TestResponse {
    /// `status` with an RFC 9457 problem that says so.
    pub fn assert_refused(&self, status: u16, what: &str) {
        assert_eq!(self.status, status, "{what}: {}", self.text);
        let content_type = self.header("content-type");
        assert_eq!(content_type, Some("application/problem+json"), "{what}");
        let problem = self.json();
        let kind = problem["type"].as_str().unwrap_or_default();
        assert!(kind.starts_with("/problems/"), "{what}: {}", self.text);
        assert_eq!(problem["status"], status, "{what}");
        assert!(problem["title"].is_string() && problem["detail"].is_string());
    }
}

/// Posts `body` to the gateway at `base` as `content_type`, with `key` as the bearer
/// token, from an IP of its own (the form door throttles by IP).
pub async fn post(
    base: &str,
    path: &str,
    key: Option<&String>,
    content_type: &str,
    body: Vec<u8>,
) -> TestResponse {
    static NEXT_IP: AtomicU8 = AtomicU8::new(1);
    let ip = format!("198.51.100.{}", NEXT_IP.fetch_add(1, Ordering::Relaxed));
    let request = reqwest::Client::new()
        .post(format!("{base}{path}"))
        .header("content-type", content_type)
        .header("x-forwarded-for", ip);
    let request = match key {
        Some(key) => request.bearer_auth(key),
        None => request,
    };
    TestResponse::of(request.body(body)).await
}

/// Every item of the workspace's partition, by sort key.
pub async fn items(app: &TestApp) -> BTreeMap<String, Value> {
    let items = app.store.workspace_items(app.workspace_id()).await;
    items
        .expect("the workspace's items")
        .into_iter()
        .map(|item| serde_dynamo::from_item::<_, Value>(item).expect("an item"))
        .map(|item| (item["sk"].as_str().unwrap_or_default().to_owned(), item))
        .collect()
}

/// The items that are new or changed since `before`.
pub fn changed(before: &BTreeMap<String, Value>, after: BTreeMap<String, Value>) -> Vec<Value> {
    after
        .into_iter()
        .filter(|(sk, item)| before.get(sk) != Some(item))
        .map(|(_, item)| item)
        .collect()
}

impl TestApp {
    /// A workspace with a door of every kind: its API connector, and active website-form,
    /// Google Ads and email-forward connectors.
    pub async fn spawn_every_door() -> Self {
        let mut app = TestApp::spawn().await;
        for provider in [
            Provider::WebsiteForm,
            Provider::GoogleAds,
            Provider::EmailForward,
            Provider::Vendor(Vendor::Typeform),
        ] {
            local::seed::active_connector(&app.store, &mut app.seeded, provider, |_| {})
                .await
                .expect("a connector");
        }
        app
    }

    /// The Google Ads connector's id and key.
    pub fn google(&self) -> (String, String) {
        let connector = self
            .seeded
            .connector(Provider::GoogleAds)
            .expect("a Google Ads connector");
        let key = connector.settings.google_key.clone().expect("a google key");
        (connector.id.to_string(), key)
    }

    /// The Typeform connector's id.
    pub fn typeform(&self) -> String {
        let provider = Provider::Vendor(Vendor::Typeform);
        let connector = self
            .seeded
            .connector(provider)
            .expect("a Typeform connector");
        connector.id.to_string()
    }

    /// What only this workspace may know: its keys, connector keys, google key and
    /// signing secrets.
    pub fn secrets(&self) -> Vec<String> {
        let keys = [&self.seeded.api_key, &self.seeded.admin_key].map(String::clone);
        let connectors = self.seeded.connectors.iter().map(|c| &c.settings);
        let connector_keys = connectors
            .clone()
            .flat_map(|s| [&s.connector_key, &s.google_key]);
        let signing = connectors.filter_map(|s| s.signing_secret.as_ref());
        keys.into_iter()
            .chain(connector_keys.flatten().cloned())
            .chain(signing.map(|secret| secret.expose().to_owned()))
            .collect()
    }
}
