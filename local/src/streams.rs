//! The table's DynamoDB stream, read from the local AWS API and delivered to the
//! stream functions in-process, as the event source mapping of `template.yaml` does:
//! batches in order, and the records a function reports as failed delivered again a
//! few times before they are given up (where AWS would send them to the DLQ).

use aws_config::SdkConfig;
use aws_lambda_events::event::dynamodb::{Event, EventRecord};
use aws_lambda_events::event::streams::DynamoDbEventResponse;
use aws_sdk_dynamodbstreams::types::{AttributeValue, Record, ShardIteratorType};
use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

#[derive(Debug, thiserror::Error)]
pub enum StreamError {
    #[error("table {0} has no stream")]
    NoStream(String),
    #[error("the DynamoDB stream could not be read")]
    Aws(#[source] BoxError),
}

fn aws(err: impl std::error::Error + Send + Sync + 'static) -> StreamError {
    StreamError::Aws(Box::new(err))
}

/// A reader of every shard of a table's stream.
///
/// It asks for a fresh shard iterator after the last record it saw on every read,
/// instead of following `NextShardIterator`: moto restores a table from a copy when a
/// transaction is cancelled, and iterators made before that keep reading the stale
/// copy's shard, so a long-lived iterator would miss every later record.
#[derive(Debug)]
pub struct StreamReader {
    client: aws_sdk_dynamodbstreams::Client,
    stream_arn: String,
    shards: Vec<Cursor>,
}

/// A shard and the sequence number of the last record read from it.
#[derive(Debug)]
struct Cursor {
    shard_id: String,
    after: Option<String>,
}

impl StreamReader {
    /// Opens the stream of `table` at its end (`StartingPosition: LATEST`): only records
    /// written from now on are read.
    pub async fn latest(config: &SdkConfig, table: &str) -> Result<Self, StreamError> {
        let mut reader = Self::from_start(config, table).await?;
        // Skip what is already there: the reader starts at the end.
        reader.read_all().await?;
        Ok(reader)
    }

    /// Opens the stream of `table` at its oldest record (`TRIM_HORIZON`).
    pub async fn from_start(config: &SdkConfig, table: &str) -> Result<Self, StreamError> {
        let dynamodb = aws_sdk_dynamodb::Client::new(config);
        let described = dynamodb
            .describe_table()
            .table_name(table)
            .send()
            .await
            .map_err(aws)?;
        let stream_arn = described
            .table
            .and_then(|t| t.latest_stream_arn)
            .ok_or_else(|| StreamError::NoStream(table.to_owned()))?;
        let client = aws_sdk_dynamodbstreams::Client::new(config);
        let stream = client
            .describe_stream()
            .stream_arn(&stream_arn)
            .send()
            .await
            .map_err(aws)?;
        let shards = stream
            .stream_description
            .and_then(|d| d.shards)
            .unwrap_or_default()
            .into_iter()
            .filter_map(|shard| shard.shard_id)
            .map(|shard_id| Cursor {
                shard_id,
                after: None,
            })
            .collect();
        Ok(Self {
            client,
            stream_arn,
            shards,
        })
    }

    /// The records written since the last read, oldest first, shaped as Lambda
    /// delivers them.
    pub async fn read(&mut self) -> Result<Vec<EventRecord>, StreamError> {
        let mut records = Vec::new();
        for cursor in &mut self.shards {
            let request = self
                .client
                .get_shard_iterator()
                .stream_arn(&self.stream_arn)
                .shard_id(&cursor.shard_id);
            let request = match &cursor.after {
                Some(sequence) => request
                    .shard_iterator_type(ShardIteratorType::AfterSequenceNumber)
                    .sequence_number(sequence),
                None => request.shard_iterator_type(ShardIteratorType::TrimHorizon),
            };
            let iterator = request.send().await.map_err(aws)?.shard_iterator;
            let Some(iterator) = iterator else { continue };
            let output = self
                .client
                .get_records()
                .shard_iterator(iterator)
                .send()
                .await
                .map_err(aws)?;
            for record in output.records.unwrap_or_default() {
                if let Some(sequence) = record
                    .dynamodb
                    .as_ref()
                    .and_then(|change| change.sequence_number.clone())
                {
                    cursor.after = Some(sequence);
                }
                records.push(event_record(record, &self.stream_arn));
            }
        }
        Ok(records)
    }

    /// Reads until the stream has nothing more.
    pub async fn read_all(&mut self) -> Result<Vec<EventRecord>, StreamError> {
        let mut all = Vec::new();
        loop {
            let batch = self.read().await?;
            if batch.is_empty() {
                return Ok(all);
            }
            all.extend(batch);
        }
    }
}

fn value(attribute: AttributeValue) -> serde_dynamo::AttributeValue {
    use serde_dynamo::AttributeValue as V;
    match attribute {
        AttributeValue::S(s) => V::S(s),
        AttributeValue::N(n) => V::N(n),
        AttributeValue::Bool(b) => V::Bool(b),
        AttributeValue::B(b) => V::B(b.into_inner()),
        AttributeValue::Ss(ss) => V::Ss(ss),
        AttributeValue::Ns(ns) => V::Ns(ns),
        AttributeValue::Bs(bs) => V::Bs(bs.into_iter().map(|b| b.into_inner()).collect()),
        AttributeValue::L(l) => V::L(l.into_iter().map(value).collect()),
        AttributeValue::M(m) => V::M(m.into_iter().map(|(k, v)| (k, value(v))).collect()),
        _ => V::Null(true),
    }
}

fn item(attributes: Option<HashMap<String, AttributeValue>>) -> serde_dynamo::Item {
    let map: HashMap<String, serde_dynamo::AttributeValue> = attributes
        .unwrap_or_default()
        .into_iter()
        .map(|(k, v)| (k, value(v)))
        .collect();
    map.into()
}

/// A DynamoDB Streams record as the Lambda event carries it.
pub fn event_record(record: Record, stream_arn: &str) -> EventRecord {
    let mut event = EventRecord::default();
    event.event_id = record.event_id.unwrap_or_default();
    event.event_name = record
        .event_name
        .map(|name| name.as_str().to_owned())
        .unwrap_or_default();
    event.event_version = record.event_version;
    event.event_source = record.event_source;
    event.aws_region = record.aws_region.unwrap_or_default();
    event.event_source_arn = Some(stream_arn.to_owned());
    if let Some(change) = record.dynamodb {
        let when = change.approximate_creation_date_time;
        if let Some(at) =
            when.and_then(|t| chrono::DateTime::from_timestamp(t.secs(), t.subsec_nanos()))
        {
            event.change.approximate_creation_date_time = at;
        }
        event.change.keys = item(change.keys);
        event.change.new_image = item(change.new_image);
        event.change.old_image = item(change.old_image);
        event.change.sequence_number = change.sequence_number;
        event.change.size_bytes = change.size_bytes.unwrap_or_default();
        event.change.stream_view_type = change
            .stream_view_type
            .and_then(|v| serde_json::from_value(v.as_str().into()).ok());
    }
    event
}

/// A stream function's handler: a batch in, the records to retry out.
pub type StreamHandler =
    Arc<dyn Fn(Event) -> Pin<Box<dyn Future<Output = DynamoDbEventResponse> + Send>> + Send + Sync>;

/// The speed-to-lead function as a stream handler.
pub fn speed_to_lead(deps: speed_to_lead::Deps) -> StreamHandler {
    let deps = Arc::new(deps);
    Arc::new(move |event| {
        let deps = deps.clone();
        Box::pin(async move { speed_to_lead::handle(&deps, event).await })
    })
}

/// The forwarder as a stream handler.
pub fn forwarder(deps: forwarder::Deps) -> StreamHandler {
    let deps = Arc::new(deps);
    Arc::new(move |event| {
        let deps = deps.clone();
        Box::pin(async move { forwarder::stream(&deps, event).await })
    })
}

/// Several functions on one stream, as each has its own event source mapping: every
/// batch goes to each of them, with its own retries.
pub fn each(handlers: Vec<StreamHandler>) -> StreamHandler {
    Arc::new(move |event: Event| {
        let handlers = handlers.clone();
        Box::pin(async move {
            for handler in &handlers {
                for lost in deliver(handler, event.records.clone()).await {
                    tracing::error!(record = %lost.event_id, "stream record given up after retries (the DLQ would keep it)");
                }
            }
            DynamoDbEventResponse::default()
        })
    })
}

/// How often a failed record is delivered again before it is given up.
const RETRIES: usize = 3;

/// Delivers `records` to `handler` as one batch; the records it reports as failed are
/// delivered again, a few times. Answers the records given up.
pub async fn deliver(handler: &StreamHandler, mut records: Vec<EventRecord>) -> Vec<EventRecord> {
    for attempt in 0..=RETRIES {
        if records.is_empty() {
            break;
        }
        if attempt > 0 {
            tokio::time::sleep(Duration::from_millis(500 << attempt)).await;
        }
        let mut event = Event::default();
        event.records = records.clone();
        let failed: Vec<String> = handler(event)
            .await
            .batch_item_failures
            .into_iter()
            .filter_map(|f| f.item_identifier)
            .collect();
        records.retain(|r| {
            let id = r.change.sequence_number.as_ref().unwrap_or(&r.event_id);
            failed.contains(id)
        });
    }
    records
}

/// Reads the stream and delivers what it finds, until the process ends.
pub async fn poll(mut reader: StreamReader, handler: StreamHandler, interval: Duration) {
    loop {
        match reader.read().await {
            Ok(records) if !records.is_empty() => {
                for lost in deliver(&handler, records).await {
                    tracing::error!(record = %lost.event_id, "stream record given up after retries (the DLQ would keep it)");
                }
            }
            Ok(_) => tokio::time::sleep(interval).await,
            Err(err) => {
                tracing::error!(error = %shared::http::chain(&err), "stream read failed");
                tokio::time::sleep(interval * 4).await;
            }
        }
    }
}
