//! Local runs without Docker: moto for AWS, the resources of `template.yaml`
//! provisioned on it, demo data, and one gateway serving every function.

pub mod calls;
pub mod email;
pub mod gateway;
pub mod graph;
pub mod graph_login;
pub mod iam;
pub mod intrinsics;
pub mod moto;
pub mod provision;
pub mod queues;
pub mod seed;
pub mod streams;
pub mod template;
pub mod token_health;

use gateway::{door, Handler};
use shared::store::Store;
use std::collections::HashMap;

/// The email door wired to the local resources, its calls checked as `email-inbound`'s.
pub fn email_deps(
    config: &aws_config::SdkConfig,
    store: &Store,
    resources: &provision::Resources,
) -> email_inbound::Deps {
    let aws = calls::FunctionAws::new(config, "email-inbound");
    email_inbound::Deps {
        inbound: shared::inbound::Inbound {
            store: aws.store(store),
            s3: aws.s3(),
            sqs: aws.sqs(),
            bucket: resources.bucket("InboundEmailBucket").to_owned(),
            retry_queue_url: resources.queue_url("EmailRetryQueue").to_owned(),
            max_attempts: shared::inbound::DEFAULT_MAX_ATTEMPTS,
        },
        failure_queue_url: resources.queue_url("EmailFailureQueue").to_owned(),
    }
}

/// Speed-to-lead wired to the local resources, its calls checked as `speed-to-lead`'s.
pub fn speed_deps(
    config: &aws_config::SdkConfig,
    store: &Store,
    resources: &provision::Resources,
) -> Result<speed_to_lead::Deps, template::TemplateError> {
    let aws = calls::FunctionAws::new(config, "speed-to-lead");
    Ok(speed_to_lead::Deps {
        followups: shared::followup::FollowUps {
            store: aws.store(store),
            mailer: shared::followup::Mailer::new(aws.ses()),
            default_sender: provision::sender_address()?,
            digests: shared::followup::DigestQueue {
                sqs: aws.sqs(),
                url: resources.queue_url("ReviewDigestQueue").to_owned(),
            },
        },
    })
}

/// What the admin API of a local run shows: URLs under `base_url` (the gateway's), the
/// local inbound domain and sender domain.
pub fn deployment(base_url: &str) -> shared::admin::Deployment {
    let sender = provision::sender_address().unwrap_or_default();
    shared::admin::Deployment {
        inbound_email_domain: Some(seed::INBOUND_EMAIL_DOMAIN.to_owned()),
        sender_domain: sender.rsplit_once('@').map(|(_, domain)| domain.to_owned()),
        ..shared::admin::Deployment::new(base_url)
    }
}

/// The forwarder wired to the local resources, its calls checked as `forwarder`'s: loopback destinations allowed (the
/// receivers of `make dev` and the tests run on this machine), retries as the template's.
pub fn forwarder_deps(
    config: &aws_config::SdkConfig,
    store: &Store,
    resources: &provision::Resources,
) -> Result<forwarder::Deps, BoxError> {
    use shared::forwarding::{Courier, Reach, MAX_HOP_SECONDS, RETRY_DELAYS};
    use shared::queue::Queue;
    let aws = calls::FunctionAws::new(config, "forwarder");
    let sqs = aws.sqs();
    Ok(shared::forwarding::Forwarder {
        store: aws.store(store),
        attempts: Queue::new(sqs.clone(), resources.queue_url("ForwardQueue")),
        failures: Queue::new(sqs, resources.queue_url("ForwardFailures")),
        courier: Courier::new(Reach::PublicAndLoopback, std::time::Duration::from_secs(10))?,
        retry_delays: RETRY_DELAYS.to_vec(),
        max_hop: MAX_HOP_SECONDS,
    })
}

/// The bulk importer wired to the local resources, its calls checked as `bulk-import`'s.
pub fn bulk_deps(
    config: &aws_config::SdkConfig,
    store: &Store,
    resources: &provision::Resources,
) -> bulk_import::Deps {
    let aws = calls::FunctionAws::new(config, "bulk-import");
    shared::bulk::BulkImporter {
        store: aws.store(store),
        s3: aws.s3(),
        bucket: resources.bucket("BulkImportBucket").to_owned(),
        chunks: shared::queue::Queue::new(aws.sqs(), resources.queue_url("BulkImportQueue")),
        rows_per_chunk: 1000,
        max_file_bytes: 100 * 1024 * 1024,
    }
}

/// The workspaces' Meta page tokens (secrets under `resources.meta_pages_prefix`), read
/// and written with `function`'s clients, each call checked against its policy.
pub fn page_tokens(
    config: &aws_config::SdkConfig,
    resources: &provision::Resources,
    function: &str,
) -> shared::providers::meta::PageTokens {
    tokens_under(config, &resources.meta_pages_prefix, function)
}

fn tokens_under(
    config: &aws_config::SdkConfig,
    prefix: &str,
    function: &str,
) -> shared::providers::meta::PageTokens {
    shared::providers::meta::PageTokens::new(
        calls::FunctionAws::new(config, function).secrets(),
        prefix,
        shared::clock::Clock::system(),
    )
}

/// The admin API's Meta pages: page tokens under `prefix`, the Meta secret
/// `meta_secret` (app secret) and the Graph API at `graph_base`, calls checked as
/// `admin-api`'s.
pub fn admin_meta(
    config: &aws_config::SdkConfig,
    prefix: &str,
    meta_secret: &str,
    graph_base: &str,
) -> Result<shared::admin::MetaPages, shared::providers::meta::GraphError> {
    use shared::providers::meta::{GraphClient, DEFAULT_VERSION};
    let secrets = calls::FunctionAws::new(config, "admin-api").secrets();
    Ok(shared::admin::MetaPages {
        tokens: tokens_under(config, prefix, "admin-api"),
        graph: GraphClient::new(graph_base, DEFAULT_VERSION)?,
        app: std::sync::Arc::new(shared::secrets::Secret::new(secrets, meta_secret)),
    })
}

/// Every HTTP door by its function's binary name, wired to the local resources, each
/// with its own clients (calls checked against its policy): the Meta door reads the
/// secret `meta_secret` and the Graph API stand-in of the gateway at `base_url`.
pub fn doors(
    store: &Store,
    config: &aws_config::SdkConfig,
    meta_secret: &str,
    base_url: &str,
) -> Result<HashMap<String, Handler>, BoxError> {
    use shared::providers::meta::{GraphClient, DEFAULT_VERSION};
    calls::stands_for(meta_secret, "MetaWebhookSecret");
    let connect = meta_connect::MetaConnectDoor {
        connect: meta_connect(config, store, meta_secret, base_url, "meta-connect")?,
        deployment: deployment(base_url),
    };
    let prefix = provision::meta_pages_prefix(&template::Template::load()?)?;
    let aws = |function| calls::FunctionAws::new(config, function);
    let store = |function| aws(function).store(store);
    let graph_base = graph::base(base_url);
    let meta = meta_webhook::MetaWebhook {
        store: store("meta-webhook"),
        secrets: shared::secrets::Secret::new(aws("meta-webhook").secrets(), meta_secret),
        pages: tokens_under(config, &prefix, "meta-webhook"),
        graph: GraphClient::new(&graph_base, DEFAULT_VERSION)?,
    };
    let admin = admin_api::AdminApi {
        store: store("admin-api"),
        deployment: deployment(base_url),
        reach: shared::forwarding::Reach::PublicAndLoopback,
        uploads: shared::admin::Uploads {
            s3: aws("admin-api").s3(),
            bucket: provision::local_name("BulkImportBucket"),
        },
        meta: admin_meta(config, &prefix, meta_secret, &graph_base)?,
    };
    let review = review_actions::ReviewActions {
        store: store("review-actions"),
    };
    let doors = [
        (
            "api-intake",
            door(api_intake::ApiIntake {
                store: store("api-intake"),
            }),
        ),
        (
            "form-intake",
            door(form_intake::FormIntake {
                store: store("form-intake"),
            }),
        ),
        ("admin-api", door(admin)),
        ("review-actions", door(review)),
        ("meta-webhook", door(meta)),
        ("meta-connect", door(connect)),
        (
            "google-webhook",
            door(google_webhook::GoogleWebhook {
                store: store("google-webhook"),
            }),
        ),
        (
            "vendor-webhook",
            door(vendor_webhook::VendorWebhook {
                store: store("vendor-webhook"),
            }),
        ),
    ];
    Ok(doors.map(|(name, door)| (name.to_owned(), door)).into())
}

/// Connect Meta wired to the local resources as `function` (`meta-connect` or
/// `meta-token-health`) builds it: the Meta secret `meta_secret`, the page tokens under
/// the template's prefix, the Graph API and login dialog of the stand-in at `base_url`.
pub fn meta_connect(
    config: &aws_config::SdkConfig,
    store: &Store,
    meta_secret: &str,
    base_url: &str,
    function: &str,
) -> Result<shared::providers::meta::MetaConnect, BoxError> {
    use shared::providers::meta::{GraphClient, MetaConnect, DEFAULT_VERSION};
    let aws = calls::FunctionAws::new(config, function);
    let prefix = provision::meta_pages_prefix(&template::Template::load()?)?;
    Ok(MetaConnect {
        store: aws.store(store),
        meta: shared::admin::MetaPages {
            tokens: tokens_under(config, &prefix, function),
            graph: GraphClient::new(&graph::base(base_url), DEFAULT_VERSION)?,
            app: std::sync::Arc::new(shared::secrets::Secret::new(aws.secrets(), meta_secret)),
        },
        dialog_base: graph::base(base_url),
    })
}

/// The gateway of `make dev` on `listener`: every route of the template, `/_local/email`
/// (served by `email`), the Graph API stand-in the Meta door reads, holding the sample
/// lead, and `POST /_local/meta/token-health`, one run of the daily token check. Nothing is served until the answer is awaited.
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
    graph_leads
        .accounts()
        .add_page(seed::SAMPLE_META_PAGE_ID, "Demo Page");
    graph_leads.register_page(seed::SAMPLE_META_PAGE_ID, seed::SAMPLE_META_PAGE_TOKEN);
    let handlers = doors(store, config, meta_secret, &base)?;
    let routes = template::Template::load()?.http_routes();
    let health = meta_connect(config, store, meta_secret, &base, "meta-token-health")?;
    let extra = email::router(email, shared::aws::s3(config))
        .merge(graph::router(graph_leads))
        .merge(token_health::router(health));
    Ok(gateway::serve_with(listener, routes, handlers, extra))
}

type BoxError = Box<dyn std::error::Error + Send + Sync>;
