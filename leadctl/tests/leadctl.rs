//! `leadctl` as an operator runs it, against moto: the binary itself, with the standard
//! AWS configuration pointing at the test's moto server.

use e2e::TestApp;
use serde_json::Value;
use std::process::{Command, Output, Stdio};

/// Runs leadctl with `args` against the app's moto server.
fn leadctl(app: &TestApp, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_leadctl"))
        .args(args)
        .env("AWS_ENDPOINT_URL", app.endpoint())
        .env("AWS_REGION", "us-east-1")
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env_remove("AWS_PROFILE")
        .env_remove("LEADCTL_TABLE")
        .env_remove("LEADCTL_STACK")
        .stdin(Stdio::null())
        .output()
        .expect("leadctl runs")
}

/// `leadctl --table <the app's table> --json <args>`, which must succeed, as JSON.
fn json(app: &TestApp, args: &[&str]) -> Value {
    let mut all = vec!["--table", app.store.table(), "--json"];
    all.extend_from_slice(args);
    let output = leadctl(app, &all);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{args:?} answered {stdout}: {e}"))
}

fn slug() -> String {
    format!("acme-{}", shared::domain::new_id().to_lowercase())
}

#[tokio::test]
async fn a_created_workspaces_admin_key_works_on_the_admin_api() {
    let app = TestApp::spawn().await;
    let slug = slug();

    let created = json(
        &app,
        &[
            "workspace",
            "create",
            "--slug",
            &slug,
            "--name",
            "Acme Cleaning",
            "--notify",
            "ops@acme.example",
        ],
    );

    let key = created["admin_key"].as_str().expect("an admin key");
    assert!(key.starts_with("lc_live_"));
    let shown = app
        .admin_as(Some(key), "GET", "/admin/workspace", None)
        .await;
    assert_eq!(shown.status, 200, "{}", shown.text);
    assert_eq!(shown.json()["id"], created["workspace_id"]);
    assert_eq!(shown.json()["name"], "Acme Cleaning");
    assert_eq!(shown.json()["email_slug"], slug.as_str());
    assert_eq!(
        shown.json()["settings"]["notification_address"],
        "ops@acme.example"
    );

    let again = leadctl(
        &app,
        &[
            "--table",
            app.store.table(),
            "workspace",
            "create",
            "--slug",
            &slug,
            "--name",
            "Other",
        ],
    );
    assert!(!again.status.success());
    let said = String::from_utf8_lossy(&again.stderr);
    assert!(
        said.contains(&slug) && said.contains("another workspace"),
        "{said}"
    );
}

#[tokio::test]
async fn a_key_issued_then_revoked_by_leadctl_is_refused() {
    let app = TestApp::spawn().await;
    let workspace = app.workspace_id().to_string();

    let issued = json(
        &app,
        &[
            "api-key",
            "create",
            "--workspace",
            &workspace,
            "--scope",
            "admin",
            "--name",
            "ops laptop",
        ],
    );
    let key = issued["key"].as_str().unwrap();
    let id = issued["id"].as_str().unwrap();
    assert_eq!(
        app.admin_as(Some(key), "GET", "/admin/workspace", None)
            .await
            .status,
        200
    );
    let listed = json(&app, &["api-key", "list", "--workspace", &workspace]);
    assert!(listed
        .as_array()
        .unwrap()
        .iter()
        .any(|k| k["id"] == id && k["name"] == "ops laptop"));
    assert!(
        !listed.to_string().contains(key),
        "a list never shows a key"
    );

    json(&app, &["api-key", "revoke", "--workspace", &workspace, id]);

    let refused = app
        .admin_as(Some(key), "GET", "/admin/workspace", None)
        .await;
    assert_eq!(refused.status, 401, "{}", refused.text);
}

#[tokio::test]
async fn workspace_settings_set_by_leadctl_are_what_the_admin_api_shows() {
    let app = TestApp::spawn().await;
    let workspace = app.workspace_id().to_string();

    json(
        &app,
        &[
            "workspace",
            "set",
            "--workspace",
            &workspace,
            "--reviewers",
            "a@acme.example, b@acme.example",
            "--acknowledge",
            "on",
            "--safety-lock-minutes",
            "15",
            "--acknowledgement-subject",
            "Thanks {name}",
        ],
    );

    let shown = app.admin("GET", "/admin/workspace", None).await.json();
    let settings = &shown["settings"];
    assert_eq!(
        settings["reviewer_addresses"],
        serde_json::json!(["a@acme.example", "b@acme.example"])
    );
    assert_eq!(settings["acknowledge_leads"], true);
    assert_eq!(settings["safety_lock_minutes"], 15);
    assert_eq!(
        settings["templates"]["acknowledgement_subject"],
        "Thanks {name}"
    );
    let shown_by_leadctl = json(&app, &["workspace", "show", "--workspace", &workspace]);
    assert_eq!(shown_by_leadctl["settings"], shown["settings"]);
    assert_eq!(shown_by_leadctl["email_slug"], shown["email_slug"]);

    let refused = leadctl(
        &app,
        &[
            "--table",
            app.store.table(),
            "workspace",
            "set",
            "--workspace",
            &workspace,
            "--notify",
            "not an address",
        ],
    );
    assert!(!refused.status.success());
    let said = String::from_utf8_lossy(&refused.stderr);
    assert!(said.contains("settings.notification_address"), "{said}");
}

#[tokio::test]
async fn meta_set_fills_the_secret_and_refuses_the_placeholder() {
    let app = TestApp::spawn().await;
    let secret = format!("meta-{}", app.workspace_id());
    let placeholder = serde_json::json!({"app_secret": shared::providers::meta::MetaSecrets::PLACEHOLDER, "verify_token": "v", "page_tokens": {"123": "old"}});
    local::provision::put_secret(&app.config, &secret, &placeholder.to_string())
        .await
        .unwrap();

    let kept = leadctl(
        &app,
        &[
            "--table",
            app.store.table(),
            "meta",
            "set",
            "--secret-id",
            &secret,
            "--verify-token",
            "v2",
        ],
    );
    assert!(
        !kept.status.success(),
        "a placeholder app secret is not written as if usable"
    );
    let written = json(
        &app,
        &[
            "meta",
            "set",
            "--secret-id",
            &secret,
            "--app-secret",
            "real-secret",
        ],
    );

    let client = shared::aws::secrets(&app.config);
    let stored = client
        .get_secret_value()
        .secret_id(&secret)
        .send()
        .await
        .unwrap();
    let stored: Value = serde_json::from_str(stored.secret_string().unwrap()).unwrap();
    assert_eq!(stored["app_secret"], "real-secret");
    assert_eq!(
        stored["verify_token"], "v",
        "the refused write changed nothing"
    );
    assert_eq!(written["page_tokens_unused"], true, "{written}");
}

#[tokio::test]
async fn doctor_reports_on_moto_line_by_line_without_failing_to_answer() {
    let app = TestApp::spawn().await;

    let checks = json(&app, &["doctor"]);

    let checks = checks.as_array().expect("a list of checks");
    let check = |name: &str| {
        checks
            .iter()
            .find(|c| c["name"] == name)
            .unwrap_or_else(|| panic!("{name} in {checks:?}"))
    };
    assert_eq!(check("table")["status"], "ok", "{checks:?}");
    assert_eq!(check("time to live")["status"], "ok", "{checks:?}");
    assert!(checks
        .iter()
        .all(|c| ["ok", "warn", "fail"].contains(&c["status"].as_str().unwrap())));
    assert_eq!(check("Meta secret")["status"], "warn", "needs --stack");

    let missing = leadctl(&app, &["--table", "no-such-table", "doctor"]);
    assert!(!missing.status.success());
    let lines = String::from_utf8_lossy(&missing.stdout);
    assert!(
        lines
            .lines()
            .any(|l| l.starts_with("FAIL  table: no-such-table does not exist")),
        "{lines}"
    );

    let unnamed = leadctl(&app, &["doctor"]);
    assert!(!unnamed.status.success());
    assert!(String::from_utf8_lossy(&unnamed.stderr).contains("--stack"));
}

#[tokio::test]
async fn doctor_names_the_meta_connector_whose_page_needs_reconnecting() {
    let meta = e2e::webhooks::MetaApp::spawn(e2e::webhooks::NO_GRAPH, |_| {}).await;
    let app = &meta.app;
    let mark = shared::domain::NeedsReconnect {
        page_id: meta.page_id.clone(),
        reason: format!(
            "the token of page {} stops reading leads soon",
            meta.page_id
        ),
        since: app.store.clock().stamp(),
        works_until: Some(shared::clock::stamp(
            app.store.clock().now() + chrono::Duration::days(3),
        )),
    };
    let marked = app
        .store
        .mark_reconnect(app.workspace_id(), &meta.connector.id, Some(&mark));
    assert!(marked.await.unwrap());

    let checks = json(app, &["doctor"]);

    let checks = checks.as_array().expect("a list of checks");
    let pages = checks
        .iter()
        .find(|c| c["name"] == "Meta pages")
        .expect("the Meta pages check");
    assert_eq!(pages["status"], "warn", "{pages}");
    let detail = pages["detail"].as_str().unwrap();
    assert!(detail.contains(meta.connector.id.as_str()), "{detail}");
    assert!(detail.contains("stops reading leads soon"), "{detail}");
}
