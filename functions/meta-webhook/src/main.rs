use shared::providers::meta::{GraphClient, PageTokens};
use shared::secrets::Secret;

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    shared::http::run(|aws| {
        let ttl = secret_ttl()?;
        let prefix = shared::aws::env("META_PAGES_SECRET_PREFIX")?;
        Ok::<_, lambda_http::Error>(meta_webhook::MetaWebhook {
            store: aws.store()?,
            secrets: Secret::new(aws.secrets(), shared::aws::env("META_SECRET_ID")?).with_ttl(ttl),
            pages: PageTokens::new(aws.secrets(), prefix, shared::clock::Clock::system())
                .with_ttl(ttl),
            graph: GraphClient::from_env()?,
        })
    })
    .await
}

/// `META_SECRET_TTL_SECONDS`: how soon a changed Meta secret or page token is seen
/// (default 300).
fn secret_ttl() -> Result<std::time::Duration, String> {
    match std::env::var("META_SECRET_TTL_SECONDS") {
        Ok(value) => value
            .trim()
            .parse()
            .map(std::time::Duration::from_secs)
            .map_err(|_| "META_SECRET_TTL_SECONDS must be a number of seconds".to_owned()),
        Err(_) => Ok(shared::secrets::DEFAULT_TTL),
    }
}
