//! Local runs without Docker: moto for AWS, the resources of `template.yaml`
//! provisioned on it, demo data, and one gateway serving every function.

pub mod gateway;
pub mod moto;
pub mod provision;
pub mod seed;
pub mod streams;
pub mod template;

use gateway::Handler;
use shared::store::Store;
use std::collections::HashMap;

/// Every function's handler by its binary name, wired to the local resources.
pub fn handlers(store: &Store) -> HashMap<String, Handler> {
    let api = api_intake::Deps {
        store: store.clone(),
    };
    HashMap::from([(
        "api-intake".to_owned(),
        gateway::handler(api, |deps, request| async move {
            api_intake::handle(&deps, request).await
        }),
    )])
}
