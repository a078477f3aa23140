//! Hostile input on every door: bodies too big, too deep, too wide, not UTF-8 or not
//! JSON, and line breaks aimed at the headers of outgoing mail. After each: a problem
//! or a page that says so, no lead made of it, and no secret in any answer or log line.

use e2e::admin::api_connector;
use e2e::followups::{batch, sent_mail, unique_address};
use e2e::security::{assert_undisclosed, capture_logs, changed, items, post};
use e2e::webhooks::google_lead;
use e2e::{lead_body, TestApp};
use serde_json::{json, Value};
use shared::domain::ImportRecord;

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
    let api_lead = app.lead_with_connector_key("hostile-api");
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
        let payload = sk.starts_with("PAYLOAD#");
        assert!(
            names_the_lead || counted || failed || payload,
            "stored: {sk}"
        );
        let logged = item["payload"].as_str().map_or(0, str::len);
        assert!(
            logged <= ImportRecord::PAYLOAD_CAP,
            "{sk} keeps {logged} bytes"
        );
    }
    assert_undisclosed(&answers, &app.secrets());
}

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
    let kept = app.post_lead(bad_email).await;
    let deps = app.email_deps(3).await;
    let mut outcomes = Vec::new();
    for raw in [labelled, doubtful] {
        outcomes.push(app.receive_email(&deps, &raw).await.status);
    }
    app.speed_to_lead(batch(stream.records().await)).await;

    // A bad email beside a good phone no longer fails the lead: the raw value is kept
    // as a custom field, and nothing is ever sent to it.
    assert_eq!(kept.status, 201, "{}", kept.text);
    let kept = app.lead(kept.json()["lead_id"].as_str().unwrap()).await;
    assert_eq!(kept.customer_email, None);
    assert!(kept.custom_fields["customer_email"].contains(&attacker));
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
        [3, 1, 1, 1],
        "three notices (the kept lead's too), two acknowledgements, a digest"
    );
    let notice = format!("New lead: Pat Bcc: {attacker} Subject: free money (api)");
    assert!(
        ours.iter().any(|m| m.subject == notice),
        "the name, on one line"
    );
}
