//! A door as Lambda runs it: one request in, one response out. Every HTTP function's
//! `main` builds its door and hands it to [`serve`]; the local gateway runs the same
//! doors in-process.

use super::ApiError;
use lambda_http::{Body, Request, Response};
use std::future::Future;

/// An HTTP door: it reads its request, calls its use case in `shared`, and shapes the
/// answer with this module's helpers. An error is answered as its problem.
pub trait Door: Send + Sync {
    fn answer(
        &self,
        request: &Request,
    ) -> impl Future<Output = Result<Response<Body>, ApiError>> + Send;
}

/// `door`'s answer to `request`, an error included: what the function returns.
pub async fn answer(door: &impl Door, request: Request) -> Response<Body> {
    super::respond(door.answer(&request).await)
}

/// Runs `door` as this Lambda function until the runtime stops it.
pub async fn serve<D: Door>(door: D) -> Result<(), lambda_http::Error> {
    let door = &door;
    lambda_http::run(lambda_http::service_fn(move |request| async move {
        Ok::<_, std::convert::Infallible>(answer(door, request).await)
    }))
    .await
}

/// A function's whole `main`: JSON logs, the AWS configuration, the door `build` makes
/// from it, served until the runtime stops it.
pub async fn run<D, E>(
    build: impl FnOnce(&crate::aws::Aws) -> Result<D, E>,
) -> Result<(), lambda_http::Error>
where
    D: Door,
    E: Into<lambda_http::Error>,
{
    crate::telemetry::init();
    let aws = crate::aws::Aws::load()?;
    serve(build(&aws).map_err(Into::into)?).await
}
