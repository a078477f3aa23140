//! Bulk import support: CSV files made to order, the upload through the pre-signed URL
//! (moto's S3 takes it), and the bulk importer of one test (its own chunks queue and a
//! clock of its own) driven until its queue is empty.

use crate::TestApp;
use serde_json::{json, Value};
use shared::bulk::{BulkImporter, ChunkMessage, Upload};
use shared::clock::Clock;
use shared::queue::Queue;
use std::time::Duration;

/// A CSV of `rows` leads (UTF-8 with Windows-1252 accents in some rows, the way mixed
/// exports come), every `bad_every`-th row with no way to contact the lead (a failure).
pub fn leads_csv(rows: usize, bad_every: usize) -> Vec<u8> {
    let mut csv = b"Full Name,Email Address,Service,Notes\r\n".to_vec();
    for i in 1..=rows {
        let email = match i % bad_every {
            0 => String::new(),
            _ => format!("row{i}@example.com"),
        };
        csv.extend_from_slice(format!("Pat Row{i},{email},Gutters,\"called, ").as_bytes());
        // Windows-1252's é (0xE9) in every third row, UTF-8's in the others.
        match i % 3 {
            0 => csv.extend_from_slice(b"caf\xe9"),
            _ => csv.extend_from_slice("café".as_bytes()),
        }
        csv.extend_from_slice(b" meeting\"\r\n");
    }
    csv
}

/// How many of `rows` rows [`leads_csv`] makes bad.
pub fn bad_rows(rows: usize, bad_every: usize) -> usize {
    rows / bad_every
}

/// A test's bulk importer and what drives it.
pub struct BulkRun {
    pub deps: BulkImporter,
    pub clock: Clock,
}

impl TestApp {
    /// `POST /admin/bulk-imports` into the API connector with `extra` fields; answers the
    /// create answer (id, upload URL).
    pub async fn create_bulk_import(&self, extra: Value) -> Value {
        let mut body = json!({ "connector_id": self.api_connector().id });
        body.as_object_mut()
            .unwrap()
            .extend(extra.as_object().cloned().unwrap_or_default());
        let created = self.admin("POST", "/admin/bulk-imports", Some(body)).await;
        assert_eq!(created.status, 201, "{}", created.text);
        created.json()
    }

    /// The bulk importer with a chunks queue of this test's own and a clock that stands
    /// at now, reading at most `rows_per_chunk` rows a chunk.
    pub async fn bulk_run(&self, rows_per_chunk: u64) -> BulkRun {
        // The importer's own clients: every call is checked against its policy.
        let url = self.queue("bulk", "BulkImportQueue").await;
        let clock = Clock::at(chrono::Utc::now());
        let mut deps = local::bulk_deps(&self.config, &self.store, self.resources());
        deps.store = deps.store.clone().with_clock(clock.clone());
        deps.chunks = Queue::new(deps.chunks.sqs.clone(), url);
        deps.rows_per_chunk = rows_per_chunk;
        BulkRun { deps, clock }
    }

    /// `GET /admin/bulk-imports/{id}`.
    pub async fn bulk_import(&self, id: &str) -> Value {
        let read = self.admin_get(&format!("/admin/bulk-imports/{id}")).await;
        assert_eq!(read.status, 200, "{}", read.text);
        read.json()
    }
}

/// PUTs `csv` to a create answer's upload URL; answers the upload as its S3 event
/// tells it.
pub async fn upload(created: &Value, csv: &[u8]) -> Upload {
    let url = created["upload_url"].as_str().expect("an upload URL");
    let put = reqwest::Client::new()
        .put(url)
        .body(csv.to_vec())
        .send()
        .await
        .expect("S3 answers");
    assert!(put.status().is_success(), "upload: {}", put.status());
    let etag = put
        .headers()
        .get("etag")
        .and_then(|v| v.to_str().ok())
        .map(|v| v.trim_matches('"').to_owned());
    let key = url::Url::parse(url).unwrap().path().to_owned();
    let key = key
        .split_once("/bulk/")
        .map(|(_, rest)| format!("bulk/{rest}"))
        .unwrap();
    Upload {
        key,
        size: csv.len() as u64,
        etag,
    }
}

impl BulkRun {
    /// The upload's event, then every chunk message until the queue is empty.
    pub async fn import(&self, upload: &Upload) {
        self.deps.uploaded(upload).await.expect("the upload starts");
        self.drain().await;
    }

    /// Delivers the chunks queue to the importer until it is empty.
    pub async fn drain(&self) {
        let handler = local::queues::bulk_import(self.deps.clone(), Duration::from_secs(600));
        let (sqs, url) = (&self.deps.chunks.sqs, &self.deps.chunks.url);
        loop {
            let handler = handler.clone();
            if local::queues::deliver(sqs, url, 0, move |event| handler(event)).await == 0 {
                break;
            }
        }
    }

    /// The next chunk message, taken off the queue.
    pub async fn next_chunk(&self) -> ChunkMessage {
        let (sqs, url) = (&self.deps.chunks.sqs, &self.deps.chunks.url);
        let received = sqs.receive_message().queue_url(url).send().await.unwrap();
        let message = received.messages.unwrap_or_default().remove(0);
        sqs.delete_message()
            .queue_url(url)
            .set_receipt_handle(message.receipt_handle)
            .send()
            .await
            .unwrap();
        serde_json::from_str(&message.body.unwrap_or_default()).expect("a chunk message")
    }

    pub fn advance(&self, seconds: i64) {
        self.clock.advance(chrono::Duration::seconds(seconds));
    }
}
