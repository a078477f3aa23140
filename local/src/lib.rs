//! Local runs without Docker: moto for AWS, the resources of `template.yaml`
//! provisioned on it, demo data, and one gateway serving every function.

pub mod email;
pub mod gateway;
pub mod graph;
pub mod moto;
pub mod provision;
pub mod queues;
pub mod seed;
pub mod streams;
pub mod template;

use gateway::{door, Handler};
use shared::store::Store;
use std::collections::HashMap;

/// The email door wired to the local resources.
pub fn email_deps(
    config: &aws_config::SdkConfig,
    store: &Store,
    resources: &provision::Resources,
) -> email_inbound::Deps {
    email_inbound::Deps {
        inbound: shared::inbound::Inbound {
            store: store.clone(),
            s3: shared::aws::s3(config),
            sqs: shared::aws::sqs(config),
            bucket: resources.bucket("InboundEmailBucket").to_owned(),
            retry_queue_url: resources.queue_url("EmailRetryQueue").to_owned(),
            max_attempts: shared::inbound::DEFAULT_MAX_ATTEMPTS,
        },
        failure_queue_url: resources.queue_url("EmailFailureQueue").to_owned(),
    }
}

/// Every HTTP door by its function's binary name, wired to the local resources: the
/// Meta door reads the secret `meta_secret` and the Graph API at `graph_base` (the
/// gateway's own stand-in in `make dev`).
pub fn doors(
    store: &Store,
    config: &aws_config::SdkConfig,
    meta_secret: &str,
    graph_base: &str,
) -> Result<HashMap<String, Handler>, shared::providers::meta::GraphError> {
    use shared::providers::meta::{GraphClient, DEFAULT_VERSION};
    let store = || store.clone();
    let meta = meta_webhook::MetaWebhook {
        store: store(),
        secrets: shared::secrets::Secret::new(shared::aws::secrets(config), meta_secret),
        graph: GraphClient::new(graph_base, DEFAULT_VERSION)?,
    };
    let admin = admin_api::AdminApi {
        store: store(),
        inbound_email_domain: Some(seed::INBOUND_EMAIL_DOMAIN.to_owned()),
    };
    let doors = [
        ("api-intake", door(api_intake::ApiIntake { store: store() })),
        (
            "form-intake",
            door(form_intake::FormIntake { store: store() }),
        ),
        ("admin-api", door(admin)),
        (
            "review-actions",
            door(review_actions::ReviewActions { store: store() }),
        ),
        ("meta-webhook", door(meta)),
        (
            "google-webhook",
            door(google_webhook::GoogleWebhook { store: store() }),
        ),
    ];
    Ok(doors.map(|(name, door)| (name.to_owned(), door)).into())
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
    let handlers = doors(store, config, meta_secret, &graph::base(&base))?;
    let routes = template::Template::load()?.http_routes();
    let extra = email::router(email).merge(graph::router(graph_leads));
    Ok(gateway::serve_with(listener, routes, handlers, extra))
}

type BoxError = Box<dyn std::error::Error + Send + Sync>;
