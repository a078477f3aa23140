use super::app_at_a_set_time;
use serde_json::{json, Value};
use shared::domain::{LeadCandidate, Provider};
use shared::pipeline::{self, Delivery};

async fn stats(app: &e2e::TestApp, query: &str) -> e2e::TestResponse {
    app.admin("GET", &format!("/admin/stats?{query}"), None)
        .await
}

fn group<'a>(report: &'a Value, key: &str) -> &'a Value {
    let groups = report["groups"].as_array().unwrap();
    groups
        .iter()
        .find(|group| group["key"] == key)
        .unwrap_or_else(|| panic!("no group {key}: {report}"))
}

#[tokio::test]
async fn stats_count_deliveries_by_outcome_and_leads_per_day_from_the_import_log() {
    let (mut app, clock) = app_at_a_set_time().await;
    let form = local::seed::active_connector(
        &app.store,
        &mut app.seeded,
        Provider::WebsiteForm,
        |connector| connector.source_label = Some("homepage".into()),
    )
    .await
    .unwrap();
    let api = app.api_connector().id.to_string();
    let post = |external_id: &str| app.post_lead(e2e::lead_body(external_id));
    // 2026-11-29: two leads, a replay and a failure by the API.
    assert_eq!(post("day-1a").await.status, 201);
    assert_eq!(post("day-1b").await.status, 201);
    assert_eq!(post("day-1a").await.status, 200);
    assert_eq!(
        app.post_lead(json!({"customer_email": "x@example.com"}))
            .await
            .status,
        422
    );
    // 2026-11-30: one lead by each connector.
    clock.advance(chrono::Duration::days(1));
    assert_eq!(post("day-2").await.status, 201);
    let candidate = LeadCandidate {
        customer_name: Some("Form Lead".into()),
        customer_phone: Some("717-555-0142".into()),
        ..Default::default()
    };
    pipeline::import(&app.store, &form, candidate, &Delivery::default())
        .await
        .unwrap();
    // 2026-12-02: outside the range asked for below.
    clock.advance(chrono::Duration::days(2));
    assert_eq!(post("day-4").await.status, 201);

    let range = "since=2026-11-29&until=2026-12-01";
    let by_day = stats(&app, &format!("{range}&group_by=day")).await.json();
    let by_connector = stats(&app, &format!("{range}&group_by=connector"))
        .await
        .json();
    let by_source = stats(&app, &format!("{range}&group_by=source"))
        .await
        .json();
    clock.advance(chrono::Duration::minutes(1));
    let default = stats(&app, "").await.json();

    assert_eq!(by_day["totals"]["deliveries"], 6, "{by_day}");
    assert_eq!(by_day["totals"]["leads"], 4);
    assert_eq!(
        by_day["groups"].as_array().unwrap().len(),
        2,
        "every day of the range"
    );
    let first = group(&by_day, "2026-11-29");
    assert_eq!(
        (&first["deliveries"], &first["leads"]),
        (&json!(4), &json!(2))
    );
    assert_eq!(first["by_status"]["replayed"], 1);
    assert_eq!(first["by_status"]["failed"], 1);
    assert_eq!(group(&by_day, "2026-11-30")["leads"], 2);
    let from_api = group(&by_connector, &api);
    assert_eq!(from_api["deliveries"], 5);
    assert_eq!(
        from_api["leads_per_day"],
        json!({"2026-11-29": 2, "2026-11-30": 1})
    );
    assert!(from_api["name"].is_string());
    assert_eq!(group(&by_connector, form.id.as_str())["leads"], 1);
    assert_eq!(group(&by_source, "api")["deliveries"], 5);
    assert_eq!(
        group(&by_source, "homepage")["leads_per_day"],
        json!({"2026-11-30": 1})
    );
    assert_eq!(
        default["totals"]["deliveries"], 7,
        "the last 30 days: {default}"
    );
    let days = default["groups"].as_array().unwrap().len();
    assert_eq!(
        days, 31,
        "2026-11-02 10:01 to 2026-12-02 10:01 touches 31 days"
    );
    for bad in [
        "group_by=week",
        "since=2026-12-01&until=2026-11-01",
        "since=2025-01-01",
    ] {
        let response = stats(&app, bad).await;
        assert_eq!(response.status, 400, "{bad}: {}", response.text);
    }
}
