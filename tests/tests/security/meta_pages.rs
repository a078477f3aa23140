//! A Meta page belongs to one workspace (issue 16): another workspace cannot take its
//! route without a token of its own that reads the page, and a route taken anyway (before
//! this check) never has leads fetched with anyone's token but its own workspace's.

use e2e::webhooks::{
    graph_lead, leadgen_delivery, page_token, shared_graph, store_page_token, unique_page_id,
    MetaApp, APP_SECRET, VERIFY_TOKEN,
};
use e2e::TestApp;
use serde_json::json;
use shared::domain::ImportStatus;
use shared::store::keys::RouteKind;

/// Workspace A: an active Meta connector on a page of its own, whose token the Graph API
/// stand-in lets read the page and its lead `leadgen_id`.
async fn owner(leadgen_id: &str) -> MetaApp {
    let page = unique_page_id();
    let (graph, base) = shared_graph();
    graph.register_page(&page, &page_token(&page));
    graph.register(graph_lead(leadgen_id)).unwrap();
    MetaApp::spawn_for(base, &page, &page_token(&page), |_| {}).await
}

fn meta_connector(page: &str, status: &str) -> serde_json::Value {
    json!({"display_name": "Not mine", "provider": "meta", "status": status,
           "settings": {"page_id": page}})
}

#[tokio::test]
async fn another_workspace_cannot_take_a_page_without_a_token_that_reads_it() {
    let a = owner("5550101").await;
    let page = a.page_id.clone();
    let b = TestApp::spawn().await;

    let active = b.post_connector(meta_connector(&page, "active")).await;
    let draft = b.post_connector(meta_connector(&page, "draft")).await;
    let stored = b
        .admin(
            "PUT",
            &format!("/admin/meta/pages/{page}"),
            Some(json!({"token": "b-own-token"})),
        )
        .await;
    let unreadable = b.post_connector(meta_connector(&page, "active")).await;

    for refused in [&active, &draft] {
        assert_eq!(refused.status, 422, "{}", refused.text);
        let error = &refused.json()["errors"][0];
        assert_eq!(error["field"], "settings.page_id");
        let said = error["message"].as_str().unwrap();
        assert!(said.contains("store the page's token first"), "{said}");
    }
    assert_eq!(stored.status, 204, "{}", stored.text);
    assert_eq!(unreadable.status, 422, "{}", unreadable.text);
    let said = unreadable.json()["errors"][0]["message"].to_string();
    assert!(
        said.contains("missing permissions"),
        "Meta's reason: {said}"
    );
    assert!(!unreadable.text.contains("b-own-token"));

    let b_connectors = b.admin_get("/admin/connectors").await.json();
    assert_eq!(
        b_connectors["items"].as_array().unwrap().len(),
        1,
        "only its API connector"
    );
    let routed = b
        .store
        .connector_by_route(RouteKind::MetaPage, &page)
        .await
        .unwrap();
    assert_eq!(
        routed.map(|c| c.workspace_id),
        Some(a.connector.workspace_id.clone())
    );

    let delivered = a.deliver_leads(&["5550101"]).await;
    assert_eq!(delivered.status, 200, "{}", delivered.text);
    assert_eq!(a.app.leads().await.len(), 1, "the page's lead lands in A");
    assert!(b.leads().await.is_empty(), "and nowhere else");
}

#[tokio::test]
async fn a_draft_cannot_move_onto_a_page_nor_be_activated_on_one_it_cannot_read() {
    let a = owner("5550102").await;
    let b = TestApp::spawn().await;
    let mine = unique_page_id();
    b.own_meta_page(&mine).await;
    let draft = b.create_connector(meta_connector(&mine, "draft")).await;
    let path = format!("/admin/connectors/{}", draft["id"].as_str().unwrap());

    let moved = b
        .admin(
            "PATCH",
            &path,
            Some(json!({"settings": {"page_id": a.page_id}})),
        )
        .await;
    let removed = b
        .admin("DELETE", &format!("/admin/meta/pages/{mine}"), None)
        .await;
    let activated = b
        .admin("PATCH", &path, Some(json!({"status": "active"})))
        .await;

    assert_eq!(moved.status, 422, "{}", moved.text);
    assert_eq!(removed.status, 204, "{}", removed.text);
    assert_eq!(
        activated.status, 422,
        "its token is gone: {}",
        activated.text
    );
    let routed = b
        .store
        .connector_by_route(RouteKind::MetaPage, &a.page_id)
        .await
        .unwrap();
    assert_eq!(routed.map(|c| c.id), Some(a.connector.id.clone()));
}

#[tokio::test]
async fn a_route_held_without_a_token_never_gets_leads_fetched_with_the_deployment_s_or_the_owner_s(
) {
    // Before this check any workspace could hold any page's route; an older Meta secret
    // may still carry the page owner's token under `page_tokens`.
    let page = unique_page_id();
    let (graph, base) = shared_graph();
    graph.register_page(&page, &page_token(&page));
    graph.register(graph_lead("5550103")).unwrap();
    let squatter = MetaApp::spawn_for(base, &page, "", |_| {}).await;
    let secret = json!({"app_secret": APP_SECRET, "verify_token": VERIFY_TOKEN,
                        "page_tokens": { page.as_str(): page_token(&page) }});
    let name = format!("meta-webhook-{}", squatter.app.workspace_id());
    local::provision::put_secret(&squatter.app.config, &name, &secret.to_string())
        .await
        .unwrap();
    let owner = TestApp::spawn().await;
    store_page_token(&owner, &page, &page_token(&page)).await;

    let delivered = squatter
        .deliver(&leadgen_delivery(&page, &["5550103"]))
        .await;

    assert_eq!(
        delivered.status, 503,
        "Meta keeps the lead: {}",
        delivered.text
    );
    assert!(
        squatter.app.leads().await.is_empty(),
        "no lead for the squatter"
    );
    let log = squatter.app.import_log().await;
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].status, ImportStatus::Failed);
    assert!(
        !log[0].payload.contains("Pat Example"),
        "the lead was never fetched"
    );
}
