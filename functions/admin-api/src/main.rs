#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    shared::http::run(|aws| {
        Ok::<_, String>(admin_api::AdminApi {
            store: aws.store()?,
            inbound_email_domain: std::env::var("INBOUND_EMAIL_DOMAIN")
                .ok()
                .filter(|domain| !domain.is_empty()),
        })
    })
    .await
}
