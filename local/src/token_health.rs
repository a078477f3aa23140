//! `POST /_local/meta/token-health`: one run of the daily Meta token-health check, as its
//! schedule would start it; answers its report.

use crate::graph::json_response;
use axum::routing::post;
use serde_json::json;
use std::sync::Arc;

pub fn router(connect: shared::providers::meta::MetaConnect) -> axum::Router {
    let connect = Arc::new(connect);
    axum::Router::new().route(
        "/_local/meta/token-health",
        post(move || {
            let connect = connect.clone();
            async move {
                match meta_token_health::handle(&connect, "local").await {
                    Ok((report, _)) => json_response(200, json!(report)),
                    Err(err) => json_response(503, json!({ "message": err.to_string() })),
                }
            }
        }),
    )
}
