//! IAM, which moto does not enforce: every AWS call a function's clients make while the
//! tests drive it is recorded (`local::calls`) and checked against that function's
//! `Policies` in `template.yaml`. Every test binary enforces it (a call not granted fails
//! as `AccessDenied`); this one drives every function once and checks the record whole,
//! and shows that a grant taken out of a copy of the template is caught.

use e2e::email::DOUBTFUL;
use e2e::followups::batch;
use e2e::{lead_body, TestApp};
use local::calls::{records, Record};
use local::iam::Policies;
use local::seed;
use local::template::Template;
use serde_json::json;
use serde_yaml::Value;

/// Drives every function of the template through the demo workspace, as users would.
async fn drive_every_function() {
    let app = TestApp::demo().await;
    let base = app.serve_gateway().await;
    let http = reqwest::Client::new();
    let mut stream = app.stream().await;

    let mut lead = lead_body(&shared::domain::new_id());
    lead["connector_key"] = seed::SAMPLE_CONNECTOR_KEY.into();
    for _ in 0..2 {
        let posted = http
            .post(format!("{base}/api/v1/leads"))
            .bearer_auth(seed::SAMPLE_API_KEY)
            .header("idempotency-key", shared::domain::new_id())
            .json(&lead)
            .send()
            .await
            .unwrap();
        assert!(
            posted.status().is_success(),
            "{}",
            posted.text().await.unwrap()
        );
    }
    let form = http
        .post(format!("{base}/forms/{}", seed::SAMPLE_FORM_ID))
        .header("x-forwarded-for", "198.51.100.201")
        .json(&json!({"name": "Form Person", "email": "form.person@example.com"}))
        .send()
        .await
        .unwrap();
    assert_eq!(form.status(), 201);
    let google = e2e::webhooks::google_lead(&shared::domain::new_id(), seed::SAMPLE_GOOGLE_KEY);
    let google = http
        .post(format!(
            "{base}/webhooks/google/{}",
            seed::SAMPLE_GOOGLE_CONNECTOR_ID
        ))
        .json(&google)
        .send()
        .await
        .unwrap();
    assert_eq!(google.status(), 200);
    let delivery =
        e2e::webhooks::leadgen_delivery(seed::SAMPLE_META_PAGE_ID, &[seed::SAMPLE_META_LEADGEN_ID]);
    let body = delivery.to_string();
    let signature = shared::providers::meta::sign(seed::SAMPLE_META_APP_SECRET, body.as_bytes());
    let meta = http
        .post(format!("{base}/webhooks/meta"))
        .header("x-hub-signature-256", signature)
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(meta.status(), 200);

    // A vendor webhook: the WPForms sample, signed for the demo's WPForms connector.
    let vendor = shared::domain::Vendor::Wpforms;
    let url = format!(
        "{base}/webhooks/{}/{}",
        vendor.key(),
        seed::sample_vendor_connector_id(vendor)
    );
    let sample = e2e::vendors::sample(vendor);
    let request = shared::providers::vendors::Request {
        method: "POST",
        url: &url,
        headers: &[],
        body: &sample.bytes,
    };
    let secret = seed::sample_signing_secret(vendor);
    let now = app.store.clock().epoch();
    let mut post = http
        .post(&url)
        .header("content-type", sample.content_type)
        .body(sample.bytes.clone());
    for (name, value) in shared::providers::vendors::sign(vendor, &secret, &request, now) {
        post = post.header(name, value);
    }
    let vendor_answer = post.send().await.unwrap();
    assert!(
        vendor_answer.status().is_success(),
        "{}",
        vendor_answer.text().await.unwrap()
    );

    // Email: a body that arrives late (NoSuchKey, then the retry queue), and a doubtful
    // one held for review, then approved.
    let deps = app.email_deps(3).await;
    let id = shared::domain::new_id().to_lowercase();
    let to = format!(
        "{}@{}",
        app.seeded.workspace.email_slug,
        seed::INBOUND_EMAIL_DOMAIN
    );
    let early = app.deliver_ses(&deps, &id, &to, "PASS").await;
    assert_eq!(early.status, "waiting_for_body", "{early:?}");
    app.store_raw_email(&deps, &id, DOUBTFUL).await;
    assert_eq!(app.deliver_next_retry(&deps).await, 1);
    let review = app
        .admin("GET", "/admin/reviews?status=pending", None)
        .await
        .json();
    let review_id = review["items"][0]["id"]
        .as_str()
        .expect("a pending review")
        .to_owned();
    let approve = json!({"corrections": {"customer_name": "Jo Caller"}});
    let path = format!("/admin/reviews/{review_id}/approve");
    let approved = app.admin("POST", &path, Some(approve)).await;
    assert_eq!(approved.status, 201, "{}", approved.text);

    // Admin: the workspace, connectors, imports, territories, keys.
    let workspace = app.admin("GET", "/admin/workspace", None).await;
    let same = app
        .admin("PATCH", "/admin/workspace", Some(workspace.json()))
        .await;
    assert_eq!(same.status, 200, "{}", same.text);
    let created = app
        .create_connector(json!({"display_name": "Policy", "provider": "google_ads"}))
        .await;
    let connector = created["id"].as_str().unwrap().to_owned();
    for (method, path, body) in [
        ("GET", "/admin/connectors".to_owned(), None),
        (
            "PATCH",
            format!("/admin/connectors/{connector}"),
            Some(json!({"notes_prefix": "[P]"})),
        ),
        (
            "POST",
            format!("/admin/connectors/{connector}/regenerate-key"),
            None,
        ),
        (
            "POST",
            format!("/admin/connectors/{connector}/test-import"),
            Some(json!({"payload": {"full_name": "T", "email": "t@example.com"}})),
        ),
        ("GET", format!("/admin/connectors/{connector}/stats"), None),
        ("GET", "/admin/imports".to_owned(), None),
        (
            "PUT",
            "/admin/territories/17699".to_owned(),
            Some(json!({"rep": "rep@example.com"})),
        ),
        ("GET", "/admin/territories".to_owned(), None),
        ("DELETE", "/admin/territories/17699".to_owned(), None),
        ("GET", "/admin/api-keys".to_owned(), None),
        ("DELETE", format!("/admin/connectors/{connector}"), None),
    ] {
        let answer = app.admin(method, &path, body).await;
        assert!(answer.status < 300, "{method} {path}: {}", answer.text);
    }
    let imports = app.admin("GET", "/admin/imports", None).await.json();
    let import = imports["items"][0]["id"].as_str().unwrap().to_owned();
    assert_eq!(
        app.admin("GET", &format!("/admin/imports/{import}"), None)
            .await
            .status,
        200
    );
    app.revoked_key(&["admin"]).await;

    // Boxed: the forwarder's and the importer's futures are too deep for the test's stack.
    let destination = Box::pin(drive_forwarding_and_bulk_import(&app)).await;
    Box::pin(drive_meta_connect(&app, &base)).await;

    // Speed-to-lead and the forwarder: what the stream carried since the first lead.
    let records = stream.records().await;
    assert!(!records.is_empty());
    let forwarder = local::forwarder_deps(&app.config, &app.store, app.resources()).unwrap();
    let response = Box::pin(forwarder::stream(&forwarder, batch(records.clone()))).await;
    assert!(response.batch_item_failures.is_empty());
    let deliveries = format!("/admin/destinations/{destination}/deliveries");
    let deliveries = app.admin("GET", &deliveries, None).await.json();
    assert!(
        !deliveries["items"].as_array().unwrap().is_empty(),
        "{deliveries}"
    );
    let response = app.speed_to_lead(batch(records)).await;
    assert!(response.batch_item_failures.is_empty());
}

/// Connect Meta on the demo connector (login, page released and chosen again through the
/// gateway and its Graph API stand-in), then one run of the token-health check.
async fn drive_meta_connect(app: &TestApp, base: &str) {
    use reqwest::Method;
    let http = reqwest::Client::new();
    let connector = seed::SAMPLE_META_CONNECTOR_ID;
    let admin = |method: Method, path: &str| {
        let url = format!("{base}/admin/connectors/{connector}/meta/{path}");
        http.request(method, url)
            .bearer_auth(seed::SAMPLE_ADMIN_KEY)
    };
    let authorized = admin(Method::POST, "authorize").send().await.unwrap();
    let dialog: serde_json::Value = authorized.json().await.unwrap();
    // The client follows the dialog's redirect back to the callback.
    let landed = http
        .get(dialog["url"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(landed.status(), 200, "{}", landed.text().await.unwrap());
    let released = admin(Method::DELETE, "page").send().await.unwrap();
    assert_eq!(released.status(), 200);
    let page = json!({ "page_id": seed::SAMPLE_META_PAGE_ID });
    let chosen = admin(Method::POST, "page")
        .json(&page)
        .send()
        .await
        .unwrap();
    assert_eq!(chosen.status(), 200, "{}", chosen.text().await.unwrap());
    let meta_secret = &app.resources().meta_secret;
    let health = local::meta_connect(
        &app.config,
        &app.store,
        meta_secret,
        base,
        "meta-token-health",
    );
    let (report, _) = meta_token_health::handle(&health.unwrap(), "test")
        .await
        .unwrap();
    assert!(report.pages >= 1, "{report:?}");
}

/// A forwarding destination (answers its id) and a bulk import uploaded and read.
async fn drive_forwarding_and_bulk_import(app: &TestApp) -> String {
    // Forwarding: a destination, and its deliveries once the forwarder has read the
    // stream (the leads above, forwarded to it; nothing answers there).
    let destination = app
        .add_destination("https://crm.example.com/hooks/leads", json!({}))
        .await;
    let destination = destination["id"].as_str().unwrap().to_owned();

    // Bulk import: a file uploaded and read.
    let bulk = app.bulk_run(100).await;
    let created = app.create_bulk_import(json!({})).await;
    bulk.import(&e2e::bulk::upload(&created, &e2e::bulk::leads_csv(3, 100)).await)
        .await;
    let id = created["id"].as_str().unwrap();
    assert_eq!(app.bulk_import(id).await["imported"], 3);
    let failures = format!("/admin/bulk-imports/{id}/failures");
    assert_eq!(app.admin("GET", &failures, None).await.status, 200);
    destination
}

#[tokio::test]
async fn every_call_each_function_makes_is_granted_by_its_policy_in_the_template() {
    // Boxed: the whole drive is too deep a future for the test thread's stack.
    Box::pin(drive_every_function()).await;
    let records = records();

    let denied: Vec<&Record> = records.iter().filter(|r| !r.allowed).collect();
    assert!(
        denied.is_empty(),
        "not granted in template.yaml: {denied:#?}"
    );
    let template = Template::load().unwrap();
    for function in Policies::of(&template, template.scope())
        .unwrap()
        .by_function
        .keys()
    {
        assert!(
            records.iter().any(|r| &r.function == function),
            "{function} made no AWS call: drive it here"
        );
    }
    let listed = records
        .iter()
        .any(|r| r.function == "email-inbound" && r.access.action == "s3:ListBucket");
    assert!(listed, "the late body's NoSuchKey needed s3:ListBucket");
}

/// `template.yaml` with `action` taken out of `function`'s policy statements.
fn without_grant(function: &str, action: &str) -> Policies {
    let mut template = Template::load().unwrap();
    let statements = template.root_mut()["Resources"][function]["Properties"]["Policies"][0]
        ["Statement"]
        .as_sequence_mut()
        .expect("the function's statements");
    for statement in statements {
        match &mut statement["Action"] {
            Value::Sequence(actions) => actions.retain(|a| a.as_str() != Some(action)),
            single if single.as_str() == Some(action) => *single = Value::from("none:None"),
            _ => {}
        }
    }
    let template = Template::parse(&serde_yaml::to_string(template.root_mut()).unwrap()).unwrap();
    Policies::of(&template, template.scope()).unwrap()
}

#[tokio::test]
async fn a_grant_taken_out_of_the_template_is_caught() {
    let app = TestApp::spawn().await;
    assert_eq!(app.post_lead(lead_body("policy-1")).await.status, 201);
    let of = |function: &str| -> Vec<Record> {
        records()
            .into_iter()
            .filter(|r| r.function == function)
            .collect()
    };

    let shipped = Template::load().unwrap();
    let shipped = Policies::of(&shipped, shipped.scope()).unwrap();
    let api = shipped.function("api-intake").unwrap();
    assert!(of("api-intake").iter().all(|r| api.allows(&r.access)));

    let cut = without_grant("ApiIntakeFunction", "dynamodb:PutItem");
    let api = cut.function("api-intake").unwrap();
    let refused: Vec<_> = of("api-intake")
        .into_iter()
        .filter(|r| !api.allows(&r.access))
        .collect();
    assert!(!refused.is_empty(), "the lead's transaction puts items");
    assert!(refused
        .iter()
        .all(|r| r.access.action == "dynamodb:PutItem"));

    let cut = without_grant("EmailInboundFunction", "s3:ListBucket");
    let missing = local::iam::Access::new(
        "s3:ListBucket",
        local::intrinsics::arn("AWS::S3::Bucket", "InboundEmailBucket"),
    )
    .with("s3:prefix", "inbound/some-message-id");
    assert!(shipped.function("email-inbound").unwrap().allows(&missing));
    assert!(!cut.function("email-inbound").unwrap().allows(&missing));
}
