use shared::admin::{Deployment, MetaPages};

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    let setting = |name| std::env::var(name).ok().filter(|value| !value.is_empty());
    let deployment = Deployment {
        inbound_email_domain: setting("INBOUND_EMAIL_DOMAIN"),
        sender_domain: setting("SENDER_DOMAIN"),
        ..Deployment::new(&setting("PUBLIC_BASE_URL").unwrap_or_default())
    };
    shared::http::run(|aws| {
        let meta = MetaPages::from_env(aws, shared::clock::Clock::system())?;
        Ok::<_, String>(admin_api::AdminApi {
            store: aws.store()?,
            deployment,
            reach: shared::forwarding::Reach::from_env(),
            uploads: shared::admin::Uploads {
                s3: shared::aws::s3(&aws.config),
                bucket: shared::aws::env("BULK_IMPORT_BUCKET")?,
            },
            meta,
        })
    })
    .await
}
