use super::{app_at_a_set_time, column, names};
use e2e::TestApp;
use serde_json::json;
use shared::domain::{LeadCandidate, Provider};
use shared::pipeline::{self, Delivery};

fn lead(name: &str, email: &str, phone: &str, external_id: &str) -> serde_json::Value {
    json!({"customer_name": name, "customer_email": email, "customer_phone": phone,
           "external_id": external_id})
}

#[tokio::test]
async fn leads_are_listed_newest_first_a_page_at_a_time() {
    let (app, clock) = app_at_a_set_time().await;
    for (n, name) in ["Ann First", "Bob Second", "Cy Third"]
        .into_iter()
        .enumerate()
    {
        let body = lead(name, &format!("p{n}@example.com"), "", &format!("page-{n}"));
        assert_eq!(app.post_lead(body).await.status, 201);
        clock.advance(chrono::Duration::minutes(1));
    }

    let first = app.admin("GET", "/admin/leads?limit=2", None).await.json();
    let cursor = first["cursor"].as_str().expect("a next page");
    let second = app
        .admin(
            "GET",
            &format!("/admin/leads?limit=2&cursor={cursor}"),
            None,
        )
        .await
        .json();

    assert_eq!(column(&first, "customer_name"), ["Cy Third", "Bob Second"]);
    assert_eq!(column(&second, "customer_name"), ["Ann First"]);
    assert_eq!(second["cursor"], json!(null));
    assert_eq!(first["items"][0]["customer_email"], "p2@example.com");
    let bad = app.admin("GET", "/admin/leads?cursor=bm9wZQ", None).await;
    assert_eq!(bad.status, 400, "{}", bad.text);
}

#[tokio::test]
async fn filters_narrow_the_list_by_connector_source_rep_and_time() {
    let (mut app, clock) = app_at_a_set_time().await;
    let form = local::seed::active_connector(
        &app.store,
        &mut app.seeded,
        Provider::WebsiteForm,
        |connector| {
            connector.source_label = Some("homepage".into());
            connector.assigned_rep = Some("web@example.com".into());
        },
    )
    .await
    .unwrap();
    assert_eq!(
        app.post_lead(lead("Api Early", "a@example.com", "", "f-1"))
            .await
            .status,
        201
    );
    clock.advance(chrono::Duration::days(1));
    let candidate = LeadCandidate {
        customer_name: Some("Form Later".into()),
        customer_email: Some("f@example.com".into()),
        ..Default::default()
    };
    let outcome = pipeline::import(&app.store, &form, candidate, &Delivery::default()).await;
    assert_eq!(outcome.unwrap().status().key(), "imported");

    let by_connector = format!("connector_id={}", form.id);
    assert_eq!(names(&app, &by_connector).await, ["Form Later"]);
    assert_eq!(names(&app, "source=homepage").await, ["Form Later"]);
    assert_eq!(names(&app, "source=api").await, ["Api Early"]);
    assert_eq!(
        names(&app, "assigned_rep=WEB@example.com").await,
        ["Form Later"]
    );
    assert_eq!(names(&app, "since=2026-11-30").await, ["Form Later"]);
    assert_eq!(names(&app, "until=2026-11-30").await, ["Api Early"]);
    let window = "since=2026-11-29T09:00:00Z&until=2026-11-29T11:00:00Z";
    assert_eq!(names(&app, window).await, ["Api Early"]);
    assert_eq!(
        names(&app, &format!("{by_connector}&until=2026-11-30")).await,
        Vec::<String>::new()
    );
    for bad in [
        "since=yesterday",
        "since=2026-12-01&until=2026-11-01",
        "format=xml",
    ] {
        let response = app.admin("GET", &format!("/admin/leads?{bad}"), None).await;
        assert_eq!(response.status, 400, "{bad}: {}", response.text);
    }
}

#[tokio::test]
async fn search_finds_a_person_by_phone_in_any_format_by_email_or_by_the_start_of_a_name() {
    let (app, clock) = app_at_a_set_time().await;
    let pat = lead("Pat O'Brien", "pat@example.com", "(717) 555-0123", "s-1");
    let again = lead("Patricia O'Brien", "", "717.555.0123", "s-2");
    let other = lead("Jo Other", "jo@example.com", "717-555-0188", "s-3");
    for body in [pat, again, other] {
        assert_eq!(app.post_lead(body).await.status, 201);
        clock.advance(chrono::Duration::seconds(1));
    }
    let both = ["Patricia O'Brien", "Pat O'Brien"];

    for phone in [
        "7175550123",
        "+1 (717) 555-0123",
        "717.555.0123",
        "1-717-555-0123",
    ] {
        let query = format!("q={}", urlencode(phone));
        assert_eq!(names(&app, &query).await, both, "{phone}");
    }
    assert_eq!(names(&app, "q=PAT%40Example.com").await, both);
    assert_eq!(
        names(&app, "q=pat").await,
        ["Pat O'Brien", "Patricia O'Brien"]
    );
    assert_eq!(names(&app, "q=pat%20o%27b").await, ["Pat O'Brien"]);
    assert_eq!(names(&app, "q=JO").await, ["Jo Other"]);
    assert!(
        names(&app, "q=brien").await.is_empty(),
        "names match from their start"
    );
    assert!(
        names(&app, "q=717-555-0199").await.is_empty(),
        "no lead has it"
    );
    assert!(names(&app, "q=nobody%40example.com").await.is_empty());
    let narrowed = "q=7175550123&source=api&limit=1";
    let page = app
        .admin("GET", &format!("/admin/leads?{narrowed}"), None)
        .await
        .json();
    assert_eq!(column(&page, "customer_name"), ["Patricia O'Brien"]);
    assert!(page["cursor"].is_string());
    let bad = app.admin("GET", "/admin/leads?q=pat%40", None).await;
    assert_eq!(bad.status, 400, "{}", bad.text);
}

fn urlencode(value: &str) -> String {
    form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

#[tokio::test]
async fn another_workspace_finds_none_of_these_leads() {
    let app = TestApp::spawn().await;
    let other = TestApp::spawn().await;
    assert_eq!(
        app.post_lead(lead("Pat Example", "pat@example.com", "", "x-1"))
            .await
            .status,
        201
    );

    assert!(names(&other, "q=pat%40example.com").await.is_empty());
    assert!(names(&other, "q=pat").await.is_empty());
    assert!(names(&other, "").await.is_empty());
}
