//! Wrong credentials on every door: every route of `template.yaml` through the local
//! gateway with no, a made-up, a revoked, an unscoped and another workspace's key, and
//! forged Meta and Google deliveries (the vendor door's are in `vendor_webhook`). After each: the documented status and problem,
//! the victim's items unchanged, and no secret in any answer or log line.

use e2e::admin::api_connector;
use e2e::reviews::doubtful_candidate;
use e2e::security::{assert_undisclosed, capture_logs, items, logs};
use e2e::webhooks::{
    google_lead, leadgen_delivery, page_token, GoogleApp, MetaApp, APP_SECRET, NO_GRAPH,
};
use e2e::{lead_body, TestApp, TestResponse};
use local::template::{Route, Template};
use serde_json::{json, Value};
use shared::domain::{random_token, Vendor};
use std::collections::BTreeMap;

#[derive(Clone, Copy)]
enum Credential {
    None,
    MadeUp,
    Revoked,
    Unscoped,
    Foreign,
}

/// What a route answers; `None`: the caller's own workspace answers (a list, a new
/// item of its own), naming nothing of the victim's.
fn expected(route: &Route, credential: Credential) -> Option<u16> {
    match (route.binary.as_str(), route.method.as_str(), credential) {
        // Doors with credentials of their own, which no bearer key replaces.
        ("form-intake", ..) => Some(404), // a made-up form id
        ("meta-webhook", "GET", _) => Some(403), // no hub.verify_token
        ("meta-webhook", ..) => Some(401), // no X-Hub-Signature-256
        ("google-webhook", ..) => Some(401), // no google_key
        ("vendor-webhook", "GET", _) => Some(404), // a Typeform connector has no challenge
        ("vendor-webhook", ..) => Some(401), // no vendor signature
        ("meta-connect", "GET", _) => Some(400), // Facebook Login's callback, without a state
        ("admin-api" | "review-actions" | "api-intake" | "meta-connect", _, credential) => {
            match credential {
                Credential::None | Credential::MadeUp | Credential::Revoked => Some(401),
                Credential::Unscoped => Some(403),
                Credential::Foreign if route.path.contains("{id}") => Some(404),
                Credential::Foreign if route.binary == "api-intake" => Some(422), // connector_key
                // Into the victim's connector: not one of the caller's.
                Credential::Foreign if route.path == "/admin/bulk-imports" => Some(422),
                Credential::Foreign => None,
            }
        }
        (binary, ..) => panic!("{binary} is new here: what does it answer without credentials?"),
    }
}

/// The route's path naming the victim's records (by the segment after `/admin/`); the
/// import log is asked for the victim's connector.
fn path_of(route: &Route, ids: &BTreeMap<&str, String>) -> String {
    let segment = route.path.split('/').nth(2).unwrap_or_default();
    let id = ids.get(segment).unwrap_or(&ids["connectors"]);
    let connector = match route.path.contains("{provider}") {
        true => &ids["typeform"],
        false => &ids["google"],
    };
    let path = route
        .path
        .replace("{id}", id)
        .replace("{zip}", "17601")
        .replace("{page_id}", &ids["meta"])
        .replace("{provider}", "typeform")
        .replace("{connector_id}", connector)
        .replace("{form_id}", "frm_made_up");
    match path.as_str() {
        "/admin/imports" => format!("{path}?connector_id={}", ids["connectors"]),
        _ => path,
    }
}

/// A body the route would take from its rightful caller.
fn body_of(route: &Route, victim: &TestApp) -> Option<Value> {
    Some(match (route.method.as_str(), route.path.as_str()) {
        ("GET" | "DELETE" | "OPTIONS", _) => return None,
        ("POST", "/api/v1/leads") => victim.lead_with_connector_key("sweep"),
        ("POST", "/admin/connectors") => api_connector("Sweep", "draft"),
        ("POST", "/admin/api-keys") => json!({"scopes": ["admin", "leads:write"]}),
        ("PATCH", "/admin/workspace") => json!({"name": "Taken over"}),
        ("POST", "/admin/destinations") => json!({"url": "https://crm.example.com/hooks/leads"}),
        ("PATCH", "/admin/destinations/{id}") => json!({"url": "https://intruder.example.com/"}),
        ("POST", "/admin/bulk-imports") => json!({"connector_id": victim.api_connector().id}),
        ("PATCH", _) => json!({"display_name": "Taken over", "status": "paused"}),
        ("PUT", "/admin/meta/pages/{page_id}") => json!({"token": "intruder-page-token"}),
        ("PUT", _) => json!({"rep": "intruder@example.com"}),
        ("POST", "/webhooks/google/{connector_id}") => {
            let mut lead = google_lead("sweep", "");
            lead.as_object_mut().unwrap().remove("google_key");
            lead
        }
        ("POST", "/webhooks/{provider}/{connector_id}") => {
            serde_json::from_slice(e2e::vendors::sample_bytes(Vendor::Typeform)).unwrap()
        }
        ("POST", path) if path.ends_with("/test-import") => lead_body("sweep"),
        _ => json!({}),
    })
}

#[tokio::test(flavor = "multi_thread")]
async fn every_route_refuses_every_wrong_credential_and_leaves_the_victim_as_it_was() {
    capture_logs();
    let victim = TestApp::spawn_every_door().await;
    let other = TestApp::spawn().await;
    let receipt = victim.post_lead(lead_body("victim-lead")).await.json();
    let (_, review) = victim.hold_review(doubtful_candidate("held")).await;
    let territory = victim.set_territory("17601", "west@example.com").await;
    assert_eq!(territory.status, 200);
    let revoked = victim.revoked_key(&["admin", "leads:write"]).await;
    let keys = victim.admin_get("/admin/api-keys").await.json();
    let mut keys = keys["items"].as_array().unwrap().iter();
    let live_key = keys.find(|key| key["revoked_at"].is_null()).unwrap();
    let id = |value: &Value| value.as_str().unwrap().to_owned();
    let destination = victim
        .add_destination("https://crm.example.com/hooks/leads", json!({}))
        .await;
    let bulk_import = victim.create_bulk_import(json!({})).await;
    let page = e2e::webhooks::unique_page_id();
    victim.own_meta_page(&page).await;
    let ids = BTreeMap::from([
        ("destinations", id(&destination["id"])),
        ("bulk-imports", id(&bulk_import["id"])),
        ("connectors", victim.api_connector().id.to_string()),
        ("leads", id(&receipt["lead_id"])),
        ("imports", id(&receipt["import_id"])),
        ("api-keys", id(&live_key["id"])),
        ("reviews", review),
        ("google", victim.google().0),
        ("typeform", victim.typeform()),
        ("meta", page.clone()),
    ]);
    let made_up = random_token(shared::auth::KEY_PREFIX);
    let mut secrets = [victim.secrets(), other.secrets()].concat();
    secrets.extend([
        revoked.clone(),
        made_up.clone(),
        id(&destination["signing_secret"]),
    ]);
    secrets.extend(
        [
            local::seed::SAMPLE_META_APP_SECRET,
            local::seed::SAMPLE_META_VERIFY_TOKEN,
            local::seed::SAMPLE_META_PAGE_TOKEN,
        ]
        .map(String::from),
    );
    secrets.push(e2e::webhooks::page_token(&page));
    let before = items(&victim).await;
    let base = victim.serve_gateway().await;
    let client = reqwest::Client::new();
    let routes = Template::load().unwrap().http_routes();

    let (mut refusals, mut issued) = (Vec::new(), Vec::new());
    for route in &routes {
        let (path, body) = (path_of(route, &ids), body_of(route, &victim));
        let (unscoped, foreign) = match route.binary.as_str() {
            "api-intake" => (&victim.seeded.admin_key, &other.seeded.api_key),
            _ => (&victim.seeded.api_key, &other.seeded.admin_key),
        };
        for (credential, key) in [
            (Credential::None, None),
            (Credential::MadeUp, Some(&made_up)),
            (Credential::Revoked, Some(&revoked)),
            (Credential::Unscoped, Some(unscoped)),
            (Credential::Foreign, Some(foreign)),
        ] {
            let method = route.method.parse().unwrap();
            let mut request = client.request(method, format!("{base}{path}"));
            if let Some(body) = &body {
                request = request.json(body);
            }
            if let Some(key) = key {
                request = request.bearer_auth(key);
            }
            let answer = TestResponse::of(request).await;
            let what = format!("{} {path} with key {key:?}", route.method);
            let Some(status) = expected(route, credential) else {
                assert!(answer.status < 300, "{what}: {}", answer.text);
                for id in ids
                    .values()
                    .map(String::as_str)
                    .chain([victim.workspace_id().as_str()])
                {
                    assert!(!answer.text.contains(id), "{what} shows {id}");
                }
                assert_undisclosed([&answer], &victim.secrets());
                // A key just issued to the caller is shown once, and never logged.
                let shown: Value = serde_json::from_str(&answer.text).unwrap_or_default();
                for name in ["key", "connector_key", "google_key", "signing_secret"] {
                    issued.extend(shown[name].as_str().map(str::to_owned));
                }
                continue;
            };
            if route.binary == "meta-connect" && route.method == "GET" {
                // Facebook Login's callback answers a person's browser: a page, no problem.
                assert_eq!(answer.status, status, "{what}: {}", answer.text);
                let html = answer.header("content-type").unwrap_or_default();
                assert!(html.starts_with("text/html"), "{what}");
            } else {
                answer.assert_refused(status, &what);
            }
            refusals.push(answer);
        }
    }

    assert!(routes.len() >= 26, "the template's {} routes", routes.len());
    let after = items(&victim).await;
    assert_eq!(after, before, "the victim's items are unchanged");
    let pages = victim.admin_get("/admin/meta/pages").await.json();
    assert_eq!(
        pages["items"][0]["page_id"],
        page.as_str(),
        "the victim's page is kept"
    );
    let tokens = local::page_tokens(&victim.config, victim.resources(), "meta-webhook");
    let token = tokens
        .fresh_token(victim.workspace_id(), &page)
        .await
        .unwrap();
    let token = token.expect("the victim's token");
    assert_eq!(
        token.expose(),
        e2e::webhooks::page_token(&page),
        "unchanged"
    );
    let lead = victim.lead_with_connector_key("after-the-sweep");
    let own = client.post(format!("{base}/api/v1/leads")).json(&lead);
    let own = TestResponse::of(own.bearer_auth(&victim.seeded.api_key)).await;
    assert_eq!(
        own.status, 201,
        "the victim's keys still work: {}",
        own.text
    );
    assert!(
        logs().contains("request refused"),
        "the refusals were logged"
    );
    assert_undisclosed(&refusals, &secrets);
    assert_undisclosed(None, &issued);
}

#[tokio::test]
async fn a_meta_signature_off_by_one_digit_or_replayed_to_another_page_is_refused() {
    capture_logs();
    // A refused delivery stops at the signature: the Graph API is never asked.
    let (page_a, page_b) = (
        MetaApp::spawn(NO_GRAPH, |_| {}).await,
        MetaApp::spawn(NO_GRAPH, |_| {}).await,
    );
    let before = [items(&page_a.app).await, items(&page_b.app).await];
    let body = leadgen_delivery(&page_a.page_id, &["7770001"]).to_string();
    let signature = shared::providers::meta::sign(APP_SECRET, body.as_bytes());
    let mut digits = signature.clone().into_bytes();
    let middle = digits.len() - 32;
    digits[middle] = if digits[middle] == b'0' { b'1' } else { b'0' };
    let off_by_one = String::from_utf8(digits).unwrap();
    let for_page_b = body.replace(&page_a.page_id, &page_b.page_id);

    let answers: [TestResponse; 2] = [
        page_a.post(body.as_bytes(), Some(&off_by_one)).await,
        page_b.post(for_page_b.as_bytes(), Some(&signature)).await,
    ];

    answers[0].assert_refused(401, "a signature one digit off");
    answers[1].assert_refused(401, "page A's delivery and signature, for page B");
    assert_eq!(
        items(&page_a.app).await,
        before[0],
        "nothing stored for page A"
    );
    assert_eq!(
        items(&page_b.app).await,
        before[1],
        "nothing stored for page B"
    );
    let tokens = [&page_a, &page_b].map(|page| page_token(&page.page_id));
    let secrets = [[APP_SECRET.to_owned()].as_slice(), &tokens].concat();
    assert_undisclosed(&answers, &secrets);
}

#[tokio::test]
async fn a_google_key_of_another_connector_is_refused_and_stores_nothing() {
    capture_logs();
    let (mine, theirs) = (
        GoogleApp::spawn(|_| {}).await,
        GoogleApp::spawn(|_| {}).await,
    );
    let before = [items(&mine.app).await, items(&theirs.app).await];
    let not_google = mine.app.api_connector().id.clone();

    let their_key = mine.post(&theirs.lead("sweep-1")).await;
    let made_up = mine.post_to("01JMADEUP", &mine.lead("sweep-2")).await;
    let not_google = mine.post_to(&not_google, &mine.lead("sweep-3")).await;

    their_key.assert_refused(401, "their google_key at my URL");
    made_up.assert_refused(404, "a made-up connector id");
    not_google.assert_refused(404, "the id of a connector that is not Google's");
    assert_eq!(items(&mine.app).await, before[0], "nothing stored for mine");
    assert_eq!(
        items(&theirs.app).await,
        before[1],
        "nothing stored for theirs"
    );
    let answers = [&their_key, &made_up, &not_google];
    assert_undisclosed(answers, &[mine.key(), theirs.key()]);
}
