//! A worker stopped mid-file (a time-out, a crash): the chunk's redelivery resumes at
//! the checkpoint, and nothing is made twice or counted twice.

use e2e::bulk::{bad_rows, leads_csv, upload};
use e2e::crash::Crash;
use e2e::TestApp;
use serde_json::json;
use std::time::Duration;

/// Writes the stopped worker makes: its claim and first checkpoint, then a row each.
const STOP_AFTER_WRITES: usize = 44;

#[tokio::test]
async fn a_stop_mid_file_resumes_at_the_checkpoint_without_a_duplicate() {
    let (rows, bad_every) = (120, 25);
    let app = TestApp::spawn().await;
    let run = app.bulk_run(10_000).await;
    let created = app.create_bulk_import(json!({})).await;
    let id = created["id"].as_str().unwrap().to_owned();
    run.deps
        .uploaded(&upload(&created, &leads_csv(rows, bad_every)).await)
        .await
        .unwrap();
    let chunk = run.next_chunk().await;

    // The worker is stopped between two writes after about 40 rows (a row is one
    // write): past a checkpoint (every 25 rows), short of the next one.
    let crash = Crash::after(STOP_AFTER_WRITES);
    let mut stopping = run.deps.clone();
    stopping.store = app.store_through(&crash, &run.clock);
    let first = crash
        .run(stopping.chunk(&chunk, 1, Duration::from_secs(600)))
        .await;
    assert!(first.is_none(), "the worker is stopped mid-file");
    let stopped = app.bulk_import(&id).await;
    assert_eq!(stopped["status"], "running");
    let logged = app.import_log().await.len();
    println!(
        "stopped after {:?}: {logged} rows logged",
        crash.writes().len()
    );
    assert!(
        (26..50).contains(&logged),
        "{logged} rows logged before the stop: between two checkpoints"
    );

    // Its message comes back after the visibility time-out, when the hold has lapsed.
    run.advance(961);
    run.deps
        .chunk(&chunk, 2, Duration::from_secs(600))
        .await
        .unwrap();
    run.drain().await;

    let done = app.bulk_import(&id).await;
    let bad = bad_rows(rows, bad_every);
    assert_eq!(done["status"], "done", "{done}");
    assert_eq!(done["rows"], rows);
    assert_eq!(
        done["imported"],
        rows - bad,
        "rows read twice count once: {done}"
    );
    assert_eq!(done["replayed"], 0);
    assert_eq!(done["failed"], bad);
    assert_eq!(app.leads().await.len(), rows - bad, "no duplicate lead");
}

#[tokio::test]
async fn a_chunk_held_by_a_running_worker_is_not_read_twice() {
    let app = TestApp::spawn().await;
    let run = app.bulk_run(10_000).await;
    let created = app.create_bulk_import(json!({})).await;
    let id = created["id"].as_str().unwrap().to_owned();
    run.deps
        .uploaded(&upload(&created, &leads_csv(60, 100)).await)
        .await
        .unwrap();
    let chunk = run.next_chunk().await;

    let (one, two) = tokio::join!(
        run.deps.chunk(&chunk, 1, Duration::from_secs(600)),
        run.deps.chunk(&chunk, 1, Duration::from_secs(600)),
    );
    one.unwrap();
    two.unwrap();
    run.drain().await;

    let done = app.bulk_import(&id).await;
    assert_eq!(done["status"], "done");
    assert_eq!(done["imported"], 60);
    assert_eq!(app.import_log().await.len(), 60, "each row read once");
}
