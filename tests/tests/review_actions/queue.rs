//! The queue of held parses: pages newest first, filters by status, and shows nothing
//! to another workspace or a key without the admin scope.

use e2e::reviews::{approve_path, doubtful_candidate};
use e2e::TestApp;
use serde_json::json;

#[tokio::test]
async fn the_queue_pages_filters_and_stays_inside_its_workspace() {
    let app = TestApp::spawn_with_review_threshold(0.7).await;
    let other = TestApp::spawn().await;
    let mut held = Vec::new();
    for n in 0..3 {
        let candidate = doubtful_candidate(&format!("page-{n}"));
        held.push(app.hold_review(candidate).await.1);
    }
    app.reject(&held[0]).await;
    let pending = "/admin/reviews?status=pending&limit=1";

    let first = app.admin_get(pending).await.json();
    let second = app.next_page(pending, &first).await;
    let all = app.admin_get("/admin/reviews").await.json();
    let bad = app.admin_get("/admin/reviews?status=maybe").await;

    assert_eq!(first["items"][0]["id"], held[2].as_str(), "newest first");
    assert_eq!(second["items"][0]["id"], held[1].as_str());
    assert_eq!(all["items"].as_array().unwrap().len(), 3);
    assert_eq!(bad.status, 400);
    assert_eq!(other.approve(&held[1]).await.status, 404);
    assert_eq!(other.reject(&held[1]).await.status, 404);
    assert_eq!(
        other.admin_get("/admin/reviews").await.json()["items"],
        json!([])
    );
    let leads_key = app.seeded.api_key.clone();
    let forbidden = app
        .admin_as(Some(&leads_key), "GET", "/admin/reviews", None)
        .await;
    let anonymous = app
        .admin_as(None, "POST", &approve_path(&held[1]), None)
        .await;
    assert_eq!(forbidden.status, 403);
    assert_eq!(anonymous.status, 401);
    let still = app.admin_get("/admin/reviews?status=pending").await.json();
    assert_eq!(still["items"].as_array().unwrap().len(), 2);
}
