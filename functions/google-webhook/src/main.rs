#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    shared::http::run(|aws| {
        Ok::<_, String>(google_webhook::GoogleWebhook {
            store: aws.store()?,
        })
    })
    .await
}
