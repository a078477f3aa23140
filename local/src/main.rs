//! `make dev`: moto, the table, a demo workspace, and every function on
//! http://127.0.0.1:3000 (`LOCAL_PORT` to change it).

use local::{moto, provision, queues, seed, streams};
use std::path::PathBuf;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

fn port(name: &str, default: u16) -> Result<u16, BoxError> {
    match std::env::var(name) {
        Ok(value) => Ok(value
            .parse()
            .map_err(|_| format!("{name} must be a port number"))?),
        Err(_) => Ok(default),
    }
}

#[tokio::main]
async fn main() -> Result<(), BoxError> {
    shared::telemetry::init();
    let api_port = port("LOCAL_PORT", 3000)?;
    let moto = moto::Moto::start(port("MOTO_PORT", 0)?)?;
    let config = moto::sdk_config(&moto.endpoint).await;
    let resources = provision::provision(&config).await?;
    let store = shared::store::Store::new(shared::aws::dynamodb(&config), &resources.table);
    let seeded = seed::demo(&store).await?;
    let pages = local::page_tokens(&config, &resources, "admin-api");
    seed::demo_meta_page(&pages, &seeded).await?;

    let stream = streams::StreamReader::latest(&config, &resources.table).await?;
    let followups = local::speed_deps(&config, &store, &resources)?;
    tokio::spawn(local::queues::poll_due_digests(followups.clone()));
    // The table's stream, to speed-to-lead and the forwarder; the forwarder's attempts
    // queue and the bulk import queue (which gets the bulk bucket's upload events from
    // moto, as S3 sends them), each delivered like its Lambda trigger.
    let forwarder = local::forwarder_deps(&config, &store, &resources)?;
    let handlers = vec![
        streams::speed_to_lead(followups),
        streams::forwarder(forwarder.clone()),
    ];
    tokio::spawn(streams::poll(
        stream,
        streams::each(handlers),
        std::time::Duration::from_millis(250),
    ));
    let sqs = shared::aws::sqs(&config);
    let queue = |id: &str| resources.queue_url(id).to_owned();
    tokio::spawn(queues::poll(
        sqs.clone(),
        queue("ForwardQueue"),
        queues::forwarder(forwarder),
    ));
    let bulk = local::bulk_deps(&config, &store, &resources);
    let budget = std::time::Duration::from_secs(60);
    tokio::spawn(queues::poll(
        sqs,
        queue("BulkImportQueue"),
        queues::bulk_import(bulk, budget),
    ));

    let listener = tokio::net::TcpListener::bind(("127.0.0.1", api_port)).await?;
    let api_base = format!("http://127.0.0.1:{api_port}");
    let demo = seed::DemoFile::new(&seeded, &api_base, &moto.endpoint, &resources.table);
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../.local");
    std::fs::create_dir_all(&dir)?;
    std::fs::write(dir.join("demo.json"), serde_json::to_string_pretty(&demo)?)?;

    println!("Lead Connectors is running locally.");
    println!("  API:      {api_base}");
    println!(
        "  AWS:      {} (moto; table {})",
        moto.endpoint, resources.table
    );
    println!("  admin key: {}", seeded.admin_key);
    println!("  credentials and connector ids: .local/demo.json");
    println!(
        "  mail:     sent follow-ups at {}/moto-api/data.json (ses)",
        moto.endpoint
    );
    let graph_base = local::graph::base(&api_base);
    println!("  Graph API stand-in: {graph_base} (register leads: POST /_local/meta/leads)");
    println!("Press Ctrl-C to stop.");

    let email = local::email_deps(&config, &store, &resources);
    tokio::spawn(local::email::poll_retries(email.clone()));
    let served = local::serve_all(listener, &store, &config, &resources.meta_secret, email)?;
    tokio::select! {
        served = served => served?,
        _ = tokio::signal::ctrl_c() => {}
    }
    Ok(())
}
