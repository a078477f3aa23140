//! `GET`/`POST /webhooks/meta` against moto (DynamoDB, Secrets Manager) and a Graph API
//! stand-in: the local gateway's for leads that exist, wiremock for Meta's failures.

use e2e::webhooks::{
    graph_lead, leadgen_delivery, page_token, unique_page_id, MetaApp, APP_SECRET,
};
use local::graph::GraphLeads;
use serde_json::{json, Value};
use shared::domain::{ConnectorStatus, ImportStatus};
use shared::providers::meta;
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// Nothing listens on the discard port: any Graph API call fails to connect.
const NO_GRAPH: &str = "http://127.0.0.1:9";

async fn stand_in(leads: &[Value]) -> String {
    let graph = GraphLeads::default();
    for lead in leads {
        graph.register(lead.clone()).unwrap();
    }
    local::graph::spawn(graph).await.unwrap()
}

fn graph_fault(status: u16, code: i64, subcode: Option<i64>, message: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_json(json!({"error": {
        "message": message, "type": "OAuthException", "code": code,
        "error_subcode": subcode, "fbtrace_id": "AbCdEf123"
    }}))
}

#[tokio::test]
async fn the_handshake_with_the_configured_token_answers_the_challenge() {
    let meta = MetaApp::spawn(NO_GRAPH, |_| {}).await;

    let response = meta
        .get("hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=test-verify-token")
        .await;

    assert_eq!(response.status, 200, "{}", response.text);
    assert_eq!(response.text, "1158201444");
    assert!(response
        .header("content-type")
        .unwrap()
        .starts_with("text/plain"));
}

#[tokio::test]
async fn a_handshake_with_another_token_or_mode_is_forbidden() {
    let meta = MetaApp::spawn(NO_GRAPH, |_| {}).await;

    for query in [
        "hub.mode=subscribe&hub.challenge=1&hub.verify_token=guess",
        "hub.mode=unsubscribe&hub.challenge=1&hub.verify_token=test-verify-token",
        "hub.mode=subscribe&hub.challenge=1",
        "",
    ] {
        let response = meta.get(query).await;
        assert_eq!(response.status, 403, "{query}");
        assert!(!response.text.contains("test-verify-token"));
    }
}

#[tokio::test]
async fn a_signed_leadgen_change_creates_a_lead_with_the_mapped_fields() {
    let graph = stand_in(&[graph_lead("5550001")]).await;
    let meta = MetaApp::spawn(&graph, |c| c.notes_prefix = Some("[Meta]".into())).await;

    let response = meta
        .deliver(&leadgen_delivery(&meta.page_id, &["5550001"]))
        .await;

    assert_eq!(response.status, 200, "{}", response.text);
    assert_eq!(response.json()["imported"], 1);
    let leads = meta.app.leads().await;
    assert_eq!(leads.len(), 1);
    let lead = &leads[0];
    assert_eq!(lead.customer_name, "Pat Example");
    assert_eq!(
        lead.customer_email.as_ref().unwrap().as_ref(),
        "pat@example.com"
    );
    assert_eq!(
        lead.customer_phone.as_ref().unwrap().as_ref(),
        "+17175550123"
    );
    assert_eq!(lead.service_address.as_deref(), Some("123 Main St"));
    assert_eq!(lead.zip.as_ref().unwrap().as_ref(), "17601");
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
    let graph = stand_in(&[graph_lead("5550002")]).await;
    let meta = MetaApp::spawn(&graph, |_| {}).await;
    let delivery = leadgen_delivery(&meta.page_id, &["5550002"]);
    assert_eq!(meta.deliver(&delivery).await.status, 200);

    let again = meta.deliver(&delivery).await;

    assert_eq!(again.status, 200, "{}", again.text);
    assert_eq!(again.json()["replayed"], 1);
    assert_eq!(meta.app.leads().await.len(), 1);
    let statuses: Vec<_> = meta
        .app
        .import_log()
        .await
        .iter()
        .map(|r| r.status)
        .collect();
    assert_eq!(statuses, [ImportStatus::Replayed, ImportStatus::Imported]);
}

#[tokio::test]
async fn a_bad_or_missing_signature_is_refused_and_nothing_is_stored() {
    let graph = stand_in(&[graph_lead("5550003")]).await;
    let meta = MetaApp::spawn(&graph, |_| {}).await;
    let body = leadgen_delivery(&meta.page_id, &["5550003"]).to_string();
    let other_body = leadgen_delivery(&meta.page_id, &["5550004"]).to_string();

    let signatures = [
        None,
        Some(meta::sign("not-the-app-secret", body.as_bytes())),
        Some(meta::sign(APP_SECRET, other_body.as_bytes())),
        Some("sha256=".to_owned()),
        Some("md5=abc".to_owned()),
    ];
    for signature in signatures {
        let response = meta.post(body.as_bytes(), signature.as_deref()).await;
        assert_eq!(response.status, 401, "{signature:?}: {}", response.text);
    }

    assert!(meta.app.leads().await.is_empty());
    assert!(meta.app.import_log().await.is_empty());
}

#[tokio::test]
async fn the_signature_is_checked_over_the_raw_bytes_as_sent() {
    let graph = stand_in(&[graph_lead("5550005"), graph_lead("5550006")]).await;
    let meta = MetaApp::spawn(&graph, |_| {}).await;
    // Spacing and escapes that re-serialising the JSON would change.
    let body = format!(
        "{{ \"object\" : \"page\",\n \"entry\": [ {{\"id\": \"{page}\", \"time\": 1,\n \
         \"changes\": [{{\"field\": \"lead\\u0067en\", \"value\": {{\"leadgen_id\": \"5550005\", \
         \"page_id\": \"{page}\", \"note\": \"caf\\u00e9 \u{1F600}\"}}}}]}}]}}",
        page = meta.page_id
    );
    let signature = meta::sign(APP_SECRET, body.as_bytes());

    let response = meta.post(body.as_bytes(), Some(&signature)).await;

    assert_eq!(response.status, 200, "{}", response.text);
    assert_eq!(response.json()["imported"], 1);
}

#[tokio::test]
async fn a_base64_encoded_body_is_verified_over_its_decoded_bytes() {
    use base64::Engine;
    let graph = stand_in(&[graph_lead("5550007")]).await;
    let meta = MetaApp::spawn(&graph, |_| {}).await;
    let body = leadgen_delivery(&meta.page_id, &["5550007"]).to_string();
    let signature = meta::sign(APP_SECRET, body.as_bytes());
    let mut event = local::gateway::HttpCall {
        route_key: "POST /webhooks/meta".into(),
        method: "POST".into(),
        path: "/webhooks/meta".into(),
        headers: vec![("x-hub-signature-256".into(), signature)],
        source_ip: "173.252.127.1".into(),
        ..Default::default()
    }
    .event();
    event["body"] = base64::engine::general_purpose::STANDARD
        .encode(&body)
        .into();
    event["isBase64Encoded"] = true.into();
    let request = lambda_http::request::from_str(&event.to_string()).unwrap();

    let response = e2e::TestResponse::from_lambda(shared::http::answer(&meta.deps, request).await);

    assert_eq!(response.status, 200, "{}", response.text);
    assert_eq!(meta.app.leads().await.len(), 1);
}

#[tokio::test]
async fn ids_sent_as_numbers_are_accepted() {
    let mut organic = graph_lead("5550008");
    organic.as_object_mut().unwrap().remove("ad_id");
    let graph = stand_in(&[organic]).await;
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
async fn an_expired_page_token_is_logged_as_failed_with_a_reason_an_admin_can_act_on() {
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

    let response = meta
        .deliver(&leadgen_delivery(&meta.page_id, &["5550010"]))
        .await;

    assert_eq!(response.status, 200, "{}", response.text);
    assert_eq!(response.json()["failed"], 1);
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
    let graph = MockServer::start().await;
    let meta = MetaApp::spawn(&graph.uri(), |_| {}).await;
    Mock::given(method("GET"))
        .respond_with(graph_fault(500, 2, None, "Service temporarily unavailable"))
        .mount(&graph)
        .await;
    let delivery = leadgen_delivery(&meta.page_id, &["5550011"]);

    let response = meta.deliver(&delivery).await;

    assert_eq!(response.status, 503, "{}", response.text);
    assert!(meta.app.leads().await.is_empty());
    assert!(meta.app.import_log().await.is_empty());

    graph.reset().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(graph_lead("5550011")))
        .mount(&graph)
        .await;
    let redelivered = meta.deliver(&delivery).await;
    assert_eq!(redelivered.status, 200, "{}", redelivered.text);
    assert_eq!(meta.app.leads().await.len(), 1);
}

#[tokio::test]
async fn an_unreachable_graph_api_or_rate_limit_answers_503() {
    let meta = MetaApp::spawn(NO_GRAPH, |_| {}).await;
    let response = meta
        .deliver(&leadgen_delivery(&meta.page_id, &["5550012"]))
        .await;
    assert_eq!(response.status, 503, "{}", response.text);

    let graph = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(graph_fault(400, 32, None, "Page request limit reached"))
        .mount(&graph)
        .await;
    let limited = MetaApp::spawn(&graph.uri(), |_| {}).await;
    let response = limited
        .deliver(&leadgen_delivery(&limited.page_id, &["5550013"]))
        .await;
    assert_eq!(response.status, 503, "{}", response.text);
    assert!(limited.app.import_log().await.is_empty());
}

#[tokio::test]
async fn one_bad_change_does_not_block_the_others_in_a_delivery() {
    let mut unreachable = graph_lead("5550016");
    unreachable["field_data"] = json!([{"name": "full_name", "values": ["No Contact"]}]);
    let graph = stand_in(&[graph_lead("5550014"), graph_lead("5550015"), unreachable]).await;
    let meta = MetaApp::spawn(&graph, |_| {}).await;
    // 5550099 does not exist in the Graph API; 5550016 has no email or phone.
    let ids = ["5550014", "5550099", "5550016", "5550015"];

    let response = meta.deliver(&leadgen_delivery(&meta.page_id, &ids)).await;

    assert_eq!(response.status, 200, "{}", response.text);
    let report = response.json();
    assert_eq!(
        (report["imported"].as_u64(), report["failed"].as_u64()),
        (Some(2), Some(2))
    );
    let mut stored: Vec<_> = meta
        .app
        .leads()
        .await
        .into_iter()
        .filter_map(|l| l.external_id)
        .collect();
    stored.sort();
    assert_eq!(stored, ["5550014", "5550015"]);
    let log = meta.app.import_log().await;
    let failed: Vec<_> = log
        .iter()
        .filter(|r| r.status == ImportStatus::Failed)
        .collect();
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
    let delivery = leadgen_delivery(&meta.page_id, &["5550017", "5550018"]);

    let first = meta.deliver(&delivery).await;
    assert_eq!(first.status, 503, "{}", first.text);
    let stored: Vec<_> = meta
        .app
        .leads()
        .await
        .into_iter()
        .filter_map(|l| l.external_id)
        .collect();
    assert_eq!(stored, ["5550017"]);

    let second = meta.deliver(&delivery).await;
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
async fn a_paused_connector_logs_the_lead_as_failed_without_asking_meta() {
    let meta = MetaApp::spawn(NO_GRAPH, |c| c.status = ConnectorStatus::Paused).await;

    let response = meta
        .deliver(&leadgen_delivery(&meta.page_id, &["5550019"]))
        .await;

    assert_eq!(response.status, 200, "{}", response.text);
    assert!(meta.app.leads().await.is_empty());
    let log = meta.app.import_log().await;
    assert_eq!(log[0].status, ImportStatus::Failed);
    assert!(log[0].reason.as_deref().unwrap().contains("paused"));
}

#[tokio::test]
async fn a_lead_of_another_form_is_ignored_when_the_connector_is_tied_to_one_form() {
    let meta = MetaApp::spawn(NO_GRAPH, |c| c.settings.lead_form_id = Some("111".into())).await;

    let response = meta
        .deliver(&leadgen_delivery(&meta.page_id, &["5550020"]))
        .await;

    assert_eq!(response.status, 200, "{}", response.text);
    assert_eq!(response.json()["ignored"], 1);
    let log = meta.app.import_log().await;
    assert_eq!(log[0].status, ImportStatus::Ignored);
    assert!(log[0]
        .reason
        .as_deref()
        .unwrap()
        .contains("908070605040302"));
}

#[tokio::test]
async fn a_page_without_a_token_in_the_secret_is_logged_as_failed() {
    let page = unique_page_id();
    let meta = MetaApp::spawn_for(NO_GRAPH, &page, "", |_| {}).await;

    let response = meta.deliver(&leadgen_delivery(&page, &["5550021"])).await;

    assert_eq!(response.status, 200, "{}", response.text);
    let log = meta.app.import_log().await;
    assert_eq!(log[0].status, ImportStatus::Failed);
    assert!(log[0].reason.as_deref().unwrap().contains("page_tokens"));
}

#[tokio::test]
async fn dynamodb_unavailable_answers_503() {
    let graph = stand_in(&[graph_lead("5550022")]).await;
    let mut meta = MetaApp::spawn(&graph, |_| {}).await;
    let nowhere = local::moto::sdk_config(NO_GRAPH).await;
    meta.deps.store =
        shared::store::Store::new(shared::aws::dynamodb(&nowhere), "lead-connectors-local");

    let response = meta
        .deliver(&leadgen_delivery(&meta.page_id, &["5550022"]))
        .await;

    assert_eq!(response.status, 503, "{}", response.text);
}

#[tokio::test]
async fn a_lead_registered_with_the_gateways_stand_in_is_imported_over_http() {
    let meta = MetaApp::spawn(NO_GRAPH, |_| {}).await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let secret = format!("meta-webhook-{}", meta.app.workspace_id());
    let handlers = local::doors(
        &meta.app.store,
        &meta.app.config,
        &secret,
        &local::graph::base(&base),
    )
    .unwrap();
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
