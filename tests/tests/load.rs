//! A bounded burst through the local gateway: many API intakes at once, some of them
//! redeliveries. Nothing is lost, nothing is doubled, every attempt is in the log.

use e2e::{lead_body, TestApp};
use shared::domain::ImportStatus;
use std::collections::BTreeMap;
use std::sync::Arc;
use tokio::sync::Semaphore;

/// A longer burst: `LOAD_ATTEMPTS=2000 LOAD_CONCURRENCY=200` (issue 8's 2 000, about
/// 3 minutes here since moto rolls transactions back from their own items: BENCHMARKS.md).
/// The default keeps `cargo test` short and still runs 50 at once.
const DEFAULT_ATTEMPTS: usize = 100;
const DEFAULT_CONCURRENCY: usize = 50;
/// Every tenth attempt redelivers an external id already in the burst.
const DUPLICATE_EVERY: usize = 10;

fn external_id(attempt: usize) -> String {
    let lead = if attempt % DUPLICATE_EVERY == DUPLICATE_EVERY - 1 {
        // An attempt of the same burst that is never itself a redelivery.
        attempt - DUPLICATE_EVERY / 2
    } else {
        attempt
    };
    format!("load-{lead}")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_burst_of_intakes_with_redeliveries_loses_and_doubles_no_lead() {
    let attempts_wanted = std::env::var("LOAD_ATTEMPTS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(DEFAULT_ATTEMPTS);
    let concurrency = std::env::var("LOAD_CONCURRENCY")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(DEFAULT_CONCURRENCY);
    let app = TestApp::spawn().await;
    let base = app.serve_gateway().await;
    let client = reqwest::Client::new();
    let permits = Arc::new(Semaphore::new(concurrency));

    let mut attempts = Vec::with_capacity(attempts_wanted);
    for attempt in 0..attempts_wanted {
        let external_id = external_id(attempt);
        let mut body = lead_body(&external_id);
        body["connector_key"] = app.connector_key().into();
        body["customer_email"] = format!("{external_id}@example.com").into();
        body.as_object_mut().unwrap().remove("customer_phone");
        let request = client
            .post(format!("{base}/api/v1/leads"))
            .bearer_auth(&app.seeded.api_key)
            .json(&body);
        let permits = permits.clone();
        attempts.push(tokio::spawn(async move {
            let _permit = permits.acquire_owned().await.unwrap();
            let response = request.send().await.unwrap();
            let status = response.status().as_u16();
            (external_id, status, response.text().await.unwrap())
        }));
    }
    let mut by_status: BTreeMap<u16, usize> = BTreeMap::new();
    let mut unique = std::collections::BTreeSet::new();
    for attempt in attempts {
        let (external_id, status, text) = attempt.await.unwrap();
        assert!(status == 201 || status == 200, "{status}: {text}");
        *by_status.entry(status).or_default() += 1;
        unique.insert(external_id);
    }

    let leads = app.leads().await;
    let mut leads_per_id: BTreeMap<String, usize> = BTreeMap::new();
    for lead in &leads {
        *leads_per_id
            .entry(lead.external_id.clone().unwrap_or_default())
            .or_default() += 1;
    }
    let log = app.import_log().await;
    let count = |status| log.iter().filter(|r| r.status == status).count();
    let (imported, replayed) = (count(ImportStatus::Imported), count(ImportStatus::Replayed));
    println!(
        "attempts {attempts_wanted} ({concurrency} at once), unique external ids {}, responses {by_status:?}, leads {}, \
         log: imported {imported}, replayed {replayed}, total {}",
        unique.len(),
        leads.len(),
        log.len()
    );

    let lost: Vec<_> = unique
        .iter()
        .filter(|id| !leads_per_id.contains_key(*id))
        .collect();
    let doubled: Vec<_> = leads_per_id.iter().filter(|(_, n)| **n > 1).collect();
    assert!(lost.is_empty(), "lost: {lost:?}");
    assert!(doubled.is_empty(), "doubled: {doubled:?}");
    assert_eq!(leads.len(), unique.len());
    assert_eq!(by_status.get(&201).copied().unwrap_or(0), unique.len());
    assert_eq!(imported, unique.len());
    assert_eq!(imported + replayed, attempts_wanted);
    assert_eq!(log.len(), attempts_wanted);
}
