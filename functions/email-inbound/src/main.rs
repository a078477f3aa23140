use lambda_runtime::{run, service_fn, Error, LambdaEvent};
use shared::aws;

#[tokio::main]
async fn main() -> Result<(), Error> {
    shared::telemetry::init();
    let aws = aws::Aws::load()?;
    let max_attempts = match std::env::var("EMAIL_MAX_ATTEMPTS") {
        Ok(value) => value.parse()?,
        Err(_) => shared::inbound::DEFAULT_MAX_ATTEMPTS,
    };
    let deps = email_inbound::Deps {
        inbound: shared::inbound::Inbound {
            store: aws.store()?,
            s3: aws::s3(&aws.config),
            sqs: aws::sqs(&aws.config),
            bucket: aws::env("INBOUND_BUCKET")?,
            retry_queue_url: aws::env("EMAIL_RETRY_QUEUE_URL")?,
            max_attempts,
        },
        failure_queue_url: aws::env("EMAIL_FAILURE_QUEUE_URL")?,
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
