//! The owner's side of issue 17 against moto: no lead lost over a bad detail (its
//! warning in the import log), leads found, searched and exported, failed imports fixed
//! and re-run once, Test Import through the provider presets, and source performance
//! counted from the import log.

mod export;
mod leads;
mod retry;
mod stats;
mod test_import;
mod warnings;

use e2e::TestApp;
use serde_json::Value;
use shared::clock::Clock;

/// A test app whose store (every door and the admin API) reads a clock held at
/// 2026-11-29 10:00 UTC.
async fn app_at_a_set_time() -> (TestApp, Clock) {
    let mut app = TestApp::spawn().await;
    let at = chrono::DateTime::parse_from_rfc3339("2026-11-29T10:00:00Z").unwrap();
    let clock = Clock::at(at.to_utc());
    app.store = app.store.clone().with_clock(clock.clone());
    (app, clock)
}

/// The `field` of each item of a listing.
fn column(listing: &Value, field: &str) -> Vec<String> {
    listing["items"]
        .as_array()
        .unwrap_or_else(|| panic!("a listing: {listing}"))
        .iter()
        .map(|item| item[field].as_str().unwrap_or_default().to_owned())
        .collect()
}

/// The names of the leads a `GET /admin/leads` query finds (one page).
async fn names(app: &TestApp, query: &str) -> Vec<String> {
    let response = app
        .admin("GET", &format!("/admin/leads?{query}"), None)
        .await;
    assert_eq!(response.status, 200, "{query}: {}", response.text);
    column(&response.json(), "customer_name")
}
