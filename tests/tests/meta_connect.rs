//! Connect Meta against the Graph API stand-in, over the gateway of `make dev`: the login
//! handoff, the page choice, a forged or replayed `state`, a page another workspace
//! holds, and a token that stops working (needs reconnect, leads held back with 5xx,
//! imported once after the reconnect).

use e2e::webhooks::{unique_page_id, ConnectApp};
use e2e::TestApp;
use local::seed::SAMPLE_META_APP_SECRET;
use shared::domain::ImportStatus;
use shared::providers::meta::{self, PageTokens};

fn page_tokens(app: &TestApp) -> PageTokens {
    local::page_tokens(&app.config, app.resources(), "meta-connect")
}

/// The callback URL with its `state` (or its code) replaced.
fn with_param(callback: &str, name: &str, value: &str) -> String {
    let (base, query) = callback.split_once('?').expect("a query");
    let kept: Vec<String> = query
        .split('&')
        .filter(|pair| !pair.starts_with(&format!("{name}=")))
        .map(str::to_owned)
        .collect();
    format!("{base}?{}&{name}={value}", kept.join("&"))
}

#[tokio::test(flavor = "multi_thread")]
async fn connecting_meta_goes_from_the_login_dialog_to_an_active_subscribed_connector() {
    let connect = ConnectApp::spawn().await;
    let page = unique_page_id();
    connect.manages_page(&page, "Acme Roofing").await;
    let connector = connect.meta_connector().await;

    let dialog = connect.authorize(&connector).await;
    assert!(dialog.contains("/dialog/oauth?client_id="), "{dialog}");
    assert!(dialog.contains("leads_retrieval"), "{dialog}");
    let callback = connect.approve(&dialog).await;
    assert!(
        callback.contains("/oauth/meta/callback?code="),
        "{callback}"
    );
    let landed = connect.open(&callback).await;

    assert_eq!(landed.status, 200, "{}", landed.text);
    assert!(landed
        .header("content-type")
        .unwrap()
        .starts_with("text/html"));
    assert!(landed.text.contains(&page) && landed.text.contains("Acme Roofing"));
    assert!(
        !landed.text.contains("page-token-"),
        "tokens are never shown"
    );
    let stored = page_tokens(&connect.app)
        .list(connect.app.workspace_id())
        .await
        .unwrap();
    assert!(stored.iter().any(|p| p.page_id == page), "{stored:?}");

    let chosen = connect.choose_page(&connector, &page).await;

    assert_eq!(chosen.status, 200, "{}", chosen.text);
    let view = chosen.json();
    assert_eq!(view["status"], "active");
    assert_eq!(view["settings"]["page_id"], page.as_str());
    assert_eq!(connect.subscription(&page).await, "leadgen");
    let routed = connect
        .app
        .store
        .connector_by_route(shared::store::keys::RouteKind::MetaPage, &page)
        .await
        .unwrap()
        .expect("the page routes to the connector");
    assert_eq!(routed.id.as_str(), connector);

    let released = connect
        .admin(
            "DELETE",
            &format!("/admin/connectors/{connector}/meta/page"),
            None,
        )
        .await;
    assert_eq!(released.status, 200, "{}", released.text);
    assert_eq!(released.json()["status"], "paused");
    assert!(released.json()["settings"]["page_id"].is_null());
    assert!(connect.subscription(&page).await.is_null());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_forged_state_is_a_readable_error_page_and_stores_nothing() {
    let connect = ConnectApp::spawn().await;
    connect.manages_page(&unique_page_id(), "Forged").await;
    let connector = connect.meta_connector().await;
    let callback = connect.approve(&connect.authorize(&connector).await).await;
    let state = callback.split("state=").nth(1).unwrap().to_owned();
    let other_app = meta::connect::LoginState::verify(SAMPLE_META_APP_SECRET, Some(&state), 0)
        .map(|s| s.sign("another-app-secret"))
        .unwrap();

    for forged in [
        other_app,
        format!("{state}x"),
        "made.up.state.1.xyz".to_owned(),
    ] {
        let landed = connect.open(&with_param(&callback, "state", &forged)).await;
        assert_eq!(landed.status, 400, "{}", landed.text);
        assert!(landed
            .header("content-type")
            .unwrap()
            .starts_with("text/html"));
        assert!(
            landed.text.contains("not one this deployment issued"),
            "{}",
            landed.text
        );
    }
    let stored = page_tokens(&connect.app)
        .list(connect.app.workspace_id())
        .await
        .unwrap();
    assert!(stored.is_empty(), "{stored:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_replayed_state_opens_nothing_the_second_time() {
    let connect = ConnectApp::spawn().await;
    let page = unique_page_id();
    connect.manages_page(&page, "Replayed").await;
    let connector = connect.meta_connector().await;
    let callback = connect.approve(&connect.authorize(&connector).await).await;
    assert_eq!(connect.open(&callback).await.status, 200);
    let tokens = page_tokens(&connect.app);
    tokens
        .remove(connect.app.workspace_id(), &page)
        .await
        .unwrap();

    let replayed = connect.open(&callback).await;

    assert_eq!(replayed.status, 400, "{}", replayed.text);
    assert!(replayed.text.contains("already used"), "{}", replayed.text);
    let stored = tokens.list(connect.app.workspace_id()).await.unwrap();
    assert!(
        stored.iter().all(|p| p.page_id != page),
        "nothing stored again: {stored:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_page_another_workspace_holds_is_refused_and_the_connector_stays_a_draft() {
    let first = ConnectApp::spawn().await;
    let page = unique_page_id();
    first.manages_page(&page, "Shared Page").await;
    let taken = first.meta_connector().await;
    assert_eq!(first.log_in(&taken).await.status, 200);
    assert_eq!(first.choose_page(&taken, &page).await.status, 200);
    let second = ConnectApp::spawn().await;
    second.manages_page(&page, "Shared Page").await;
    let refused = second.meta_connector().await;
    assert_eq!(second.log_in(&refused).await.status, 200);

    let answer = second.choose_page(&refused, &page).await;

    assert_eq!(answer.status, 409, "{}", answer.text);
    assert!(answer.text.contains("already connected"), "{}", answer.text);
    let view = second
        .admin("GET", &format!("/admin/connectors/{refused}"), None)
        .await;
    assert_eq!(view.json()["status"], "draft");
    assert!(view.json()["settings"]["page_id"].is_null());
    let route = first
        .app
        .store
        .connector_by_route(shared::store::keys::RouteKind::MetaPage, &page);
    assert_eq!(route.await.unwrap().unwrap().id.as_str(), taken);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_dead_token_needs_reconnect_holds_leads_back_and_the_redelivery_after_it_imports_once() {
    let connect = ConnectApp::spawn().await;
    let (connector, page) = connect.connected_page().await;
    let leadgen_id = format!("{page}1");
    connect.register_lead(&leadgen_id).await;

    connect.expire_page_tokens(&page, None).await;
    let report = connect.check_token_health().await;

    assert!(report.needs_reconnect >= 1, "{report:?}");
    let view = connect
        .admin("GET", &format!("/admin/connectors/{connector}"), None)
        .await;
    let mark = &view.json()["needs_reconnect"];
    assert_eq!(mark["page_id"], page.as_str(), "{}", view.text);
    assert!(mark["works_until"].is_null());

    let deliver = || connect.deliver(&page, &leadgen_id);
    assert_eq!(deliver().await, 503, "Meta is asked to deliver again");
    assert!(connect.app.leads().await.is_empty());

    assert_eq!(
        connect.log_in(&connector).await.status,
        200,
        "the reconnect"
    );
    let view = connect
        .admin("GET", &format!("/admin/connectors/{connector}"), None)
        .await;
    assert!(view.json()["needs_reconnect"].is_null(), "{}", view.text);
    assert_eq!(deliver().await, 200);
    assert_eq!(deliver().await, 200, "Meta's second redelivery");

    assert_eq!(connect.app.leads().await.len(), 1);
    let statuses: Vec<ImportStatus> = connect
        .app
        .import_log()
        .await
        .iter()
        .map(|e| e.status)
        .collect();
    assert_eq!(
        statuses
            .iter()
            .filter(|s| **s == ImportStatus::Imported)
            .count(),
        1
    );
    assert!(
        statuses.contains(&ImportStatus::Failed),
        "the held-back attempt is logged"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_token_that_expires_within_a_week_is_flagged_but_its_leads_still_come_in() {
    let connect = ConnectApp::spawn().await;
    let (connector, page) = connect.connected_page().await;

    connect.expire_page_tokens(&page, Some(3 * 24 * 3600)).await;
    connect.check_token_health().await;

    let view = connect
        .admin("GET", &format!("/admin/connectors/{connector}"), None)
        .await;
    let mark = &view.json()["needs_reconnect"];
    assert!(mark["works_until"].is_string(), "{}", view.text);
    assert!(mark["reason"]
        .as_str()
        .unwrap()
        .contains("stops reading leads"));
    let id = shared::domain::ConnectorId::from(connector.as_str());
    let record = connect.app.store.connector(connect.app.workspace_id(), &id);
    let held = record.await.unwrap().unwrap().needs_reconnect.unwrap();
    assert!(!held.holds_leads());

    let leadgen_id = format!("{page}1");
    connect.register_lead(&leadgen_id).await;
    assert_eq!(connect.deliver(&page, &leadgen_id).await, 200);
    assert_eq!(connect.app.leads().await.len(), 1, "the lead came in");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_connector_with_an_admin_page_gets_the_browser_back_there_with_the_pages() {
    let connect = ConnectApp::spawn().await;
    let page = unique_page_id();
    connect.manages_page(&page, "Back Home").await;
    let connector = connect.meta_connector().await;
    let admin_page = "https://admin.example.com/integrations/meta?step=pages";
    let body = serde_json::json!({ "settings": { "redirect_url": admin_page } });
    let path = format!("/admin/connectors/{connector}");
    assert_eq!(connect.admin("PATCH", &path, Some(body)).await.status, 200);

    let landed = connect.log_in(&connector).await;

    assert_eq!(landed.status, 303, "{}", landed.text);
    let location = landed.header("location").unwrap();
    assert!(location.starts_with(&format!("{admin_page}&connector_id={connector}&pages=")));
    assert!(location.contains(&page), "{location}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_token_put_by_the_admin_api_takes_the_needs_reconnect_mark_off_its_page() {
    let connect = ConnectApp::spawn().await;
    let (connector, page) = connect.connected_page().await;
    connect.expire_page_tokens(&page, None).await;
    connect.check_token_health().await;
    let path = format!("/admin/connectors/{connector}");
    let marked = connect.admin("GET", &path, None).await;
    assert_eq!(marked.json()["needs_reconnect"]["page_id"], page.as_str());

    let token = serde_json::json!({ "token": "a-page-token-pasted-by-the-admin" });
    let put = connect
        .admin("PUT", &format!("/admin/meta/pages/{page}"), Some(token))
        .await;

    assert_eq!(put.status, 204, "{}", put.text);
    let view = connect.admin("GET", &path, None).await;
    assert!(view.json()["needs_reconnect"].is_null(), "{}", view.text);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_refused_page_choice_leaves_the_needs_reconnect_mark_in_place() {
    let first = ConnectApp::spawn().await;
    let held = unique_page_id();
    first.manages_page(&held, "Held Page").await;
    let holder = first.meta_connector().await;
    assert_eq!(first.log_in(&holder).await.status, 200);
    assert_eq!(first.choose_page(&holder, &held).await.status, 200);
    let second = ConnectApp::spawn().await;
    let (connector, page) = second.connected_page().await;
    let mark = shared::domain::NeedsReconnect {
        page_id: page.clone(),
        reason: format!("the token of page {page} has expired: connect Meta again"),
        since: second.app.store.clock().stamp(),
        works_until: None,
    };
    let id = shared::domain::ConnectorId::from(connector.as_str());
    let store = &second.app.store;
    let marked = store.mark_reconnect(second.app.workspace_id(), &id, Some(&mark));
    assert!(marked.await.unwrap());

    let answer = second.choose_page(&connector, &held).await;

    assert_eq!(answer.status, 409, "{}", answer.text);
    let view = second
        .admin("GET", &format!("/admin/connectors/{connector}"), None)
        .await;
    assert_eq!(
        view.json()["needs_reconnect"]["page_id"],
        page.as_str(),
        "{}",
        view.text
    );
    assert_eq!(view.json()["settings"]["page_id"], page.as_str());
}
