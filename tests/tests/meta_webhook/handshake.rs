//! Meta's side of trust: the subscription handshake with the verify token, and the
//! `X-Hub-Signature-256` of every delivery, checked over the bytes as sent.

use e2e::webhooks::{graph_lead, graph_stand_in, leadgen_delivery, MetaApp, APP_SECRET, NO_GRAPH};
use shared::providers::meta;

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
async fn a_bad_or_missing_signature_is_refused_and_nothing_is_stored() {
    let graph = graph_stand_in(&[graph_lead("5550003")]).await;
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
    let graph = graph_stand_in(&[graph_lead("5550005"), graph_lead("5550006")]).await;
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
    let graph = graph_stand_in(&[graph_lead("5550007")]).await;
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
