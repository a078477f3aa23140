use lambda_http::{run, service_fn, Error};

#[tokio::main]
async fn main() -> Result<(), Error> {
    shared::telemetry::init();
    let config = shared::aws::sdk_config().await;
    let table = shared::aws::env("LEADS_TABLE")?;
    let deps = admin_api::Deps {
        store: shared::store::Store::new(shared::aws::dynamodb(&config), table),
        inbound_email_domain: std::env::var("INBOUND_EMAIL_DOMAIN")
            .ok()
            .filter(|domain| !domain.is_empty()),
    };
    run(service_fn(|request| {
        let deps = &deps;
        async move { Ok::<_, Error>(admin_api::handle(deps, request).await) }
    }))
    .await
}
