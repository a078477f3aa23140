//! Signed deliveries that reach a lead: its fields mapped from the Graph API, replays
//! of a change already seen, and changes the connector routes nowhere or ignores.

use e2e::webhooks::{
    graph_lead, graph_stand_in, leadgen_delivery, page_token, unique_page_id, MetaApp, APP_SECRET,
    NO_GRAPH,
};
use e2e::LeadContacts;
use local::graph::GraphLeads;
use serde_json::json;
use shared::domain::{ConnectorStatus, ImportStatus};
use shared::providers::meta;

#[tokio::test]
async fn a_signed_leadgen_change_creates_a_lead_with_the_mapped_fields() {
    let graph = graph_stand_in(&[graph_lead("5550001")]).await;
    let meta = MetaApp::spawn(&graph, |c| c.notes_prefix = Some("[Meta]".into())).await;

    let response = meta.deliver_leads(&["5550001"]).await;

    assert_eq!(response.status, 200, "{}", response.text);
    assert_eq!(response.json()["imported"], 1);
    let leads = meta.app.leads().await;
    assert_eq!(leads.len(), 1);
    let lead = &leads[0];
    assert_eq!(lead.customer_name, "Pat Example");
    assert_eq!(lead.email(), Some("pat@example.com"));
    assert_eq!(lead.phone(), Some("+17175550123"));
    assert_eq!(lead.service_address.as_deref(), Some("123 Main St"));
    assert_eq!(lead.zip_code(), Some("17601"));
    assert_eq!(lead.external_id.as_deref(), Some("5550001"));
    assert_eq!(lead.source, "meta");
    assert_eq!(lead.connector_id, meta.connector.id);
    assert_eq!(lead.notes.as_deref(), Some("[Meta]"));
    assert_eq!(
        lead.custom_fields["which_services?"],
        "house_wash, roof_cleaning"
    );
    assert_eq!(lead.custom_fields["meta_ad_id"], "23850000000000002");
    assert_eq!(lead.custom_fields["meta_form_id"], "908070605040302");
    let log = meta.app.import_log().await;
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].status, ImportStatus::Imported);
    assert_eq!(log[0].external_id.as_deref(), Some("5550001"));
    assert!(log[0].payload.contains("field_data"));
    assert!(!log[0].payload.contains(&page_token(&meta.page_id)));
}

#[tokio::test]
async fn a_redelivered_change_is_replayed_and_creates_one_lead() {
    let graph = graph_stand_in(&[graph_lead("5550002")]).await;
    let meta = MetaApp::spawn(&graph, |_| {}).await;
    assert_eq!(meta.deliver_leads(&["5550002"]).await.status, 200);

    let again = meta.deliver_leads(&["5550002"]).await;

    assert_eq!(again.status, 200, "{}", again.text);
    assert_eq!(again.json()["replayed"], 1);
    assert_eq!(meta.app.leads().await.len(), 1);
    let statuses = meta.app.import_statuses().await;
    assert_eq!(statuses, [ImportStatus::Replayed, ImportStatus::Imported]);
}

#[tokio::test]
async fn ids_sent_as_numbers_are_accepted() {
    let mut organic = graph_lead("5550008");
    organic.as_object_mut().unwrap().remove("ad_id");
    let graph = graph_stand_in(&[organic]).await;
    let meta = MetaApp::spawn(&graph, |_| {}).await;
    let page: u64 = meta.page_id.parse().unwrap();
    let delivery = json!({"object": "page", "entry": [{"id": page, "time": 1_795_521_601,
        "changes": [{"field": "leadgen", "value": {
            "leadgen_id": 5_550_008_u64, "page_id": page, "form_id": 908_070_605_040_302_u64,
            "created_time": 1_795_521_600, "unknown_field": {"nested": true}}}]}]});

    let response = meta.deliver(&delivery).await;

    assert_eq!(response.status, 200, "{}", response.text);
    let leads = meta.app.leads().await;
    assert_eq!(leads.len(), 1);
    assert_eq!(leads[0].external_id.as_deref(), Some("5550008"));
    assert!(
        !leads[0].custom_fields.contains_key("meta_ad_id"),
        "no ad: organic lead"
    );
}

#[tokio::test]
async fn a_change_for_an_unknown_page_is_acknowledged_and_nothing_is_stored() {
    let meta = MetaApp::spawn(NO_GRAPH, |_| {}).await;
    let stranger = unique_page_id();

    let response = meta
        .deliver(&leadgen_delivery(&stranger, &["5550009"]))
        .await;

    assert_eq!(response.status, 200, "{}", response.text);
    assert_eq!(response.json()["unrouted"], 1);
    assert!(meta.app.leads().await.is_empty());
    assert!(meta.app.import_log().await.is_empty());
}

#[tokio::test]
async fn a_paused_connector_logs_the_lead_as_failed_without_asking_meta() {
    let meta = MetaApp::spawn(NO_GRAPH, |c| c.status = ConnectorStatus::Paused).await;

    let response = meta.deliver_leads(&["5550019"]).await;

    assert_eq!(response.status, 200, "{}", response.text);
    assert!(meta.app.leads().await.is_empty());
    let log = meta.app.import_log().await;
    assert_eq!(log[0].status, ImportStatus::Failed);
    assert!(log[0].reason.as_deref().unwrap().contains("paused"));
}

#[tokio::test]
async fn a_lead_of_another_form_is_ignored_when_the_connector_is_tied_to_one_form() {
    let meta = MetaApp::spawn(NO_GRAPH, |c| c.settings.lead_form_id = Some("111".into())).await;

    let response = meta.deliver_leads(&["5550020"]).await;

    assert_eq!(response.status, 200, "{}", response.text);
    assert_eq!(response.json()["ignored"], 1);
    let log = meta.app.import_log().await;
    assert_eq!(log[0].status, ImportStatus::Ignored);
    let reason = log[0].reason.as_deref().unwrap();
    assert!(reason.contains("908070605040302"), "{reason}");
}

#[tokio::test]
async fn a_lead_registered_with_the_gateways_stand_in_is_imported_over_http() {
    let meta = MetaApp::spawn(NO_GRAPH, |_| {}).await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let secret = format!("meta-webhook-{}", meta.app.workspace_id());
    let handlers = local::doors(&meta.app.store, &meta.app.config, &secret, &base).unwrap();
    let routes = local::template::Template::load().unwrap().http_routes();
    let extra = local::graph::router(GraphLeads::default());
    tokio::spawn(local::gateway::serve_with(
        listener, routes, handlers, extra,
    ));
    let http = reqwest::Client::new();

    let registered = http
        .post(format!("{base}/_local/meta/leads"))
        .json(&graph_lead("5550023"))
        .send()
        .await
        .unwrap();
    assert_eq!(registered.status(), 201);
    let handshake = http
        .get(format!(
            "{base}/webhooks/meta?hub.mode=subscribe&hub.challenge=42&hub.verify_token=test-verify-token"
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(handshake.status(), 200);
    assert_eq!(handshake.text().await.unwrap(), "42");
    let body = leadgen_delivery(&meta.page_id, &["5550023"]).to_string();
    let delivered = http
        .post(format!("{base}/webhooks/meta"))
        .header(
            "x-hub-signature-256",
            meta::sign(APP_SECRET, body.as_bytes()),
        )
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap();

    assert_eq!(delivered.status(), 200);
    assert_eq!(meta.app.leads().await.len(), 1);
}
