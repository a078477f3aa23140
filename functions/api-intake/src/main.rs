#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    shared::http::run(|aws| {
        Ok::<_, String>(api_intake::ApiIntake {
            store: aws.store()?,
        })
    })
    .await
}
