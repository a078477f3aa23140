use lambda_runtime::{run, service_fn, Error, LambdaEvent};
use shared::forwarding::{Courier, Forwarder, Reach, MAX_HOP_SECONDS, RETRY_DELAYS};
use shared::queue::Queue;
use std::time::Duration;

/// One attempt's time-out: connect, send and read the answer.
const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(10);

#[tokio::main]
async fn main() -> Result<(), Error> {
    shared::telemetry::init();
    let aws = shared::aws::Aws::load()?;
    let sqs = shared::aws::sqs(&aws.config);
    let deps = Forwarder {
        store: aws.store()?,
        attempts: Queue::new(sqs.clone(), shared::aws::env("FORWARD_QUEUE_URL")?),
        failures: Queue::new(sqs, shared::aws::env("FORWARD_FAILURES_QUEUE_URL")?),
        courier: Courier::new(Reach::from_env(), ATTEMPT_TIMEOUT)?,
        retry_delays: RETRY_DELAYS.to_vec(),
        max_hop: MAX_HOP_SECONDS,
    };
    run(service_fn(|event: LambdaEvent<serde_json::Value>| {
        let deps = &deps;
        async move {
            forwarder::handle(deps, event.payload)
                .await
                .map_err(Error::from)
        }
    }))
    .await
}
