use aws_lambda_events::event::dynamodb::Event;
use lambda_runtime::{run, service_fn, Error, LambdaEvent};
use shared::followup::{FollowUps, Mailer};

#[tokio::main]
async fn main() -> Result<(), Error> {
    shared::telemetry::init();
    let aws = shared::aws::Aws::load().await;
    let deps = speed_to_lead::Deps {
        followups: FollowUps {
            store: aws.store()?,
            mailer: Mailer::new(shared::aws::ses(&aws.config)),
            default_sender: shared::aws::env("FOLLOWUP_SENDER")?,
        },
    };
    run(service_fn(|event: LambdaEvent<Event>| {
        let deps = &deps;
        async move { Ok::<_, Error>(speed_to_lead::handle(deps, event.payload).await) }
    }))
    .await
}
