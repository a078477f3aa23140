//! The security sweep of issue 8. Every route of `template.yaml` through the local
//! gateway with no, a made-up, a revoked, an unscoped and another workspace's key;
//! forged Meta and Google deliveries; hostile bodies on four doors; line breaks aimed
//! at outgoing mail. After each: the documented status and problem, the victim's items
//! unchanged, and no secret in any answer or log line (a key's prefix or id may show).

use e2e::admin::{api_connector, error_fields};
use e2e::followups::{batch, sent_mail, unique_address};
use e2e::reviews::doubtful_candidate;
use e2e::security::{changed, items, post};
use e2e::webhooks::{google_lead, leadgen_delivery, page_token, GoogleApp, MetaApp, APP_SECRET};
use e2e::{lead_body, TestApp, TestResponse};
use local::template::{Route, Template};
use serde_json::{json, Value};
use shared::domain::{random_token, ImportRecord};
use std::collections::BTreeMap;
use std::sync::{Mutex, Once};

// The functions' log lines, captured from the subscriber they run with in Lambda.

static LOGS: Mutex<Vec<u8>> = Mutex::new(Vec::new());

struct Capture;

impl std::io::Write for Capture {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        LOGS.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn capture_logs() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| shared::telemetry::init_with(|| Capture));
}

fn logs() -> String {
    String::from_utf8_lossy(&LOGS.lock().unwrap()).into_owned()
}

/// Neither `answers` nor any log line so far shows one of `secrets`.
fn assert_undisclosed<'a>(answers: impl IntoIterator<Item = &'a TestResponse>, secrets: &[String]) {
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

// 1. Every route of the template, with every wrong credential.

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
        ("admin-api" | "review-actions" | "api-intake", _, credential) => match credential {
            Credential::None | Credential::MadeUp | Credential::Revoked => Some(401),
            Credential::Unscoped => Some(403),
            Credential::Foreign if route.path.contains("{id}") => Some(404),
            Credential::Foreign if route.binary == "api-intake" => Some(422), // connector_key
            Credential::Foreign => None,
        },
        (binary, ..) => panic!("{binary} is new here: what does it answer without credentials?"),
    }
}

/// The route's path naming the victim's records (by the segment after `/admin/`); the
/// import log is asked for the victim's connector.
fn path_of(route: &Route, ids: &BTreeMap<&str, String>) -> String {
    let segment = route.path.split('/').nth(2).unwrap_or_default();
    let id = ids.get(segment).unwrap_or(&ids["connectors"]);
    let path = route
        .path
        .replace("{id}", id)
        .replace("{zip}", "17601")
        .replace("{connector_id}", &ids["google"])
        .replace("{form_id}", "frm_made_up");
    match path.as_str() {
        "/admin/imports" => format!("{path}?connector_id={}", ids["connectors"]),
        _ => path,
    }
}

/// A body the route would take from its rightful caller.
fn body_of(route: &Route, victim: &TestApp) -> Option<Value> {
    let mut lead = lead_body("sweep");
    Some(match (route.method.as_str(), route.path.as_str()) {
        ("GET" | "DELETE" | "OPTIONS", _) => return None,
        ("POST", "/api/v1/leads") => {
            lead["connector_key"] = victim.connector_key().into();
            lead
        }
        ("POST", "/admin/connectors") => api_connector("Sweep", "draft"),
        ("POST", "/admin/api-keys") => json!({"scopes": ["admin", "leads:write"]}),
        ("PATCH", _) => json!({"display_name": "Taken over", "status": "paused"}),
        ("PUT", _) => json!({"rep": "intruder@example.com"}),
        ("POST", "/webhooks/google/{connector_id}") => {
            let mut lead = google_lead("sweep", "");
            lead.as_object_mut().unwrap().remove("google_key");
            lead
        }
        ("POST", path) if path.ends_with("/test-import") => lead,
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
    let rep = json!({"rep": "west@example.com"});
    let territory = victim.admin("PUT", "/admin/territories/17601", Some(rep));
    assert_eq!(territory.await.status, 200);
    let revoked = victim.revoked_key(&["admin", "leads:write"]).await;
    let keys = victim.admin_get("/admin/api-keys").await.json();
    let mut keys = keys["items"].as_array().unwrap().iter();
    let live_key = keys.find(|key| key["revoked_at"].is_null()).unwrap();
    let id = |value: &Value| value.as_str().unwrap().to_owned();
    let ids = BTreeMap::from([
        ("connectors", victim.api_connector().id.clone()),
        ("leads", id(&receipt["lead_id"])),
        ("imports", id(&receipt["import_id"])),
        ("api-keys", id(&live_key["id"])),
        ("reviews", review),
        ("google", victim.google().0),
    ]);
    let made_up = random_token(shared::auth::KEY_PREFIX);
    let mut secrets = [victim.secrets(), other.secrets()].concat();
    secrets.extend([revoked.clone(), made_up.clone()]);
    secrets.extend(
        [
            local::seed::SAMPLE_META_APP_SECRET,
            local::seed::SAMPLE_META_VERIFY_TOKEN,
            local::seed::SAMPLE_META_PAGE_TOKEN,
        ]
        .map(String::from),
    );
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
                    .chain([victim.workspace_id()])
                {
                    assert!(!answer.text.contains(id), "{what} shows {id}");
                }
                assert_undisclosed([&answer], &victim.secrets());
                // A key just issued to the caller is shown once, and never logged.
                let shown: Value = serde_json::from_str(&answer.text).unwrap_or_default();
                for name in ["key", "connector_key", "google_key"] {
                    issued.extend(shown[name].as_str().map(str::to_owned));
                }
                continue;
            };
            answer.assert_refused(status, &what);
            refusals.push(answer);
        }
    }

    assert!(routes.len() >= 26, "the template's {} routes", routes.len());
    let after = items(&victim).await;
    assert_eq!(after, before, "the victim's items are unchanged");
    let mut lead = lead_body("after-the-sweep");
    lead["connector_key"] = victim.connector_key().into();
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

// 2. Meta: a delivery is only as good as its signature.

#[tokio::test]
async fn a_meta_signature_off_by_one_digit_or_replayed_to_another_page_is_refused() {
    capture_logs();
    // A refused delivery stops at the signature: the Graph API is never asked.
    let unreachable = "http://127.0.0.1:9";
    let (page_a, page_b) = (
        MetaApp::spawn(unreachable, |_| {}).await,
        MetaApp::spawn(unreachable, |_| {}).await,
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

// 3. Google: a connector's URL takes only its own google_key.

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

// 4. Hostile bodies: too big, too deep, too wide, not UTF-8, not JSON.

/// `valid` with `members` (raw JSON text, maybe not UTF-8) added before its last brace.
fn with_members(valid: &Value, members: &[u8]) -> Vec<u8> {
    let text = valid.to_string();
    let mut body = text.as_bytes()[..text.len() - 1].to_vec();
    body.push(b',');
    body.extend_from_slice(members);
    body.push(b'}');
    body
}

const HOSTILE: [&str; 4] = [
    "over 256 KiB",
    "nested 10 000 deep",
    "10 000 fields",
    "invalid UTF-8",
];

/// The [`HOSTILE`] variants of a door's valid body.
fn hostile(valid: &Value) -> [Vec<u8>; 4] {
    let huge = format!("\"padding\":\"{}\"", "a".repeat(shared::http::BODY_LIMIT));
    let deep = format!("\"notes\":{}{}", "[".repeat(10_000), "]".repeat(10_000));
    let wide: Vec<String> = (0..10_000)
        .map(|n| format!("\"field_{n}\":\"x\""))
        .collect();
    let members = [
        huge.into_bytes(),
        deep.into_bytes(),
        wide.join(",").into_bytes(),
    ];
    let [huge, deep, wide] = members.map(|members| with_members(valid, &members));
    [
        huge,
        deep,
        wide,
        with_members(valid, b"\"notes\":\"\xff\xfe\""),
    ]
}

/// `aaa=x&aab=x&…`: 10 000 fields in 60 000 bytes, under the form door's 64 KiB.
fn ten_thousand_form_fields() -> Vec<u8> {
    let letters = b"abcdefghijklmnopqrstuvwxyz0123456789";
    let name =
        |n: usize| String::from_iter([n / 1296, n / 36 % 36, n % 36].map(|i| letters[i] as char));
    let fields: Vec<String> = (0..10_000).map(|n| format!("{}=x", name(n))).collect();
    fields.join("&").into_bytes()
}

#[tokio::test(flavor = "multi_thread")]
async fn hostile_bodies_are_refused_with_a_problem_and_make_no_lead() {
    capture_logs();
    let app = TestApp::spawn_every_door().await;
    let (google, google_key) = app.google();
    let mut api_lead = lead_body("hostile-api");
    api_lead["connector_key"] = app.connector_key().into();
    let (api_key, admin_key) = (Some(&app.seeded.api_key), Some(&app.seeded.admin_key));
    let form_lead = json!({"name": "Pat", "email": "pat@example.com"});
    // Statuses in the order of HOSTILE. The form door's own limit is 64 KiB: 10 000 JSON
    // fields do not fit. The Google door takes members it does not know and ignores them.
    let doors = [
        (
            "/api/v1/leads".into(),
            api_key,
            api_lead,
            [413, 400, 400, 400],
        ),
        (
            format!("/forms/{}", app.form_id()),
            None,
            form_lead,
            [413, 400, 413, 400],
        ),
        (
            format!("/webhooks/google/{google}"),
            None,
            google_lead("hostile", &google_key),
            [413, 400, 200, 400],
        ),
        (
            "/admin/connectors".into(),
            admin_key,
            api_connector("Hostile", "draft"),
            [413, 400, 422, 400],
        ),
    ];
    let before = items(&app).await;
    let base = app.serve_gateway().await;

    let mut answers = Vec::new();
    for (path, key, valid, statuses) in &doors {
        for ((what, body), status) in HOSTILE.iter().zip(hostile(valid)).zip(statuses) {
            let answer = post(&base, path, *key, "application/json", body).await;
            match status {
                200 => assert_eq!(answer.status, 200, "{path} with {what}: {}", answer.text),
                status => answer.assert_refused(*status, &format!("{path} with {what}")),
            }
            answers.push(answer);
        }
    }
    let urlencoded = "application/x-www-form-urlencoded";
    let form = post(
        &base,
        &doors[1].0,
        None,
        urlencoded,
        ten_thousand_form_fields(),
    )
    .await;
    // A plain HTML form is a browser's: its refusal is a page, not a problem.
    assert_eq!(form.status, 422, "10 000 form fields: {}", form.text);
    assert!(form
        .header("content-type")
        .is_some_and(|t| t.starts_with("text/html")));
    for (path, key, ..) in [&doors[0], &doors[3]] {
        let answer = post(&base, path, *key, "text/plain", b"{}".to_vec()).await;
        answer.assert_refused(415, &format!("{path} with text/plain"));
        answers.push(answer);
    }

    let leads = app.leads().await;
    assert_eq!(
        leads.len(),
        1,
        "Google's lead, its 10 000 unknown members ignored"
    );
    let custom = &leads[0].custom_fields;
    assert!(
        !custom.keys().any(|label| label.starts_with("field_")),
        "{custom:?}"
    );
    let the_lead = [leads[0].id.as_str(), leads[0].client_id.as_str()];
    for item in changed(&before, items(&app).await) {
        let sk = item["sk"].as_str().unwrap();
        let names_the_lead = ["id", "lead_id", "client_id"]
            .iter()
            .any(|name| item[name].as_str().is_some_and(|id| the_lead.contains(&id)));
        let counted = sk.starts_with("CONNECTOR#") && before.contains_key(sk);
        let failed = sk.starts_with("IMPORT#") && item["status"] == "failed";
        assert!(names_the_lead || counted || failed, "stored: {item}");
        let logged = item["payload"].as_str().map_or(0, str::len);
        assert!(
            logged <= ImportRecord::PAYLOAD_CAP,
            "{sk} keeps {logged} bytes"
        );
    }
    assert_undisclosed(&answers, &app.secrets());
}

// 5. Line breaks in what a lead says reach mail bodies, never mail headers.

#[tokio::test]
async fn line_breaks_in_names_emails_and_subjects_add_no_recipient_or_header_to_mail() {
    capture_logs();
    let [rep, reviewer, customer, forwarded, attacker] =
        ["rep", "reviewer", "pat", "kathy", "attacker"].map(unique_address);
    let mut app = TestApp::spawn_with(|c| c.speed_to_lead = true).await;
    app.with_email_connector(|c| {
        c.speed_to_lead = true;
        c.review_threshold = Some(0.75);
    })
    .await;
    let reviewers = vec![reviewer.clone()];
    app.configure(|s| {
        s.acknowledge_leads = true;
        s.reviewer_addresses = reviewers;
        s.notification_address = Some(rep.clone());
    })
    .await;
    let mut stream = app.stream().await;
    let mut lead = lead_body("injected");
    lead["customer_name"] = format!("Pat\r\nBcc: {attacker}\r\nSubject: free money").into();
    lead["customer_email"] = customer.clone().into();
    lead["notes"] = format!("<script>alert(1)</script>\r\n\r\nBcc: {attacker}").into();
    let mut bad_email = lead_body("injected-email");
    bad_email["customer_email"] = format!("lee@example.com\r\nBcc: {attacker}").into();
    // The email door: a quoted-printable line break in a name (an address there would
    // send the email to review), and encoded ones in the From and Subject of an email
    // the parser is unsure of, which reaches the reviewers in a digest.
    let labelled = e2e::email::LABELLED_LEAD
        .replace(
            "utf-8\r\n",
            "utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n",
        )
        .replace(
            "Name: Kathy Kline",
            "Name: Kathy Kline=0D=0ASubject: you won",
        )
        .replace("kathy.kline@example.com", &forwarded);
    let doubtful = e2e::email::DOUBTFUL
        .replace(
            "Dan Forwarder",
            &format!("=?utf-8?q?Dan=0D=0ABcc:_{attacker}?="),
        )
        .replace(
            "Re: that lead from yesterday",
            &format!("=?utf-8?q?Re:=0D=0ABcc:_{attacker}?="),
        );

    app.new_lead(lead).await;
    let refused = app.post_lead(bad_email).await;
    let (deps, to) = (app.email_deps(3).await, app.inbound_address());
    let mut outcomes = Vec::new();
    for raw in [labelled, doubtful] {
        let id = shared::domain::new_id().to_lowercase();
        app.store_raw_email(&deps, &id, &raw).await;
        outcomes.push(app.deliver_ses(&deps, &id, &to, "PASS").await.status);
    }
    app.speed_to_lead(batch(stream.records().await)).await;

    assert_eq!(refused.status, 422, "{}", refused.text);
    assert_eq!(error_fields(&refused), ["customer_email"]);
    assert_eq!(outcomes, ["imported", "review_required"]);
    let mail = sent_mail(app.endpoint()).await;
    assert!(
        !mail.iter().any(|m| m.to.contains(&attacker)),
        "mail to {attacker}"
    );
    let ours = [&rep, &customer, &forwarded, &reviewer];
    let ours: Vec<_> = mail
        .iter()
        .filter(|m| ours.iter().any(|a| m.to.contains(a)))
        .collect();
    for message in &ours {
        assert_eq!(message.to.len(), 1, "{message:?}");
        assert!(!message.subject.contains(['\r', '\n']), "{message:?}");
        assert!(!message.body.contains("<script>"), "{message:?}");
    }
    let count = |address: &String| ours.iter().filter(|m| m.to.contains(address)).count();
    let counts = [&rep, &customer, &forwarded, &reviewer].map(count);
    assert_eq!(
        counts,
        [2, 1, 1, 1],
        "two notices, two acknowledgements, a digest"
    );
    let notice = format!("New lead: Pat Bcc: {attacker} Subject: free money (api)");
    assert!(
        ours.iter().any(|m| m.subject == notice),
        "the name, on one line"
    );
}
