use e2e::{TestApp, TestResponse};
use serde_json::{json, Value};
use shared::domain::ImportStatus;

/// Posts a lead whose name hides under a label nothing maps ("Nombre"): it fails.
async fn post_unmapped(app: &TestApp, external_id: &str) -> String {
    let body = json!({"Nombre": "Pat Example", "customer_email": "pat@example.com",
                      "external_id": external_id});
    let response = app.post_lead(body).await;
    assert_eq!(response.status, 422, "{}", response.text);
    response.json()["import_id"].as_str().unwrap().to_owned()
}

async fn retry(app: &TestApp, import_id: &str) -> TestResponse {
    let path = format!("/admin/imports/{import_id}/retry");
    app.admin("POST", &path, None).await
}

async fn fix_the_alias(app: &TestApp) {
    let path = format!("/admin/connectors/{}", app.api_connector().id);
    let aliases = json!({"field_aliases": {"Nombre": "customer_name"}});
    let response = app.admin("PATCH", &path, Some(aliases)).await;
    assert_eq!(response.status, 200, "{}", response.text);
}

async fn entry(app: &TestApp, import_id: &str) -> Value {
    let path = format!("/admin/imports/{import_id}");
    app.admin("GET", &path, None).await.json()
}

#[tokio::test]
async fn a_retry_after_an_alias_fix_imports_once_and_a_second_retry_is_409() {
    let app = TestApp::spawn().await;
    let failed = post_unmapped(&app, "retry-1").await;
    fix_the_alias(&app).await;

    let first = retry(&app, &failed).await;
    let second = retry(&app, &failed).await;

    assert_eq!(first.status, 200, "{}", first.text);
    let outcome = first.json();
    assert_eq!(outcome["status"], "imported");
    assert_eq!(outcome["retry_of"], failed.as_str());
    let new_entry = outcome["import_id"].as_str().unwrap();
    second.assert_refused(409, "a second retry");
    assert!(second.text.contains(new_entry), "{}", second.text);
    let old = entry(&app, &failed).await;
    assert_eq!(
        (old["status"].as_str(), old["retried_by"].as_str()),
        (Some("failed"), Some(new_entry))
    );
    let new = entry(&app, new_entry).await;
    assert_eq!(new["retry_of"], failed.as_str());
    assert_eq!(new["lead_id"], outcome["lead_id"]);
    let leads = app.leads().await;
    assert_eq!(leads.len(), 1);
    assert_eq!(leads[0].customer_name, "Pat Example");
    assert_eq!(leads[0].external_id.as_deref(), Some("retry-1"));
    retry(&app, new_entry)
        .await
        .assert_refused(409, "an imported entry");
    retry(&app, "01J0000000000000000NOSUCH0")
        .await
        .assert_refused(404, "no entry");
}

#[tokio::test]
async fn concurrent_retries_of_one_entry_run_it_once() {
    let app = TestApp::spawn().await;
    let failed = post_unmapped(&app, "retry-race").await;
    fix_the_alias(&app).await;

    let answers = futures_join(&app, &failed, 6).await;

    let statuses: Vec<u16> = answers.iter().map(|a| a.status).collect();
    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count(),
        1,
        "{statuses:?}"
    );
    assert!(
        statuses.iter().all(|s| [200, 409].contains(s)),
        "{statuses:?}"
    );
    assert_eq!(app.leads().await.len(), 1);
    let retries = app.import_log().await;
    let retries = retries.iter().filter(|e| e.retry_of.is_some()).count();
    assert_eq!(retries, 1);
}

async fn futures_join(app: &TestApp, import_id: &str, n: usize) -> Vec<TestResponse> {
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..n {
        let (deps, path) = (
            app.admin_deps(),
            format!("/admin/imports/{import_id}/retry"),
        );
        let key = app.seeded.admin_key.clone();
        let request = local::gateway::HttpCall {
            route_key: "POST /admin/imports/{id}/retry".into(),
            method: "POST".into(),
            path,
            headers: vec![("authorization".into(), format!("Bearer {key}"))],
            path_parameters: [("id".to_owned(), import_id.to_owned())].into(),
            ..Default::default()
        }
        .request()
        .unwrap();
        tasks.spawn(async move { shared::http::answer(&deps, request).await });
    }
    let mut answers = Vec::new();
    while let Some(answer) = tasks.join_next().await {
        answers.push(TestResponse::from_lambda(answer.unwrap()));
    }
    answers
}

#[tokio::test]
async fn the_external_id_still_makes_one_lead_when_a_failed_payload_is_re_run() {
    let app = TestApp::spawn().await;
    let failed = post_unmapped(&app, "retry-dup").await;
    let mut fixed = e2e::lead_body("retry-dup");
    fixed["customer_name"] = "Pat Example".into();
    let imported = app.post_lead(fixed).await.json();
    fix_the_alias(&app).await;

    let outcome = retry(&app, &failed).await.json();

    assert_eq!(outcome["status"], "replayed");
    assert_eq!(outcome["lead_id"], imported["lead_id"]);
    assert_eq!(app.leads().await.len(), 1);
}

#[tokio::test]
async fn a_paused_connector_must_be_active_again_before_a_retry_which_is_not_used_up() {
    let app = TestApp::spawn().await;
    let path = format!("/admin/connectors/{}", app.api_connector().id);
    app.admin("PATCH", &path, Some(json!({"status": "paused"})))
        .await;
    let refused = app.post_lead(e2e::lead_body("retry-paused")).await;
    assert_eq!(refused.status, 403, "{}", refused.text);
    let failed = app.import_log().await[0].id.to_string();

    let early = retry(&app, &failed).await;
    app.admin("PATCH", &path, Some(json!({"status": "active"})))
        .await;
    let later = retry(&app, &failed).await;

    early.assert_refused(409, "a retry on a paused connector");
    assert!(early.text.contains("paused"), "{}", early.text);
    assert_eq!(later.status, 200, "{}", later.text);
    assert_eq!(later.json()["status"], "imported");
}

#[tokio::test]
async fn a_filtered_retry_re_runs_every_matching_failure_and_counts_each_outcome() {
    let app = TestApp::spawn().await;
    let unmapped = [
        post_unmapped(&app, "bulk-1").await,
        post_unmapped(&app, "bulk-2").await,
    ];
    let hopeless = app.post_lead(json!({"Nombre": "No Contact"})).await;
    assert_eq!(hopeless.status, 422);
    let malformed = app
        .post_raw(
            &[("authorization", &format!("Bearer {}", app.seeded.api_key))],
            b"{oops",
        )
        .await;
    assert_eq!(malformed.status, 400);
    fix_the_alias(&app).await;

    let filter = json!({"reason": "customer_name", "since": "2020-01-01"});
    let bulk = app
        .admin("POST", "/admin/imports/retry", Some(filter.clone()))
        .await;
    let again = app
        .admin("POST", "/admin/imports/retry", Some(filter))
        .await;

    assert_eq!(bulk.status, 200, "{}", bulk.text);
    let bulk = bulk.json();
    assert_eq!(bulk["retried"], 3);
    assert_eq!(bulk["outcomes"]["imported"], 2);
    assert_eq!(bulk["outcomes"]["failed"], 1);
    let retried: Vec<&str> = bulk["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["retry_of"].as_str().unwrap())
        .collect();
    assert!(unmapped.iter().all(|id| retried.contains(&id.as_str())));
    assert_eq!(again.json()["retried"], 0, "each entry is re-run once");
    let everything = app.admin("POST", "/admin/imports/retry", None).await.json();
    assert_eq!(
        everything["retried"], 1,
        "the failed retry may run again: {everything}"
    );
    assert_eq!(everything["outcomes"]["failed"], 1);
    let skipped = everything["skipped"][0]["reason"]
        .as_str()
        .unwrap_or_default();
    assert!(skipped.contains("connector_key"), "{skipped}");
    assert_eq!(app.leads().await.len(), 2);
    let statuses: Vec<ImportStatus> = app.import_log().await.iter().map(|e| e.status).collect();
    assert_eq!(
        statuses
            .iter()
            .filter(|s| **s == ImportStatus::Imported)
            .count(),
        2
    );
    let bad = app
        .admin(
            "POST",
            "/admin/imports/retry",
            Some(json!({"limit": 0, "colour": "red"})),
        )
        .await;
    assert_eq!(e2e::admin::error_fields(&bad), ["limit", "colour"]);
}

#[tokio::test]
async fn a_form_entry_is_re_run_by_the_content_type_it_came_with() {
    let mut app = TestApp::spawn().await;
    let form = local::seed::active_connector(
        &app.store,
        &mut app.seeded,
        shared::domain::Provider::WebsiteForm,
        |_| {},
    )
    .await
    .unwrap();
    let body = "--XyZ\r\nContent-Disposition: form-data; name=\"Nombre\"\r\n\r\nPat Example\r\n\
                --XyZ\r\nContent-Disposition: form-data; name=\"email\"\r\n\r\npat@example.com\r\n--XyZ--\r\n";
    let submission = shared::forms::Submission {
        content_type: Some("multipart/form-data; boundary=XyZ"),
        origin: None,
        body: body.as_bytes(),
        client: shared::domain::RequestOrigin {
            content_type: Some("multipart/form-data; boundary=XyZ".into()),
            ..Default::default()
        },
    };
    let failed = match shared::forms::submit(&app.store, &form, submission).await {
        Ok(submitted) => submitted.outcome.import_id().to_string(),
        Err(refused) => panic!("{:?}", refused.refusal),
    };
    let path = format!("/admin/connectors/{}", form.id);
    let aliases = json!({"field_aliases": {"Nombre": "customer_name"}});
    assert_eq!(app.admin("PATCH", &path, Some(aliases)).await.status, 200);

    let outcome = retry(&app, &failed).await;

    assert_eq!(outcome.status, 200, "{}", outcome.text);
    assert_eq!(outcome.json()["status"], "imported");
    assert_eq!(app.leads().await[0].customer_name, "Pat Example");
}
