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

    /// The email door with a retry queue of this test's own, so tests running side by
    /// side never receive each other's retries.
    pub async fn email_deps(&self, max_attempts: u32) -> email_inbound::Deps {
        let sqs = shared::aws::sqs(&self.config);
        let queue = sqs
            .create_queue()
            .queue_name(format!(
                "email-retry-{}",
                shared::domain::new_id().to_lowercase()
            ))
            .send()
            .await
            .expect("a retry queue");
        let mut deps = local::email_deps(&self.config, &self.store, self.resources());
        deps.retry_queue_url = queue.queue_url.unwrap_or_default();
        local::calls::stands_for(&deps.retry_queue_url, "EmailRetryQueue");
        deps.max_attempts = max_attempts;
        deps
    }

    /// Writes a raw message where SES's S3 action would (as SES, not as the function).
    pub async fn store_raw_email(&self, deps: &email_inbound::Deps, message_id: &str, raw: &str) {
        shared::aws::s3(&self.config)
            .put_object()
            .bucket(&deps.bucket)
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
