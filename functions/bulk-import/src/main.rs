use lambda_runtime::{run, service_fn, Error, LambdaEvent};
use shared::bulk::BulkImporter;
use shared::queue::Queue;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Time kept back from the function's time-out to checkpoint and queue the next chunk.
const MARGIN: Duration = Duration::from_secs(60);

#[tokio::main]
async fn main() -> Result<(), Error> {
    shared::telemetry::init();
    let aws = shared::aws::Aws::load()?;
    let deps = BulkImporter {
        store: aws.store()?,
        s3: shared::aws::s3(&aws.config),
        bucket: shared::aws::env("BULK_IMPORT_BUCKET")?,
        chunks: Queue::new(
            shared::aws::sqs(&aws.config),
            shared::aws::env("BULK_IMPORT_QUEUE_URL")?,
        ),
        rows_per_chunk: 50_000,
        max_file_bytes: 100 * 1024 * 1024,
    };
    run(service_fn(
        |event: LambdaEvent<aws_lambda_events::event::sqs::SqsEvent>| {
            let deps = &deps;
            async move {
                let now = SystemTime::now()
                    .duration_since(UNIX_EPOCH)
                    .unwrap_or_default();
                let deadline = Duration::from_millis(event.context.deadline);
                let budget = deadline.saturating_sub(now).saturating_sub(MARGIN);
                Ok::<_, Error>(bulk_import::handle(deps, event.payload, budget).await)
            }
        },
    ))
    .await
}
