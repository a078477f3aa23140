#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    shared::http::run(|aws| {
        Ok::<_, String>(review_actions::ReviewActions {
            store: aws.store()?,
        })
    })
    .await
}
