use shared::providers::meta::GraphClient;
use shared::secrets::Secret;

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    shared::http::run(|aws| {
        Ok::<_, lambda_http::Error>(meta_webhook::MetaWebhook {
            store: aws.store()?,
            secrets: Secret::new(aws.secrets(), shared::aws::env("META_SECRET_ID")?),
            graph: GraphClient::from_env()?,
        })
    })
    .await
}
