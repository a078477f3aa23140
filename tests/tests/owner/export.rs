use super::app_at_a_set_time;
use e2e::{TestApp, TestResponse};
use serde_json::json;

/// `GET path` with the admin key, asking for CSV by `Accept` (not by `format`).
async fn get_csv(app: &TestApp, path: &str) -> TestResponse {
    let headers = vec![
        (
            "authorization".to_owned(),
            format!("Bearer {}", app.seeded.admin_key),
        ),
        ("accept".to_owned(), "text/csv".to_owned()),
    ];
    app.call("GET", path, headers, Vec::new()).await
}

fn read(response: &TestResponse) -> (Vec<String>, Vec<csv::StringRecord>) {
    assert_eq!(response.status, 200, "{}", response.text);
    let content_type = response.header("content-type").unwrap_or_default();
    assert!(content_type.starts_with("text/csv"), "{content_type}");
    let mut reader = csv::Reader::from_reader(response.text.as_bytes());
    let header = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    let rows = reader.records().map(Result::unwrap).collect();
    (header, rows)
}

#[tokio::test]
async fn leads_export_as_rfc_4180_csv_with_custom_columns_and_no_cell_run_as_a_formula() {
    let (app, clock) = app_at_a_set_time().await;
    let pat = json!({
        "customer_name": "Pat \"The Roof\" Example", "customer_email": "pat@example.com",
        "customer_phone": "(717) 555-0123", "notes": "Gutters, too\nand the deck",
        "Budget": "=HYPERLINK(\"http://evil.example\",\"click\")", "Referrer": "@SUM(A1)",
        "external_id": "csv-1"
    });
    let jo = json!({"customer_name": "-Jo Minus", "customer_email": "jo@example.com",
                    "zip": "N/A", "Roof Age": "+12", "external_id": "csv-2"});
    assert_eq!(app.post_lead(pat).await.status, 201);
    clock.advance(chrono::Duration::minutes(1));
    assert_eq!(app.post_lead(jo).await.status, 201);

    let response = app.admin("GET", "/admin/leads?format=csv", None).await;

    let (header, rows) = read(&response);
    assert_eq!(header[..3], ["id", "created_at", "customer_name"]);
    let custom: Vec<&str> = header.iter().skip(19).map(String::as_str).collect();
    assert_eq!(custom, ["Budget", "Referrer", "Roof Age", "zip (custom)"]);
    let cell = |row: &csv::StringRecord, name: &str| {
        let at = header.iter().position(|h| h == name).unwrap();
        row[at].to_owned()
    };
    assert_eq!(rows.len(), 2);
    let (jo, pat) = (&rows[0], &rows[1]);
    assert_eq!(cell(jo, "customer_name"), "'-Jo Minus");
    assert_eq!(cell(jo, "zip (custom)"), "N/A");
    assert_eq!(cell(jo, "Roof Age"), "+12", "a plain number is left alone");
    assert_eq!(cell(jo, "Budget"), "");
    assert_eq!(cell(pat, "customer_name"), "Pat \"The Roof\" Example");
    assert_eq!(cell(pat, "notes"), "Gutters, too\nand the deck");
    assert_eq!(cell(pat, "customer_phone"), "+17175550123");
    assert_eq!(
        cell(pat, "Budget"),
        "'=HYPERLINK(\"http://evil.example\",\"click\")"
    );
    assert_eq!(cell(pat, "Referrer"), "'@SUM(A1)");
    assert!(response.text.contains("\"Pat \"\"The Roof\"\" Example\""));
    assert!(response.text.ends_with("\r\n") && !response.text.contains(",\n"));
    let disposition = response.header("content-disposition").unwrap_or_default();
    assert!(disposition.starts_with("attachment"), "{disposition}");
    assert!(
        response.header("link").is_none(),
        "the whole selection is here"
    );
}

#[tokio::test]
async fn a_longer_export_continues_under_the_link_it_names_with_the_same_filters() {
    let (app, clock) = app_at_a_set_time().await;
    for n in 0..3 {
        let body = json!({"customer_name": format!("Lead {n}"),
                          "customer_email": format!("l{n}@example.com"), "external_id": n.to_string()});
        assert_eq!(app.post_lead(body).await.status, 201);
        clock.advance(chrono::Duration::minutes(1));
    }

    let first = get_csv(&app, "/admin/leads?limit=2&source=api").await;
    let link = first.header("link").expect("a next part").to_owned();
    let next = link
        .strip_prefix('<')
        .and_then(|rest| rest.split_once(">; rel=\"next\""))
        .map(|(url, _)| url.to_owned())
        .unwrap_or_else(|| panic!("{link}"));
    let second = get_csv(&app, &next).await;

    let names = |rows: Vec<csv::StringRecord>| -> Vec<String> {
        rows.iter().map(|row| row[2].to_owned()).collect()
    };
    let ((header_1, rows_1), (header_2, rows_2)) = (read(&first), read(&second));
    assert_eq!(names(rows_1), ["Lead 2", "Lead 1"]);
    assert_eq!(names(rows_2), ["Lead 0"]);
    assert_eq!(header_1, header_2);
    assert!(
        next.contains("source=api") && next.contains("limit=2"),
        "{next}"
    );
    assert!(second.header("link").is_none());
    let too_many = app
        .admin("GET", "/admin/leads?format=csv&limit=1001", None)
        .await;
    assert_eq!(too_many.status, 400, "{}", too_many.text);
}
