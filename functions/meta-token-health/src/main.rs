use lambda_runtime::{run, service_fn, Error, LambdaEvent};
use shared::admin::MetaPages;
use shared::providers::meta::MetaConnect;

#[tokio::main]
async fn main() -> Result<(), Error> {
    shared::telemetry::init();
    let aws = shared::aws::Aws::load()?;
    let store = aws.store()?;
    let connect = MetaConnect {
        meta: MetaPages::from_env(&aws, store.clock().clone())?,
        dialog_base: String::new(),
        store,
    };
    let stage = shared::aws::env("STAGE")?;
    run(service_fn(|_: LambdaEvent<serde_json::Value>| {
        let (connect, stage) = (&connect, &stage);
        async move {
            let (report, metric) = meta_token_health::handle(connect, stage).await?;
            println!("{metric}");
            Ok::<_, Error>(serde_json::to_value(report)?)
        }
    }))
    .await
}
