#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    shared::http::run(|aws| {
        Ok::<_, String>(vendor_webhook::VendorWebhook {
            store: aws.store()?,
        })
    })
    .await
}
