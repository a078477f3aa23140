//! The security sweep: every route of `template.yaml` through the local gateway, called
//! the ways an attacker would (no credentials, a made-up key, a revoked key, a key
//! without the scope, another workspace's key), forged webhook deliveries, hostile
//! bodies, and header injection aimed at outgoing mail. Afterwards the victim
//! workspace is exactly as it was, and no problem body or log line shows a secret.
//!
//! Per-door tests go deeper on each door; this file is the one place that walks all of
//! them, so a new route is swept the day it is added to the template.

use e2e::followups::{batch, unique_address};
use e2e::webhooks::{leadgen_delivery, GoogleApp, MetaApp, APP_SECRET};
use e2e::{lead_body, TestApp};
use local::template::{Route, Template};
use serde_json::{json, Value};
use shared::providers::meta;
use std::io::Write;
use std::sync::{Mutex, OnceLock};

/// Every log line this test binary writes, as the functions write them in Lambda (JSON).
fn logs() -> &'static Mutex<Vec<u8>> {
    static LOGS: OnceLock<Mutex<Vec<u8>>> = OnceLock::new();
    LOGS.get_or_init(|| {
        struct Sink;
        impl Write for Sink {
            fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
                logs().lock().unwrap().extend_from_slice(bytes);
                Ok(bytes.len())
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let _ = tracing_subscriber::fmt()
            .json()
            .with_writer(|| Sink)
            .with_env_filter("debug")
            .try_init();
        Mutex::new(Vec::new())
    })
}

/// Neither `text` nor any log line so far shows one of `secrets`.
fn assert_no_secret_in(text: &str, secrets: &[String]) {
    let logged = String::from_utf8_lossy(&logs().lock().unwrap()).into_owned();
    for secret in secrets {
        assert!(
            !text.contains(secret.as_str()),
            "an answer shows {secret}: {text}"
        );
        assert!(
            !logged.contains(secret.as_str()),
            "a log line shows {secret}"
        );
    }
}

/// Every item of a workspace, to compare before and after.
async fn snapshot(app: &TestApp) -> Vec<String> {
    let mut items: Vec<String> = app
        .store
        .workspace_items(app.workspace_id())
        .await
        .unwrap()
        .into_iter()
        .map(|item| {
            serde_dynamo::from_item::<_, Value>(item)
                .unwrap()
                .to_string()
        })
        .collect();
    items.sort();
    items
}

async fn issue_key(app: &TestApp, scopes: &[&str]) -> (String, String) {
    let issued = app
        .admin("POST", "/admin/api-keys", Some(json!({ "scopes": scopes })))
        .await
        .json();
    (
        issued["key"].as_str().unwrap().to_owned(),
        issued["id"].as_str().unwrap().to_owned(),
    )
}

/// The route's path with the victim's own ids in it.
fn concrete(route: &Route, victim: &TestApp, lead_id: &str, import_id: &str) -> String {
    let connector = victim.api_connector().id.clone();
    let id = match route.path.as_str() {
        p if p.starts_with("/admin/leads/") => lead_id.to_owned(),
        p if p.starts_with("/admin/imports/") => import_id.to_owned(),
        _ => connector.clone(),
    };
    route
        .path
        .replace("{id}", &id)
        .replace("{zip}", "17601")
        .replace("{connector_id}", &connector)
        .replace("{form_id}", "form_no_such_form")
}

#[tokio::test(flavor = "multi_thread")]
async fn every_route_refuses_missing_made_up_revoked_unscoped_and_foreign_keys() {
    logs();
    let victim = TestApp::spawn().await;
    let other = TestApp::spawn().await;
    let receipt = victim.post_lead(lead_body("victim-lead")).await.json();
    let (lead_id, import_id) = (
        receipt["lead_id"].as_str().unwrap().to_owned(),
        receipt["import_id"].as_str().unwrap().to_owned(),
    );
    let (revoked, revoked_id) = issue_key(&victim, &["admin", "leads:write"]).await;
    let gone = victim
        .admin("DELETE", &format!("/admin/api-keys/{revoked_id}"), None)
        .await;
    assert_eq!(gone.status, 204);
    let before = snapshot(&victim).await;
    let base = victim.serve_gateway().await;
    let client = reqwest::Client::new();
    let made_up = format!("lc_live_{}", "A".repeat(32));
    let secrets = [
        victim.seeded.api_key.clone(),
        victim.seeded.admin_key.clone(),
        other.seeded.api_key.clone(),
        other.seeded.admin_key.clone(),
        revoked.clone(),
        made_up.clone(),
        victim.connector_key(),
    ];

    let routes = Template::load().unwrap().http_routes();
    let mut swept = 0;
    for route in &routes {
        let keyed = route.path.starts_with("/admin/") || route.path == "/api/v1/leads";
        if !keyed {
            continue;
        }
        let path = concrete(route, &victim, &lead_id, &import_id);
        let body = match route.path.as_str() {
            "/api/v1/leads" => {
                let mut body = lead_body("sweep");
                body["connector_key"] = victim.connector_key().into();
                body
            }
            "/admin/connectors" => e2e::admin::api_connector("Sweep", "draft"),
            "/admin/api-keys" => json!({"scopes": ["admin"]}),
            p if p.starts_with("/admin/territories/") => json!({"rep": "x@example.com"}),
            _ => json!({}),
        };
        let (unscoped, foreign) = if route.path == "/api/v1/leads" {
            (&victim.seeded.admin_key, &other.seeded.api_key)
        } else {
            (&victim.seeded.api_key, &other.seeded.admin_key)
        };
        let cases: [(&str, Option<&str>, &[u16]); 5] = [
            ("no credentials", None, &[401]),
            ("a made-up key", Some(&made_up), &[401]),
            ("a revoked key", Some(&revoked), &[401]),
            ("a key without the scope", Some(unscoped), &[403]),
            ("another workspace's key", Some(foreign), &[]),
        ];
        for (case, key, expected) in cases {
            let mut request = client
                .request(route.method.parse().unwrap(), format!("{base}{path}"))
                .json(&body);
            if let Some(key) = key {
                request = request.bearer_auth(key);
            }
            let response = request.send().await.unwrap();
            let status = response.status().as_u16();
            let text = response.text().await.unwrap();
            let what = format!("{} {path} with {case}", route.method);
            assert!(status < 500, "{what}: {status} {text}");
            if expected.is_empty() {
                // Another workspace sees only itself: a victim's id is not found there,
                // and nothing it lists or creates names the victim.
                for victims in [victim.workspace_id(), &lead_id, &import_id] {
                    assert!(!text.contains(victims), "{what} shows {victims}: {text}");
                }
            } else {
                assert!(expected.contains(&status), "{what}: {status} {text}");
                assert!(text.contains("\"type\":\"/problems/"), "{what}: {text}");
            }
            assert_no_secret_in(&text, &secrets);
        }
        swept += 1;
    }

    assert!(swept >= 20, "every keyed route was swept ({swept})");
    let logged = String::from_utf8_lossy(&logs().lock().unwrap()).into_owned();
    assert!(
        logged.contains("\"status\":401") && logged.contains("\"status\":403"),
        "the refusals were logged (and so searched for secrets)"
    );
    assert_eq!(
        snapshot(&victim).await,
        before,
        "the victim workspace is unchanged"
    );
}

#[tokio::test]
async fn public_doors_without_their_own_credential_refuse_and_store_nothing() {
    logs();
    let google_app = GoogleApp::spawn(|_| {}).await;
    let before = snapshot(&google_app.app).await;
    let base = google_app.app.serve_gateway().await;
    let client = reqwest::Client::new();
    let google = &google_app.connector;

    let unsigned = client
        .post(format!("{base}/webhooks/meta"))
        .json(&json!({"object": "page", "entry": []}))
        .send()
        .await
        .unwrap();
    let no_verify_token = client
        .get(format!(
            "{base}/webhooks/meta?hub.mode=subscribe&hub.challenge=42&hub.verify_token=guess"
        ))
        .send()
        .await
        .unwrap();
    let no_google_key = client
        .post(format!("{base}/webhooks/google/{}", google.id))
        .json(&json!({"lead_id": "sweep", "user_column_data": []}))
        .send()
        .await
        .unwrap();

    assert_eq!(unsigned.status(), 401);
    assert_eq!(no_verify_token.status(), 403);
    assert!(
        [401, 403].contains(&no_google_key.status().as_u16()),
        "{}",
        no_google_key.status()
    );
    assert_eq!(snapshot(&google_app.app).await, before);
}

#[tokio::test]
async fn a_meta_signature_off_by_one_byte_or_replayed_to_another_page_is_refused() {
    logs();
    // The Graph API is never reached: a refused delivery stops at the signature.
    let unreachable = "http://127.0.0.1:9";
    let page_a = MetaApp::spawn(unreachable, |_| {}).await;
    let page_b = MetaApp::spawn(unreachable, |_| {}).await;
    let body_a = leadgen_delivery(&page_a.page_id, &["7770001"]).to_string();
    let signature_a = meta::sign(APP_SECRET, body_a.as_bytes());

    // One hex digit of the signature changed.
    let mut off_by_one = signature_a.clone().into_bytes();
    let last = off_by_one.last_mut().unwrap();
    *last = if *last == b'0' { b'1' } else { b'0' };
    let off_by_one = String::from_utf8(off_by_one).unwrap();
    // One byte of the body changed under a good signature.
    let mut tampered = body_a.clone().into_bytes();
    tampered[body_a.len() / 2] ^= 0x01;
    // Page A's signed delivery with page B's id put in.
    let replayed = body_a.replace(&page_a.page_id, &page_b.page_id);

    let answers = [
        page_a.post(body_a.as_bytes(), Some(&off_by_one)).await,
        page_a.post(&tampered, Some(&signature_a)).await,
        page_b.post(replayed.as_bytes(), Some(&signature_a)).await,
    ];

    for answer in &answers {
        assert_eq!(answer.status, 401, "{}", answer.text);
        assert_no_secret_in(&answer.text, &[APP_SECRET.to_owned(), signature_a.clone()]);
    }
    for page in [&page_a, &page_b] {
        assert!(page.app.leads().await.is_empty());
        assert!(page.app.import_log().await.is_empty());
    }
}

#[tokio::test]
async fn a_google_key_of_another_connector_is_refused_and_stores_nothing() {
    logs();
    let mine = GoogleApp::spawn(|_| {}).await;
    let theirs = GoogleApp::spawn(|_| {}).await;

    let answer = mine.post(&theirs.lead("sweep-google")).await;

    assert!([401, 403].contains(&answer.status), "{}", answer.text);
    for app in [&mine.app, &theirs.app] {
        assert!(app.leads().await.is_empty());
    }
    assert_no_secret_in(&answer.text, &[mine.key(), theirs.key()]);
}

fn nested(depth: usize) -> String {
    format!("{}{}", "[".repeat(depth), "]".repeat(depth))
}

fn many_fields(count: usize) -> String {
    let fields: serde_json::Map<String, Value> = (0..count)
        .map(|n| (format!("field_{n}"), Value::from("x")))
        .collect();
    Value::Object(fields).to_string()
}

#[tokio::test(flavor = "multi_thread")]
async fn hostile_bodies_get_a_4xx_problem_and_make_no_lead() {
    logs();
    let app = TestApp::demo().await;
    let base = app.serve_gateway().await;
    let client = reqwest::Client::new();
    let form_id = app
        .seeded
        .connector(shared::domain::Provider::WebsiteForm)
        .and_then(|c| c.settings.form_id.clone())
        .unwrap();
    let google = app
        .seeded
        .connector(shared::domain::Provider::GoogleAds)
        .unwrap()
        .id
        .clone();
    let leads_before = app.leads().await.len();
    let oversized = format!("{{\"notes\": \"{}\"}}", "a".repeat(300 * 1024));
    let bodies: [(&str, Vec<u8>); 5] = [
        ("oversized", oversized.into_bytes()),
        ("nested 10 000 deep", nested(10_000).into_bytes()),
        ("10 000 fields", many_fields(10_000).into_bytes()),
        (
            "invalid UTF-8",
            b"{\"customer_name\": \"\xff\xfe\"}".to_vec(),
        ),
        ("not JSON", b"customer_name=Pat".to_vec()),
    ];
    let doors = [
        ("/api/v1/leads".to_owned(), Some(&app.seeded.api_key)),
        (format!("/forms/{form_id}"), None),
        (format!("/webhooks/google/{google}"), None),
        ("/admin/connectors".to_owned(), Some(&app.seeded.admin_key)),
    ];

    for (path, key) in &doors {
        for (what, body) in &bodies {
            let mut request = client
                .post(format!("{base}{path}"))
                .header("content-type", "application/json")
                .body(body.clone());
            if let Some(key) = key {
                request = request.bearer_auth(key);
            }
            let response = request.send().await.unwrap();
            let status = response.status().as_u16();
            let text = response.text().await.unwrap();
            assert!(
                (400..500).contains(&status),
                "{path} with {what}: {status} {text}"
            );
            assert!(text.contains("/problems/"), "{path} with {what}: {text}");
        }
    }

    assert_eq!(app.leads().await.len(), leads_before, "no lead was made");
}

#[tokio::test]
async fn header_injection_in_a_name_or_email_reaches_no_mail_header() {
    logs();
    let rep = unique_address("rep");
    let assigned = rep.clone();
    let app = TestApp::spawn_with(|c| {
        c.speed_to_lead = true;
        c.assigned_rep = Some(assigned);
    })
    .await;
    let mut stream = app.stream().await;
    let attacker = "attacker@example.com";
    let mut body = lead_body("injected");
    body["customer_name"] = format!("Pat\r\nBcc: {attacker}\r\nSubject: free money").into();
    body["notes"] = format!("hi\r\n\r\nBcc: {attacker}").into();
    let injected_email = app
        .post_lead(json!({
            "customer_name": "Lee",
            "customer_email": format!("lee@example.com\r\nBcc: {attacker}"),
            "customer_phone": "7175550123",
            "external_id": "injected-email",
        }))
        .await;
    app.new_lead(body).await;

    app.speed_to_lead(batch(stream.records().await)).await;

    assert!(
        injected_email.status == 422 || injected_email.status == 201,
        "{}",
        injected_email.text
    );
    let mail = e2e::followups::sent_mail(app.endpoint()).await;
    let notices: Vec<_> = mail.iter().filter(|m| m.to.contains(&rep)).collect();
    assert!(!notices.is_empty(), "the rep was notified");
    for message in &mail {
        assert!(
            !message.to.iter().any(|to| to.contains(attacker)),
            "mail went to the attacker: {message:?}"
        );
        assert!(
            !message.subject.contains('\r') && !message.subject.contains('\n'),
            "a subject spans lines: {:?}",
            message.subject
        );
    }
}
