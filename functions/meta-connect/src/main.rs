use shared::admin::Deployment;
use shared::admin::MetaPages;
use shared::providers::meta::connect::DEFAULT_DIALOG_BASE;
use shared::providers::meta::MetaConnect;

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    let setting = |name| {
        std::env::var(name)
            .ok()
            .filter(|value: &String| !value.is_empty())
    };
    let deployment = Deployment::new(&setting("PUBLIC_BASE_URL").unwrap_or_default());
    let dialog_base = setting("META_DIALOG_BASE").unwrap_or_else(|| DEFAULT_DIALOG_BASE.to_owned());
    shared::http::run(|aws| {
        let store = aws.store()?;
        Ok::<_, lambda_http::Error>(meta_connect::MetaConnectDoor {
            connect: MetaConnect {
                meta: MetaPages::from_env(aws, store.clock().clone())?,
                dialog_base,
                store,
            },
            deployment,
        })
    })
    .await
}
