//! Reviewers get one digest a window, and every review is announced: one that comes
//! after its window's digest is in the next window's, scheduled on the digest queue.

use e2e::followups::{batch, retried, unique_address};
use e2e::TestApp;
use shared::clock::Clock;
use shared::followup::DIGEST_WINDOW_MINUTES;

#[tokio::test]
async fn a_review_after_its_windows_digest_is_announced_by_the_next_windows_digest() {
    let app = TestApp::spawn().await;
    let reviewer = unique_address("reviewer");
    let reviewers = vec![reviewer.clone()];
    app.configure(|s| s.reviewer_addresses = reviewers).await;
    let window = DIGEST_WINDOW_MINUTES * 60;
    let start = (chrono::Utc::now().timestamp() / window + 1) * window;
    let clock = Clock::at(chrono::DateTime::from_timestamp(start + 60, 0).unwrap());
    let mut deps = app.speed_deps();
    deps.followups.store = app.store.clone().with_clock(clock.clone());
    deps.followups.digests.url = app.queue("review-digests", "ReviewDigestQueue").await;
    let mut stream = app.stream().await;

    app.put_pending_review("First request", "first@example.org")
        .await;
    let first = speed_to_lead::handle(&deps, batch(stream.records().await)).await;
    clock.advance(chrono::Duration::seconds(window - 60 - 2));
    app.put_pending_review("Second request", "second@example.org")
        .await;
    let second = speed_to_lead::handle(&deps, batch(stream.records().await)).await;
    let within_the_window = app.mail_to(&reviewer).await.len();
    clock.advance(chrono::Duration::seconds(2));
    let mut delivered = 0;
    for _ in 0..5 {
        delivered += local::queues::deliver_due_digests(&deps, 2).await;
        if delivered > 0 {
            break;
        }
    }

    assert!(retried(&first).is_empty() && retried(&second).is_empty());
    assert_eq!(within_the_window, 1, "one digest in a window");
    assert_eq!(delivered, 1, "the next window's digest was scheduled");
    let digests = app.mail_to(&reviewer).await;
    assert_eq!(digests.len(), 2);
    let next = digests
        .iter()
        .find(|m| m.body.contains("Second request"))
        .expect("the second review is announced");
    assert_eq!(next.subject, "2 emails are waiting for review");
}
