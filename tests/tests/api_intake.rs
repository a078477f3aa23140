//! `POST /api/v1/leads` against a real DynamoDB API (moto).

use e2e::{lead_body, TestApp, TestResponse};
use serde_json::json;
use shared::domain::{ImportStatus, Scope};
use shared::store::Store;

#[tokio::test]
async fn a_valid_lead_is_imported_with_its_client_and_log_entry() {
    let app = TestApp::spawn().await;

    let response = app.post_lead(lead_body("lead-1")).await;

    assert_eq!(response.status, 201, "{}", response.text);
    let body = response.json();
    assert_eq!(body["status"], "imported");
    assert_eq!(body["source"], "api");
    let leads = app.leads().await;
    assert_eq!(leads.len(), 1);
    let lead = &leads[0];
    assert_eq!(body["lead_id"], lead.id.as_str());
    assert_eq!(body["client_id"], lead.client_id.as_str());
    assert_eq!(
        lead.customer_phone.as_ref().unwrap().as_ref(),
        "+17175550123"
    );
    assert_eq!(
        lead.customer_email.as_ref().unwrap().as_ref(),
        "pat@example.com"
    );
    assert_eq!(lead.external_id.as_deref(), Some("lead-1"));
    assert_eq!(app.items("CLIENT#").await.len(), 1);
    let log = app.import_log().await;
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].status, ImportStatus::Imported);
    assert_eq!(log[0].lead_id.as_deref(), Some(lead.id.as_str()));
    assert!(log[0].payload.contains("Pat Example"));
    assert_eq!(log[0].origin.source_ip.as_deref(), Some("203.0.113.10"));
}

#[tokio::test]
async fn a_second_delivery_of_an_external_id_replays_the_first_lead() {
    let app = TestApp::spawn().await;
    let first = app.post_lead(lead_body("lead-2")).await.json();

    let second = app.post_lead(lead_body("lead-2")).await;

    assert_eq!(second.status, 200);
    assert_eq!(second.json()["status"], "replayed");
    assert_eq!(second.json()["lead_id"], first["lead_id"]);
    assert_eq!(app.leads().await.len(), 1);
    let statuses: Vec<_> = app.import_log().await.iter().map(|r| r.status).collect();
    assert_eq!(statuses, [ImportStatus::Replayed, ImportStatus::Imported]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn twenty_concurrent_deliveries_of_one_external_id_create_one_lead() {
    let app = TestApp::spawn().await;

    let mut deliveries = tokio::task::JoinSet::new();
    for _ in 0..20 {
        let deps = app.api_deps();
        let request = app.authorised_lead_request("lead-burst");
        deliveries.spawn(async move { shared::http::answer(&deps, request).await });
    }
    let responses: Vec<_> = deliveries
        .join_all()
        .await
        .into_iter()
        .map(TestResponse::from_lambda)
        .collect();

    let created = responses.iter().filter(|r| r.status == 201).count();
    let replayed = responses.iter().filter(|r| r.status == 200).count();
    assert_eq!(
        (created, replayed),
        (1, 19),
        "{:?}",
        responses.iter().map(|r| &r.text).collect::<Vec<_>>()
    );
    let lead_ids: std::collections::HashSet<_> = responses
        .iter()
        .map(|r| r.json()["lead_id"].to_string())
        .collect();
    assert_eq!(lead_ids.len(), 1);
    assert_eq!(app.leads().await.len(), 1);
    assert_eq!(app.items("CLIENT#").await.len(), 1);
    let log = app.import_log().await;
    assert_eq!(
        log.iter()
            .filter(|r| r.status == ImportStatus::Imported)
            .count(),
        1
    );
    assert_eq!(
        log.iter()
            .filter(|r| r.status == ImportStatus::Replayed)
            .count(),
        19
    );
}

#[tokio::test]
async fn leads_with_a_known_email_or_phone_join_the_same_client() {
    let app = TestApp::spawn().await;
    let first = app.post_lead(lead_body("a")).await.json();

    let same_email = app
        .post_lead(json!({"customer_name": "Pat E.", "customer_email": "PAT@example.com", "external_id": "b"}))
        .await
        .json();
    let same_phone = app
        .post_lead(json!({"customer_name": "Patricia", "customer_phone": "717-555-0123", "external_id": "c"}))
        .await
        .json();
    let stranger = app
        .post_lead(json!({"customer_name": "Sam Other", "customer_email": "sam@example.com"}))
        .await
        .json();

    assert_eq!(same_email["client_id"], first["client_id"]);
    assert_eq!(same_phone["client_id"], first["client_id"]);
    assert_ne!(stranger["client_id"], first["client_id"]);
    assert_eq!(app.leads().await.len(), 4);
    assert_eq!(app.items("CLIENT#").await.len(), 2);
}

#[tokio::test]
async fn aliases_map_fields_and_the_rest_are_kept_as_custom_fields() {
    let app = TestApp::spawn_with(|c| {
        c.field_aliases.insert("who".into(), "customer_name".into());
        c.field_aliases
            .insert("requested".into(), "service_interest".into());
        c.notes_prefix = Some("[Zapier]".into());
        c.source_label = Some("zapier".into());
    })
    .await;

    let response = app
        .post_lead(json!({
            "who": "Kathy Kline",
            "contact": {"email": "kathy@example.com", "phone_number": "7175551234"},
            "requested": "Roof Cleaning",
            "message": "Two-story house",
            "Roof Age (years)": 12,
        }))
        .await;

    assert_eq!(response.status, 201, "{}", response.text);
    assert_eq!(response.json()["source"], "zapier");
    let lead = app.leads().await.remove(0);
    assert_eq!(lead.customer_name, "Kathy Kline");
    assert_eq!(lead.customer_email.unwrap().as_ref(), "kathy@example.com");
    assert_eq!(lead.customer_phone.unwrap().as_ref(), "+17175551234");
    assert_eq!(lead.service_interest.as_deref(), Some("Roof Cleaning"));
    assert_eq!(lead.notes.as_deref(), Some("[Zapier] Two-story house"));
    assert_eq!(
        lead.custom_fields
            .get("Roof Age (years)")
            .map(String::as_str),
        Some("12")
    );
    assert_eq!(lead.source, "zapier");
}

#[tokio::test]
async fn the_connector_rep_or_else_the_territory_of_the_zip_is_assigned() {
    let app = TestApp::spawn().await;
    app.store
        .put_territory(app.workspace_id(), "17601", "rep.lancaster@example.com")
        .await
        .unwrap();

    let by_territory = app.post_lead(lead_body("t-1")).await.json();
    let elsewhere = app
        .post_lead(json!({"customer_name": "Far Away", "customer_email": "far@example.com", "zip": "90210"}))
        .await
        .json();

    assert_eq!(by_territory["assigned_rep"], "rep.lancaster@example.com");
    assert_eq!(elsewhere["assigned_rep"], serde_json::Value::Null);

    let with_rep = TestApp::spawn_with(|c| c.assigned_rep = Some("owner@example.com".into())).await;
    let by_connector = with_rep.post_lead(lead_body("t-2")).await.json();
    assert_eq!(by_connector["assigned_rep"], "owner@example.com");
}

#[tokio::test]
async fn every_validation_failure_is_a_422_with_its_field_and_is_logged() {
    let app = TestApp::spawn().await;
    let cases = [
        (
            json!({"customer_email": "pat@example.com"}),
            "customer_name",
        ),
        (json!({"customer_name": "Pat"}), "customer_email"),
        (
            json!({"customer_name": "Pat", "customer_email": "pat@"}),
            "customer_email",
        ),
        (
            json!({"customer_name": "Pat", "customer_phone": "12"}),
            "customer_phone",
        ),
        (
            json!({"customer_name": "Pat", "customer_phone": "7175550123", "zip": "??"}),
            "zip",
        ),
        (
            json!({"connector_key": "lc_conn_unknown", "customer_name": "Pat"}),
            "connector_key",
        ),
    ];

    for (body, field) in &cases {
        let response = app.post_lead(body.clone()).await;

        assert_eq!(response.status, 422, "{body}: {}", response.text);
        assert_eq!(
            response.header("content-type"),
            Some("application/problem+json")
        );
        let problem = response.json();
        assert_eq!(problem["status"], 422);
        assert!(
            problem["errors"]
                .as_array()
                .unwrap()
                .iter()
                .any(|e| e["field"] == *field),
            "{body} should fail on {field}: {problem}"
        );
    }
    let without_key = app
        .post_raw(
            &[("authorization", &format!("Bearer {}", app.seeded.api_key))],
            json!({"customer_name": "Pat", "customer_email": "p@example.com"})
                .to_string()
                .as_bytes(),
        )
        .await;
    assert_eq!(without_key.status, 422);

    assert!(app.leads().await.is_empty());
    let log = app.import_log().await;
    assert_eq!(log.len(), cases.len() + 1);
    assert!(log
        .iter()
        .all(|r| r.status == ImportStatus::Failed && r.reason.is_some()));
}

#[tokio::test]
async fn malformed_bodies_are_400_and_logged() {
    let app = TestApp::spawn().await;
    let auth = format!("Bearer {}", app.seeded.api_key);
    let headers = [
        ("authorization", auth.as_str()),
        ("content-type", "application/json"),
    ];

    let broken = app.post_raw(&headers, b"{\"customer_name\": ").await;
    let list = app.post_raw(&headers, b"[1, 2]").await;

    assert_eq!(broken.status, 400);
    assert_eq!(broken.json()["type"], "/problems/malformed-request");
    assert_eq!(list.status, 400);
    let log = app.import_log().await;
    assert_eq!(log.len(), 2);
    assert!(log.iter().all(|r| r.status == ImportStatus::Failed));
}

#[tokio::test]
async fn oversized_or_non_json_bodies_are_refused() {
    let app = TestApp::spawn().await;
    let auth = format!("Bearer {}", app.seeded.api_key);

    let huge = vec![b'a'; 256 * 1024 + 1];
    let too_large = app
        .post_raw(
            &[
                ("authorization", &auth),
                ("content-type", "application/json"),
            ],
            &huge,
        )
        .await;
    let form = app
        .post_raw(
            &[
                ("authorization", &auth),
                ("content-type", "application/x-www-form-urlencoded"),
            ],
            b"customer_name=Pat",
        )
        .await;

    assert_eq!(too_large.status, 413);
    assert_eq!(form.status, 415);
}

#[tokio::test]
async fn missing_invalid_revoked_or_unscoped_keys_are_refused_and_nothing_is_stored() {
    let app = TestApp::spawn().await;
    let body = json!({"connector_key": app.connector_key(), "customer_name": "Pat", "customer_email": "p@example.com"});
    let body = body.to_string();
    let admin = format!("Bearer {}", app.seeded.admin_key);
    let (revoked_key, _) =
        shared::auth::issue_key(&app.store, app.workspace_id(), vec![Scope::LeadsWrite])
            .await
            .unwrap();
    revoke(&app.store, &revoked_key).await;
    let revoked = format!("Bearer {revoked_key}");

    let cases: [(&[(&str, &str)], u16); 5] = [
        (&[], 401),
        (&[("authorization", "Bearer lc_live_not-a-real-key")], 401),
        (&[("authorization", "Basic dXNlcjpwYXNz")], 401),
        (&[("authorization", &revoked)], 401),
        (&[("authorization", &admin)], 403),
    ];
    for (headers, status) in cases {
        let response = app.post_raw(headers, body.as_bytes()).await;
        assert_eq!(response.status, status, "{headers:?}: {}", response.text);
        assert!(
            !response.text.contains("lc_live_"),
            "no key in the problem: {}",
            response.text
        );
    }
    assert!(app.leads().await.is_empty());
}

async fn revoke(store: &Store, key: &str) {
    let hash = shared::auth::key_hash(key);
    store
        .client()
        .update_item()
        .table_name(store.table())
        .key(
            "pk",
            aws_sdk_dynamodb::types::AttributeValue::S(format!("APIKEY#{hash}")),
        )
        .key(
            "sk",
            aws_sdk_dynamodb::types::AttributeValue::S("APIKEY".into()),
        )
        .update_expression("SET revoked_at = :now")
        .expression_attribute_values(
            ":now",
            aws_sdk_dynamodb::types::AttributeValue::S(store.clock().stamp()),
        )
        .send()
        .await
        .unwrap();
}

#[tokio::test]
async fn another_workspaces_connector_key_is_unknown_here() {
    let app = TestApp::spawn().await;
    let other = TestApp::spawn().await;

    let response = app
        .post_lead(json!({"connector_key": other.connector_key(), "customer_name": "Pat", "customer_email": "p@example.com"}))
        .await;

    assert_eq!(response.status, 422);
    assert!(other.leads().await.is_empty() && app.leads().await.is_empty());
}

#[tokio::test]
async fn a_paused_or_draft_connector_refuses_leads_with_403_and_logs_it() {
    for status in [
        shared::domain::ConnectorStatus::Paused,
        shared::domain::ConnectorStatus::Draft,
    ] {
        let app = TestApp::spawn_with(|c| c.status = status).await;

        let response = app.post_lead(lead_body("x")).await;

        assert_eq!(response.status, 403, "{}", response.text);
        assert!(response.json()["detail"]
            .as_str()
            .unwrap()
            .contains(status.key()));
        assert!(app.leads().await.is_empty());
        let log = app.import_log().await;
        assert_eq!(log.len(), 1);
        assert_eq!(log[0].status, ImportStatus::Failed);
    }
}

#[tokio::test]
async fn an_idempotency_key_replays_the_stored_response() {
    let app = TestApp::spawn().await;
    let key = [("idempotency-key", "upstream-lead-77")];

    let first = app
        .post_lead_with(&key, lead_body("upstream-lead-77"))
        .await;
    let again = app
        .post_lead_with(&key, lead_body("upstream-lead-77"))
        .await;

    assert_eq!(first.status, 201);
    assert_eq!(again.status, 201);
    assert_eq!(again.header("idempotent-replayed"), Some("true"));
    assert_eq!(again.text, first.text);
    assert_eq!(app.leads().await.len(), 1);
    assert_eq!(
        app.import_log().await.len(),
        1,
        "a replay does not run the pipeline again"
    );
}

#[tokio::test]
async fn an_idempotency_key_with_another_body_is_422() {
    let app = TestApp::spawn().await;
    let key = [("idempotency-key", "k-1")];
    app.post_lead_with(&key, lead_body("one")).await;

    let other = app.post_lead_with(&key, lead_body("two")).await;

    assert_eq!(other.status, 422);
    assert!(other.json()["detail"]
        .as_str()
        .unwrap()
        .contains("different body"));
    assert_eq!(app.leads().await.len(), 1);
}

#[tokio::test]
async fn an_idempotency_key_still_in_progress_is_409() {
    let app = TestApp::spawn().await;
    let mut body = lead_body("slow");
    body["connector_key"] = app.connector_key().into();
    let hash = shared::idempotency::request_hash(body.to_string().as_bytes());
    let now = chrono_now();
    app.store
        .idempotency_begin(app.workspace_id(), "k-busy", &hash, now, 60, 86_400)
        .await
        .unwrap();

    let response = app
        .post_lead_with(&[("idempotency-key", "k-busy")], body)
        .await;

    assert_eq!(response.status, 409);
    assert!(app.leads().await.is_empty());
}

fn chrono_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

#[tokio::test]
async fn an_invalid_idempotency_key_is_400() {
    let app = TestApp::spawn().await;
    let long = "k".repeat(256);

    let response = app
        .post_lead_with(&[("idempotency-key", &long)], lead_body("z"))
        .await;

    assert_eq!(response.status, 400);
}

#[tokio::test]
async fn a_missing_table_answers_503_migration_required() {
    let app = TestApp::spawn().await;
    let deps = api_intake::ApiIntake {
        store: Store::new(app.store.client().clone(), "lead-connectors-not-migrated"),
    };
    let request = local::gateway::HttpCall {
        route_key: "POST /api/v1/leads".into(),
        method: "POST".into(),
        path: "/api/v1/leads".into(),
        headers: vec![(
            "authorization".into(),
            format!("Bearer {}", app.seeded.api_key),
        )],
        body: lead_body("m").to_string().into_bytes(),
        ..Default::default()
    }
    .request()
    .unwrap();

    let response = e2e::TestResponse::from_lambda(shared::http::answer(&deps, request).await);

    assert_eq!(response.status, 503);
    assert_eq!(response.json()["type"], "/problems/migration-required");
    assert!(response.json()["detail"]
        .as_str()
        .unwrap()
        .contains("migration"));
}
