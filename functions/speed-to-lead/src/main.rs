use lambda_runtime::{run, service_fn, Error, LambdaEvent};
use shared::followup::{DigestQueue, FollowUps, Mailer};

#[tokio::main]
async fn main() -> Result<(), Error> {
    shared::telemetry::init();
    let aws = shared::aws::Aws::load()?;
    let deps = speed_to_lead::Deps {
        followups: FollowUps {
            store: aws.store()?,
            mailer: Mailer::new(shared::aws::ses(&aws.config)),
            default_sender: shared::aws::env("FOLLOWUP_SENDER")?,
            digests: DigestQueue {
                sqs: shared::aws::sqs(&aws.config),
                url: shared::aws::env("REVIEW_DIGEST_QUEUE_URL")?,
            },
        },
    };
    run(service_fn(|event: LambdaEvent<serde_json::Value>| {
        let deps = &deps;
        async move { Ok::<_, Error>(speed_to_lead::handle_any(deps, event.payload).await?) }
    }))
    .await
}
