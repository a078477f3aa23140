//! Speed-to-lead support: the function wired to the shared moto, the table's stream
//! read as Lambda receives it (through the local poller's reader), and the mail moto
//! kept (`/moto-api/data.json`).

use crate::TestApp;
use aws_lambda_events::event::dynamodb::{Event, EventRecord};
use aws_lambda_events::event::streams::DynamoDbEventResponse;
use local::streams::StreamReader;
use serde_json::Value;
use shared::domain::{Lead, WorkspaceSettings};
use shared::followup::{FollowUps, Mailer};
use shared::store::keys;

/// The stream's batch size in `template.yaml` (the counter's writes are per batch).
const STREAM_BATCH: usize = 10;

/// One mail SES (moto) accepted.
#[derive(Debug, Clone, PartialEq)]
pub struct Mail {
    pub from: String,
    pub to: Vec<String>,
    pub subject: String,
    /// The HTML part (moto keeps one part: the HTML one when there is one).
    pub body: String,
}

/// Every mail moto has accepted so far, oldest first.
pub async fn sent_mail(endpoint: &str) -> Vec<Mail> {
    let data: Value = reqwest::get(format!("{endpoint}/moto-api/data.json"))
        .await
        .expect("moto answers")
        .json()
        .await
        .expect("moto's state is JSON");
    let text = |m: &Value, name: &str| m[name].as_str().unwrap_or_default().to_owned();
    data["ses"]["Message"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|m| Mail {
            from: text(m, "source"),
            to: m["destinations"]["ToAddresses"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|a| a.as_str().map(str::to_owned))
                .collect(),
            subject: text(m, "subject"),
            body: text(m, "body"),
        })
        .collect()
}

/// A fresh address no other test uses.
pub fn unique_address(name: &str) -> String {
    format!(
        "{name}-{}@example.com",
        shared::domain::new_id().to_lowercase()
    )
}

/// The records of one workspace on the table's stream, read from where the tap was
/// opened on.
pub struct StreamTap {
    reader: StreamReader,
    partition: String,
}

impl StreamTap {
    /// This workspace's records written since the last call, oldest first.
    pub async fn records(&mut self) -> Vec<EventRecord> {
        let partition = serde_dynamo::AttributeValue::S(self.partition.clone());
        self.reader
            .read_all()
            .await
            .expect("the stream reads")
            .into_iter()
            .filter(|r| r.change.keys.get(keys::PK) == Some(&partition))
            .collect()
    }
}

/// [`crate::lead_body`] from `email`.
pub fn lead_from(email: &str) -> Value {
    let mut body = crate::lead_body("unused");
    body["customer_email"] = email.into();
    body
}

/// The record that put a new lead on the stream.
pub fn lead_record(records: &mut [EventRecord]) -> &mut EventRecord {
    let lead = serde_dynamo::AttributeValue::S("lead".into());
    records
        .iter_mut()
        .find(|r| r.change.new_image.get("entity") == Some(&lead))
        .expect("a new lead's record")
}

/// A stream event of `records`, as Lambda delivers a batch.
pub fn batch(records: Vec<EventRecord>) -> Event {
    let mut event = Event::default();
    event.records = records;
    event
}

/// The record identifiers a response asks to retry.
pub fn retried(response: &DynamoDbEventResponse) -> Vec<String> {
    response
        .batch_item_failures
        .iter()
        .filter_map(|f| f.item_identifier.clone())
        .collect()
}

impl TestApp {
    /// A fresh workspace whose API connector has speed-to-lead on, with a rep of its own;
    /// answers the rep too.
    pub async fn spawn_with_speed_to_lead() -> (Self, String) {
        let rep = unique_address("rep");
        let assigned = rep.clone();
        let app = Self::spawn_with(|c| {
            c.speed_to_lead = true;
            c.assigned_rep = Some(assigned);
        })
        .await;
        (app, rep)
    }

    /// Turns acknowledgements on, and answers a fresh address for a lead to write from.
    pub async fn acknowledging_leads(&self) -> String {
        self.configure(|s| s.acknowledge_leads = true).await;
        unique_address("pat")
    }

    /// Posts a lead (a fresh external id) and answers its id and the stream records
    /// it wrote.
    pub async fn new_lead_on_stream(&self, body: Value) -> (String, Vec<EventRecord>) {
        let mut stream = self.stream().await;
        let lead_id = self.new_lead(body).await;
        (lead_id, stream.records().await)
    }

    /// Speed-to-lead's dependencies, sending through `ses`.
    pub fn speed_deps_with(&self, ses: aws_sdk_ses::Client) -> speed_to_lead::Deps {
        speed_to_lead::Deps {
            followups: FollowUps {
                store: self.store_of("speed-to-lead"),
                mailer: Mailer::new(ses),
                default_sender: local::provision::sender_address().expect("SenderAddress"),
                digests: shared::followup::DigestQueue {
                    sqs: shared::aws::sqs(&self.config),
                    url: self.resources().queue_url("ReviewDigestQueue").to_owned(),
                },
            },
        }
    }

    /// Speed-to-lead's dependencies on the shared moto.
    pub fn speed_deps(&self) -> speed_to_lead::Deps {
        self.speed_deps_with(self.function("speed-to-lead").ses())
    }

    /// Runs `event` through speed-to-lead on the shared moto.
    pub async fn speed_to_lead(&self, event: Event) -> DynamoDbEventResponse {
        speed_to_lead::handle(&self.speed_deps(), event).await
    }

    /// A tap on the table's stream from now on, for this workspace's records.
    pub async fn stream(&self) -> StreamTap {
        StreamTap {
            reader: StreamReader::latest(&self.config, &self.store_table())
                .await
                .expect("the table has a stream"),
            partition: keys::workspace_partition(self.workspace_id()),
        }
    }

    /// Counts this workspace's import entries on their connectors, as the stream
    /// function does, from the stream's first record: what was counted before is not
    /// counted again. Answers how many records were delivered.
    pub async fn count_deliveries(&self) -> usize {
        let mut stream = StreamTap {
            reader: StreamReader::from_start(&self.config, &self.store_table())
                .await
                .expect("the table has a stream"),
            partition: keys::workspace_partition(self.workspace_id()),
        };
        let records = stream.records().await;
        for batch in records.chunks(STREAM_BATCH) {
            speed_to_lead::count_imports(&self.store, batch)
                .await
                .expect("the counts are written");
        }
        records.len()
    }

    fn store_table(&self) -> String {
        self.store.table().to_owned()
    }

    /// Changes the workspace's follow-up settings.
    pub async fn configure(&self, change: impl FnOnce(&mut WorkspaceSettings)) {
        let mut settings = self
            .store
            .workspace(self.workspace_id())
            .await
            .expect("workspace read")
            .expect("workspace")
            .settings;
        change(&mut settings);
        assert!(self
            .store
            .set_workspace_settings(self.workspace_id(), &settings)
            .await
            .expect("settings stored"));
    }

    /// The mail moto accepted for `address`.
    pub async fn mail_to(&self, address: &str) -> Vec<Mail> {
        sent_mail(self.endpoint())
            .await
            .into_iter()
            .filter(|m| m.to.iter().any(|to| to == address))
            .collect()
    }

    pub async fn lead(&self, lead_id: &str) -> Lead {
        self.store
            .lead(self.workspace_id(), &lead_id.into())
            .await
            .expect("lead read")
            .expect("the lead exists")
    }

    /// Stores a review item waiting for a decision, in the shape the email door writes.
    pub async fn put_pending_review(&self, subject: &str, sender: &str) {
        use aws_sdk_dynamodb::types::AttributeValue;
        let id = shared::domain::ReviewId::new();
        let mut item = keys::review(self.workspace_id(), &id).to_item();
        for (name, value) in [
            ("entity", "review"),
            ("status", "pending"),
            ("workspace_id", self.workspace_id()),
            ("id", &id),
            ("subject", subject),
            ("sender", sender),
        ] {
            item.insert(name.into(), AttributeValue::S(value.into()));
        }
        item.insert("confidence".into(), AttributeValue::N("0.4".into()));
        self.store
            .client()
            .put_item()
            .table_name(self.store.table())
            .set_item(Some(item))
            .send()
            .await
            .expect("review stored");
    }

    /// Posts a lead (a fresh external id) and answers its id.
    pub async fn new_lead(&self, mut body: Value) -> String {
        body["external_id"] = shared::domain::new_id().into();
        let response = self.post_lead(body).await;
        assert_eq!(response.status, 201, "{}", response.text);
        response.json()["lead_id"]
            .as_str()
            .expect("a lead id")
            .to_owned()
    }
}
