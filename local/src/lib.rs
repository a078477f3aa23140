//! Local runs without Docker: moto for AWS, the resources of `template.yaml`
//! provisioned on it, demo data, and one gateway serving every function.

pub mod email;
pub mod gateway;
pub mod graph;
pub mod moto;
pub mod provision;
pub mod seed;
pub mod streams;
pub mod template;

use gateway::Handler;
use shared::store::Store;
use std::collections::HashMap;

/// The email door wired to the local resources.
pub fn email_deps(
    config: &aws_config::SdkConfig,
    store: &Store,
    resources: &provision::Resources,
) -> email_inbound::Deps {
    shared::inbound::Inbound {
        store: store.clone(),
        s3: shared::aws::s3(config),
        sqs: shared::aws::sqs(config),
        bucket: resources.bucket("InboundEmailBucket").to_owned(),
        retry_queue_url: resources.queue_url("EmailRetryQueue").to_owned(),
        max_attempts: shared::inbound::DEFAULT_MAX_ATTEMPTS,
    }
}

/// Every function's handler by its binary name, wired to the local resources.
pub fn handlers(store: &Store) -> HashMap<String, Handler> {
    let api = api_intake::Deps {
        store: store.clone(),
    };
    let form = form_intake::Deps {
        store: store.clone(),
    };
    let mut handlers = HashMap::from([
        (
            "api-intake".to_owned(),
            gateway::handler(api, |deps, request| async move {
                api_intake::handle(&deps, request).await
            }),
        ),
        (
            "form-intake".to_owned(),
            gateway::handler(form, |deps, request| async move {
                form_intake::handle(&deps, request).await
            }),
        ),
    ]);
    let admin = admin_api::Deps {
        store: store.clone(),
        inbound_email_domain: Some(seed::INBOUND_EMAIL_DOMAIN.to_owned()),
    };
    handlers.insert(
        "admin-api".to_owned(),
        gateway::handler(admin, |deps, request| async move {
            admin_api::handle(&deps, request).await
        }),
    );
    let reviews = review_actions::Deps {
        store: store.clone(),
    };
    handlers.insert(
        "review-actions".to_owned(),
        gateway::handler(reviews, |deps, request| async move {
            review_actions::handle(&deps, request).await
        }),
    );
    handlers
}

/// The lead-ads webhook doors, with the Meta secret `meta_secret` and the Graph API at
/// `graph_base` (the gateway's own stand-in in `make dev`).
pub fn webhook_handlers(
    store: &Store,
    config: &aws_config::SdkConfig,
    meta_secret: &str,
    graph_base: &str,
) -> Result<HashMap<String, Handler>, shared::providers::meta::GraphError> {
    use shared::providers::meta::{GraphClient, DEFAULT_VERSION};
    let meta = meta_webhook::Deps {
        store: store.clone(),
        secrets: shared::secrets::Secret::new(shared::aws::secrets(config), meta_secret),
        graph: GraphClient::new(graph_base, DEFAULT_VERSION)?,
    };
    let google = google_webhook::Deps {
        store: store.clone(),
    };
    Ok(HashMap::from([
        (
            "meta-webhook".to_owned(),
            gateway::handler(meta, |deps, request| async move {
                meta_webhook::handle(&deps, request).await
            }),
        ),
        (
            "google-webhook".to_owned(),
            gateway::handler(google, |deps, request| async move {
                google_webhook::handle(&deps, request).await
            }),
        ),
    ]))
}

/// The gateway of `make dev` on `listener`: every route of the template, `/_local/email`
/// (served by `email`), and the Graph API stand-in the Meta door reads, holding the
/// sample lead. Nothing is served until the answer is awaited.
pub fn serve_all(
    listener: tokio::net::TcpListener,
    store: &Store,
    config: &aws_config::SdkConfig,
    meta_secret: &str,
    email: email_inbound::Deps,
) -> Result<impl std::future::Future<Output = std::io::Result<()>>, BoxError> {
    let base = format!("http://{}", listener.local_addr()?);
    let graph_leads = graph::GraphLeads::default();
    graph_leads.register(graph::sample_lead())?;
    let mut handlers = handlers(store);
    handlers.extend(webhook_handlers(
        store,
        config,
        meta_secret,
        &graph::base(&base),
    )?);
    let routes = template::Template::load()?.http_routes();
    let extra = email::router(email).merge(graph::router(graph_leads));
    Ok(gateway::serve_with(listener, routes, handlers, extra))
}

type BoxError = Box<dyn std::error::Error + Send + Sync>;
