use lambda_runtime::{run, service_fn, Error, LambdaEvent};
use shared::aws;

#[tokio::main]
async fn main() -> Result<(), Error> {
    shared::telemetry::init();
    let config = aws::sdk_config().await;
    let max_attempts = match std::env::var("EMAIL_MAX_ATTEMPTS") {
        Ok(value) => value.parse()?,
        Err(_) => shared::inbound::DEFAULT_MAX_ATTEMPTS,
    };
    let deps = email_inbound::Deps {
        store: shared::store::Store::new(aws::dynamodb(&config), aws::env("LEADS_TABLE")?),
        s3: aws::s3(&config),
        sqs: aws::sqs(&config),
        bucket: aws::env("INBOUND_BUCKET")?,
        retry_queue_url: aws::env("EMAIL_RETRY_QUEUE_URL")?,
        max_attempts,
    };
    run(service_fn(|event: LambdaEvent<serde_json::Value>| {
        let deps = &deps;
        async move {
            email_inbound::handle(deps, event.payload)
                .await
                .map_err(Error::from)
        }
    }))
    .await
}
