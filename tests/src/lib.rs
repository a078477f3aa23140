//! Test support: one moto server per test binary with the table of `template.yaml`,
//! and a [`TestApp`] per test that owns a fresh workspace in it.

pub mod admin;
pub mod api;
pub mod bulk;
pub mod conflicts;
pub mod crash;
pub mod email;
pub mod followups;
pub mod forms;
pub mod forwarding;
pub mod reads;
pub mod response;
pub mod reviews;
pub mod samples;
pub mod security;
pub mod vendors;
pub mod webhooks;

pub use api::lead_body;
pub use local::moto::Moto;
pub use reads::LeadContacts;
pub use response::TestResponse;

use aws_config::SdkConfig;
use local::seed::{self, Seeded};
use shared::domain::{Connector, Provider};
use shared::store::Store;
use std::sync::OnceLock;

struct Aws {
    moto: Moto,
    resources: local::provision::Resources,
}

fn aws() -> &'static Aws {
    static AWS: OnceLock<Aws> = OnceLock::new();
    AWS.get_or_init(|| {
        // Provisioning runs on a runtime of its own: each test has its own runtime, and
        // SDK clients must not outlive the runtime they were made on.
        std::thread::spawn(|| {
            let moto = Moto::start(0).expect("moto starts (make test installs it)");
            let resources = tokio::runtime::Runtime::new()
                .expect("a runtime")
                .block_on(async {
                    let config = local::moto::sdk_config(&moto.endpoint).await;
                    local::provision::provision(&config).await
                })
                .expect("the template's resources are created on moto");
            Aws { moto, resources }
        })
        .join()
        .expect("moto set-up")
    })
}

/// A fresh workspace on the shared moto server, with an active API connector.
pub struct TestApp {
    pub config: SdkConfig,
    pub store: Store,
    pub seeded: Seeded,
}

impl TestApp {
    pub async fn spawn() -> Self {
        Self::spawn_with(|_| {}).await
    }

    /// The demo workspace of `make dev`, with the sample keys the files in `events/` carry.
    /// Seeded once per test binary (the sample keys are global); every caller shares it.
    pub async fn demo() -> Self {
        static DEMO: tokio::sync::OnceCell<Seeded> = tokio::sync::OnceCell::const_new();
        let (config, store) = Self::connect().await;
        let seeded = DEMO
            .get_or_init(|| async {
                let seeded = seed::demo(&store).await.expect("demo seed");
                let pages = local::page_tokens(&config, &aws().resources, "admin-api");
                seed::demo_meta_page(&pages, &seeded)
                    .await
                    .expect("the demo page's token");
                seeded
            })
            .await
            .clone();
        Self {
            config,
            store,
            seeded,
        }
    }

    /// The shared moto, through a client that refuses what DynamoDB refuses.
    async fn connect() -> (SdkConfig, Store) {
        let aws = aws();
        let moto = local::moto::sdk_config(&aws.moto.endpoint).await;
        let config = crash::Crash::never().config(&moto);
        let store = Store::new(shared::aws::dynamodb(&config), &aws.resources.table);
        (config, store)
    }

    /// This app's table as one handler run sees it: through `crash`, at `clock`.
    pub fn store_through(&self, crash: &crash::Crash, clock: &shared::clock::Clock) -> Store {
        let config = crash.config(&self.config);
        Store::new(shared::aws::dynamodb(&config), self.store.table()).with_clock(clock.clone())
    }

    /// A test app whose API connector is shaped by `configure` before it is stored.
    pub async fn spawn_with(configure: impl FnOnce(&mut Connector)) -> Self {
        let (config, store) = Self::connect().await;
        let mut seeded = seed::workspace(&store, "Test Workspace")
            .await
            .expect("seed");
        seed::active_connector(&store, &mut seeded, Provider::Api, configure)
            .await
            .expect("seed connector");
        Self {
            config,
            store,
            seeded,
        }
    }

    pub fn endpoint(&self) -> &str {
        &aws().moto.endpoint
    }

    /// The local resources (table, buckets, queues) of the template.
    pub fn resources(&self) -> &'static local::provision::Resources {
        &aws().resources
    }

    pub fn workspace_id(&self) -> &shared::domain::WorkspaceId {
        &self.seeded.workspace.id
    }

    pub fn api_connector(&self) -> &Connector {
        self.seeded
            .connector(Provider::Api)
            .expect("an API connector")
    }

    /// The clients of the function `binary`, as its `main` builds them, each call checked
    /// against its policy in `template.yaml` (moto checks none).
    pub fn function(&self, binary: &str) -> local::calls::FunctionAws {
        local::calls::FunctionAws::new(&self.config, binary)
    }

    /// This app's store (table and clock) through the function `binary`'s client.
    pub fn store_of(&self, binary: &str) -> Store {
        self.function(binary).store(&self.store)
    }

    pub fn connector_key(&self) -> String {
        self.api_connector()
            .settings
            .connector_key
            .clone()
            .expect("a connector key")
    }

    /// The gateway of `make dev` on a free port, wired to this app's store: every route
    /// of the template, `/_local/email` (an email door with a retry queue of its own) and
    /// the Graph API stand-in the Meta door reads. Answers its base URL.
    pub async fn serve_gateway(&self) -> String {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a free port");
        let base = format!("http://{}", listener.local_addr().expect("an address"));
        let served = local::serve_all(
            listener,
            &self.store,
            &self.config,
            &self.resources().meta_secret,
            self.email_deps(3).await,
        )
        .expect("the gateway's doors");
        tokio::spawn(served);
        base
    }
}
