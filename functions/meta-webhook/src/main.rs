use lambda_http::{run, service_fn, Error};
use shared::providers::meta::GraphClient;
use shared::secrets::Secret;

#[tokio::main]
async fn main() -> Result<(), Error> {
    shared::telemetry::init();
    let config = shared::aws::sdk_config().await;
    let table = shared::aws::env("LEADS_TABLE")?;
    let secret_id = shared::aws::env("META_SECRET_ID")?;
    let deps = meta_webhook::Deps {
        store: shared::store::Store::new(shared::aws::dynamodb(&config), table),
        secrets: Secret::new(shared::aws::secrets(&config), secret_id),
        graph: GraphClient::from_env()?,
    };
    run(service_fn(|request| {
        let deps = &deps;
        async move { Ok::<_, Error>(meta_webhook::handle(deps, request).await) }
    }))
    .await
}
