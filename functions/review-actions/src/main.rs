use lambda_http::{run, service_fn, Error};

#[tokio::main]
async fn main() -> Result<(), Error> {
    shared::telemetry::init();
    let config = shared::aws::sdk_config().await;
    let table = shared::aws::env("LEADS_TABLE")?;
    let deps = review_actions::Deps {
        store: shared::store::Store::new(shared::aws::dynamodb(&config), table),
    };
    run(service_fn(|request| {
        let deps = &deps;
        async move { Ok::<_, Error>(review_actions::handle(deps, request).await) }
    }))
    .await
}
