//! Local runs without Docker: moto for AWS, the resources of `template.yaml`
//! provisioned on it, demo data, and one gateway serving every function.

pub mod gateway;
pub mod moto;
pub mod provision;
pub mod seed;
pub mod template;

use gateway::Handler;
use shared::store::Store;
use std::collections::HashMap;

/// Every function's handler by its binary name, wired to the local resources.
pub fn handlers(store: &Store) -> HashMap<String, Handler> {
    let api = api_intake::Deps {
        store: store.clone(),
    };
    let mut handlers = HashMap::from([(
        "api-intake".to_owned(),
        gateway::handler(api, |deps, request| async move {
            api_intake::handle(&deps, request).await
        }),
    )]);
    let admin = admin_api::Deps {
        store: store.clone(),
        inbound_email_domain: Some(
            std::env::var("INBOUND_EMAIL_DOMAIN").unwrap_or_else(|_| LOCAL_INBOUND_DOMAIN.into()),
        ),
    };
    handlers.insert(
        "admin-api".to_owned(),
        gateway::handler(admin, |deps, request| async move {
            admin_api::handle(&deps, request).await
        }),
    );
    handlers
}

/// The inbound mail domain of local runs (`INBOUND_EMAIL_DOMAIN` overrides it).
pub const LOCAL_INBOUND_DOMAIN: &str = "inbound.localhost";
