//! Test support for the email door: a dedicated retry queue per test, messages stored
//! as SES's S3 action stores them, and SES events delivered to the handler.

use crate::TestApp;
use shared::domain::{Connector, Provider};
use shared::inbound::EmailOutcome;

pub const INBOUND_DOMAIN: &str = "leads.example.com";

/// A labelled lead notification, as a website's form plug-in sends it.
pub const LABELLED_LEAD: &str = "From: WordPress <wordpress@acme-wash.example>\r
To: office@acme-wash.example\r
Subject: New submission: Free estimate\r
Message-ID: <form-4711@acme-wash.example>\r
Content-Type: text/plain; charset=utf-8\r
\r
Name: Kathy Kline\r
Email: kathy.kline@example.com\r
Phone: (717) 555-0142\r
Address: 123 Main St\r
Lancaster, PA 17601\r
Service: House Wash\r
Message: Two-story house, please call after 5.\r
";

/// A reply with no labels and two different people in it: the parser is unsure.
pub const DOUBTFUL: &str = "From: Dan Forwarder <dan@acme-wash.example>\r
To: office@acme-wash.example\r
Subject: Re: that lead from yesterday\r
Message-ID: <reply-99@acme-wash.example>\r
Content-Type: text/plain; charset=utf-8\r
\r
Can you call her? I think it was 717-555-0199 or maybe jo@example.com.\r
\r
On Mon, Nov 23, 2026 at 9:00 AM Sam <sam@example.org> wrote:\r
> Someone asked about gutters, number is 717-555-0111\r
";

/// An email of the parser's golden corpus (`shared/tests/golden/`).
pub fn golden(name: &str) -> String {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/tests/golden");
    std::fs::read_to_string(dir.join(name)).expect("a golden email")
}

impl TestApp {
    /// Adds the workspace's active email-forward connector.
    pub async fn with_email_connector(&mut self, configure: impl FnOnce(&mut Connector)) {
        local::seed::active_connector(
            &self.store,
            &mut self.seeded,
            Provider::EmailForward,
            configure,
        )
        .await
        .expect("email connector");
    }

    /// The workspace's forwarding address.
    pub fn inbound_address(&self) -> String {
        format!("{}@{INBOUND_DOMAIN}", self.seeded.workspace.email_slug)
    }

    /// The email door with a retry and a failure queue of this test's own, so tests
    /// running side by side never receive each other's messages.
    pub async fn email_deps(&self, max_attempts: u32) -> email_inbound::Deps {
        let mut deps = local::email_deps(&self.config, &self.store, self.resources());
        deps.inbound.retry_queue_url = self.queue("email-retry", "EmailRetryQueue").await;
        deps.failure_queue_url = self.queue("email-failures", "EmailFailureQueue").await;
        deps.inbound.max_attempts = max_attempts;
        deps
    }

    /// `deps` as one handler run sees them: every client through `crash`, at `clock`.
    pub fn email_deps_through(
        &self,
        deps: &email_inbound::Deps,
        crash: &crate::crash::Crash,
        clock: &shared::clock::Clock,
    ) -> email_inbound::Deps {
        let config = crash.config(&self.config);
        let mut through = deps.clone();
        through.inbound.store = self.store_through(crash, clock);
        through.inbound.s3 = shared::aws::s3(&config);
        through.inbound.sqs = shared::aws::sqs(&config);
        through
    }

    /// A new queue of this test's own, standing for the template's `logical_id`: calls
    /// to it are checked against the grants on that queue.
    pub async fn queue(&self, name: &str, logical_id: &str) -> String {
        let created = shared::aws::sqs(&self.config)
            .create_queue()
            .queue_name(format!(
                "{name}-{}",
                shared::domain::new_id().to_lowercase()
            ))
            .send()
            .await
            .expect("a queue");
        let url = created.queue_url.unwrap_or_default();
        local::calls::stands_for(&url, logical_id);
        url
    }

    /// Writes a raw message where SES's S3 action would (as SES, not as the function).
    pub async fn store_raw_email(&self, deps: &email_inbound::Deps, message_id: &str, raw: &str) {
        shared::aws::s3(&self.config)
            .put_object()
            .bucket(&deps.inbound.bucket)
            .key(format!("inbound/{message_id}"))
            .body(raw.as_bytes().to_vec().into())
            .send()
            .await
            .expect("stored in S3");
    }

    /// Delivers SES's receipt event for `message_id` to the handler.
    pub async fn deliver_ses(
        &self,
        deps: &email_inbound::Deps,
        message_id: &str,
        recipient: &str,
        spam: &str,
    ) -> EmailOutcome {
        let event = local::email::ses_event(message_id, recipient, spam, "PASS");
        match email_inbound::handle(deps, event).await.expect("handled") {
            email_inbound::Handled::Ses(mut outcomes) => outcomes.remove(0),
            other => panic!("an SES outcome, not {other:?}"),
        }
    }

    /// SES's receipt event for `message_id`, sent to the workspace's forwarding address
    /// with a passing spam verdict.
    pub async fn deliver_to_inbox(
        &self,
        deps: &email_inbound::Deps,
        message_id: &str,
    ) -> EmailOutcome {
        let to = self.inbound_address();
        self.deliver_ses(deps, message_id, &to, "PASS").await
    }

    /// A forwarded email arriving whole: SES stores `raw` and tells the door.
    pub async fn receive_email(&self, deps: &email_inbound::Deps, raw: &str) -> EmailOutcome {
        let message_id = shared::domain::new_id().to_lowercase();
        self.store_raw_email(deps, &message_id, raw).await;
        self.deliver_to_inbox(deps, &message_id).await
    }

    /// Waits (bounded) for the retry queue to hold a message, and delivers it.
    pub async fn deliver_next_retry(&self, deps: &email_inbound::Deps) -> usize {
        for _ in 0..10 {
            let delivered = local::email::deliver_retries(deps, 2).await;
            if delivered > 0 {
                return delivered;
            }
        }
        0
    }
}

/// Delivers the retry and failure queues' messages until a round finds none (a retry's
/// delay is a few seconds; bounded).
pub async fn deliver_until_empty(deps: &email_inbound::Deps) -> usize {
    let mut delivered = 0;
    for _ in 0..10 {
        let retry_queue = deps.inbound.retry_queue_url.clone();
        let round = local::email::deliver_queue(deps, &retry_queue, 3).await
            + local::email::deliver_queue(deps, &deps.failure_queue_url, 0).await;
        if round == 0 {
            break;
        }
        delivered += round;
    }
    delivered
}
