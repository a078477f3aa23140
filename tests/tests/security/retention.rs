//! Retention (issue 16): attempts that made no lead leave the import log after the
//! workspace's retention (DynamoDB's TTL, `expires_at`), so a flood of junk does not
//! stay forever, and every raw payload (an item of its own) goes then too; the entry of
//! a lead, the lead and its client never expire.

use e2e::TestApp;
use shared::store::keys;

fn expires_at(item: &shared::store::Item) -> Option<i64> {
    let value = item.get(keys::EXPIRES_AT)?.as_n().ok()?;
    value.parse().ok()
}

fn status(item: &shared::store::Item) -> String {
    let value = item.get("status").and_then(|v| v.as_s().ok());
    value.cloned().unwrap_or_default()
}

#[tokio::test]
async fn entries_that_made_no_lead_and_every_payload_expire_after_the_workspaces_retention() {
    let app = TestApp::spawn().await;
    app.configure(|s| s.retention_days = 30).await;
    let body = app.lead_with_connector_key("retained-1");
    let mut nameless = app.lead_with_connector_key("retained-2");
    nameless.as_object_mut().unwrap().remove("customer_name");
    for key in ["customer_email", "customer_phone"] {
        nameless.as_object_mut().unwrap().remove(key);
    }

    let start = chrono::Utc::now().timestamp();
    let imported = app.post_lead(body.clone()).await;
    let replayed = app.post_lead(body).await;
    let failed = app.post_lead(nameless).await;
    let end = chrono::Utc::now().timestamp();

    assert_eq!(
        [imported.status, replayed.status, failed.status],
        [201, 200, 422]
    );
    let days = 30 * 86_400;
    let mut by_status: Vec<(String, Option<i64>)> = app
        .items(keys::IMPORT_PREFIX)
        .await
        .iter()
        .map(|item| (status(item), expires_at(item)))
        .collect();
    by_status.sort();
    assert_eq!(by_status.len(), 3, "{by_status:?}");
    for (status, expiry) in &by_status {
        match status.as_str() {
            "imported" => assert_eq!(*expiry, None, "the entry of a lead stays"),
            _ => {
                let expiry = expiry.unwrap_or_else(|| panic!("{status} has no expires_at"));
                assert!(
                    (start + days..=end + days).contains(&expiry),
                    "{status}: {expiry}"
                );
            }
        }
    }
    let payloads = app.items("PAYLOAD#").await;
    assert_eq!(payloads.len(), 3, "one payload per entry");
    for payload in &payloads {
        let expiry = expires_at(payload).expect("a payload expires");
        assert!(
            (start + days..=end + days).contains(&expiry),
            "payload: {expiry}"
        );
    }
    let entries = app.items(keys::IMPORT_PREFIX).await;
    assert!(
        entries.iter().all(|e| !e.contains_key("payload")),
        "payloads apart"
    );
    let log = app.import_log().await;
    assert!(
        log.iter().all(|e| e.payload.contains("retained-")),
        "read back whole"
    );
    for prefix in ["LEAD#", "CLIENT#"] {
        let items = app.items(prefix).await;
        assert!(!items.is_empty(), "{prefix} items");
        assert!(
            items.iter().all(|i| expires_at(i).is_none()),
            "{prefix} never expires"
        );
    }
}
