#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    shared::http::run(|aws| {
        Ok::<_, String>(form_intake::FormIntake {
            store: aws.store()?,
        })
    })
    .await
}
