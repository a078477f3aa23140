//! When fetching a lead fails: Meta's errors logged with a reason an admin can act on,
//! outages and missing or expired page tokens answered 503 so that Meta redelivers,
//! and one bad change never blocking the others.

use e2e::webhooks::{
    graph_lead, graph_stand_in, leadgen_delivery, page_token, unique_page_id, MetaApp, NO_GRAPH,
};
use serde_json::json;
use shared::domain::ImportStatus;
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// The error the Graph API answers with, as Meta documents it.
fn graph_fault(status: u16, code: i64, subcode: Option<i64>, message: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_json(json!({"error": {
        "message": message, "type": "OAuthException", "code": code,
        "error_subcode": subcode, "fbtrace_id": "AbCdEf123"
    }}))
}

/// A Graph API that answers every lead with `answer`.
async fn graph_answering(answer: ResponseTemplate) -> MockServer {
    let graph = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(answer)
        .mount(&graph)
        .await;
    graph
}

#[tokio::test]
async fn an_expired_page_token_is_logged_as_failed_with_a_reason_and_redelivered() {
    let graph = MockServer::start().await;
    let meta = MetaApp::spawn(&graph.uri(), |_| {}).await;
    Mock::given(method("GET"))
        .and(path("/v21.0/5550010"))
        .and(query_param("access_token", page_token(&meta.page_id)))
        .respond_with(graph_fault(
            400,
            190,
            Some(463),
            "Error validating access token",
        ))
        .expect(1)
        .mount(&graph)
        .await;

    let response = meta.deliver_leads(&["5550010"]).await;

    assert_eq!(
        response.status, 503,
        "Meta delivers it again: {}",
        response.text
    );
    assert!(meta.app.leads().await.is_empty());
    let log = meta.app.import_log().await;
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].status, ImportStatus::Failed);
    assert_eq!(log[0].external_id.as_deref(), Some("5550010"));
    let reason = log[0].reason.as_deref().unwrap();
    assert!(reason.contains("code 190"), "{reason}");
    assert!(reason.contains("Reconnect the Facebook page"), "{reason}");
}

#[tokio::test]
async fn graph_api_down_answers_503_stores_nothing_and_the_redelivery_imports_the_lead() {
    let graph = graph_answering(graph_fault(500, 2, None, "Service temporarily unavailable")).await;
    let meta = MetaApp::spawn(&graph.uri(), |_| {}).await;

    let response = meta.deliver_leads(&["5550011"]).await;

    assert_eq!(response.status, 503, "{}", response.text);
    assert!(meta.app.leads().await.is_empty());
    assert!(meta.app.import_log().await.is_empty());

    graph.reset().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(graph_lead("5550011")))
        .mount(&graph)
        .await;
    let redelivered = meta.deliver_leads(&["5550011"]).await;
    assert_eq!(redelivered.status, 200, "{}", redelivered.text);
    assert_eq!(meta.app.leads().await.len(), 1);
}

#[tokio::test]
async fn an_unreachable_graph_api_or_rate_limit_answers_503() {
    let meta = MetaApp::spawn(NO_GRAPH, |_| {}).await;
    let response = meta.deliver_leads(&["5550012"]).await;
    assert_eq!(response.status, 503, "{}", response.text);

    let graph = graph_answering(graph_fault(400, 32, None, "Page request limit reached")).await;
    let limited = MetaApp::spawn(&graph.uri(), |_| {}).await;
    let response = limited.deliver_leads(&["5550013"]).await;
    assert_eq!(response.status, 503, "{}", response.text);
    assert!(limited.app.import_log().await.is_empty());
}

#[tokio::test]
async fn one_bad_change_does_not_block_the_others_in_a_delivery() {
    let mut unreachable = graph_lead("5550016");
    unreachable["field_data"] = json!([{"name": "full_name", "values": ["No Contact"]}]);
    let graph = graph_stand_in(&[graph_lead("5550014"), graph_lead("5550015"), unreachable]).await;
    let meta = MetaApp::spawn(&graph, |_| {}).await;
    // 5550099 does not exist in the Graph API; 5550016 has no email or phone.
    let ids = ["5550014", "5550099", "5550016", "5550015"];

    let response = meta.deliver_leads(&ids).await;

    assert_eq!(response.status, 200, "{}", response.text);
    let report = response.json();
    assert_eq!(
        (report["imported"].as_u64(), report["failed"].as_u64()),
        (Some(2), Some(2))
    );
    let mut stored = meta.app.lead_external_ids().await;
    stored.sort();
    assert_eq!(stored, ["5550014", "5550015"]);
    let failed = meta.app.failed_imports().await;
    assert_eq!(failed.len(), 2);
    assert!(failed
        .iter()
        .any(|r| r.reason.as_deref().unwrap().contains("code 100")));
}

#[tokio::test]
async fn a_graph_outage_for_one_change_keeps_the_others_and_redelivery_finishes_it() {
    let graph = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v21.0/5550017"))
        .respond_with(ResponseTemplate::new(200).set_body_json(graph_lead("5550017")))
        .mount(&graph)
        .await;
    Mock::given(method("GET"))
        .and(path("/v21.0/5550018"))
        .respond_with(ResponseTemplate::new(502))
        .up_to_n_times(1)
        .mount(&graph)
        .await;
    Mock::given(method("GET"))
        .and(path("/v21.0/5550018"))
        .respond_with(ResponseTemplate::new(200).set_body_json(graph_lead("5550018")))
        .mount(&graph)
        .await;
    let meta = MetaApp::spawn(&graph.uri(), |_| {}).await;

    let first = meta.deliver_leads(&["5550017", "5550018"]).await;
    assert_eq!(first.status, 503, "{}", first.text);
    assert_eq!(meta.app.lead_external_ids().await, ["5550017"]);

    let second = meta.deliver_leads(&["5550017", "5550018"]).await;
    assert_eq!(second.status, 200, "{}", second.text);
    assert_eq!(
        (
            second.json()["replayed"].as_u64(),
            second.json()["imported"].as_u64()
        ),
        (Some(1), Some(1))
    );
    assert_eq!(meta.app.leads().await.len(), 2);
}

#[tokio::test]
async fn a_page_without_a_token_in_the_workspace_is_logged_as_failed_and_redelivered() {
    let page = unique_page_id();
    let meta = MetaApp::spawn_for(NO_GRAPH, &page, "", |_| {}).await;

    let response = meta.deliver(&leadgen_delivery(&page, &["5550021"])).await;

    assert_eq!(response.status, 503, "{}", response.text);
    let log = meta.app.import_log().await;
    assert_eq!(log[0].status, ImportStatus::Failed);
    let reason = log[0].reason.as_deref().unwrap();
    assert!(reason.contains("PUT /admin/meta/pages/"), "{reason}");
}

#[tokio::test]
async fn dynamodb_unavailable_answers_503() {
    let graph = graph_stand_in(&[graph_lead("5550022")]).await;
    let mut meta = MetaApp::spawn(&graph, |_| {}).await;
    let nowhere = local::moto::sdk_config(NO_GRAPH).await;
    meta.deps.store =
        shared::store::Store::new(shared::aws::dynamodb(&nowhere), "lead-connectors-local");

    let response = meta.deliver_leads(&["5550022"]).await;

    assert_eq!(response.status, 503, "{}", response.text);
}
