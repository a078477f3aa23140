//! Forwarded lead emails arriving through SES: claim the message, read its body from
//! S3 (waiting with growing delays when SES has not written it yet), route it by the
//! recipient's workspace slug, parse it, and import it or hold it for review. Every
//! outcome settles the message in the same write as its import entry, so a delivery
//! that stops halfway is taken over by the next one and none is answered twice.

mod message;
mod retry;
mod sender;
pub mod timing;

pub use message::MAX_RAW_BYTES;
pub use retry::{delay_seconds, RetryMessage, DEFAULT_MAX_ATTEMPTS};

use crate::domain::{ImportId, LeadId, ReviewId};
use crate::domain::{ImportStatus, Workspace};
use crate::pipeline::{Acknowledgement, Outcome};
use crate::store::{EmailClaim, EmailSettle, Settles, Store, StoreError};
use serde::Serialize;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// One delivery of one message, from SES itself or from a queue.
#[derive(Debug, Clone, PartialEq)]
pub struct Arrival {
    /// The SES message id: the S3 object is `inbound/{message_id}`.
    pub message_id: String,
    pub recipients: Vec<String>,
    pub spam_verdict: Option<String>,
    pub virus_verdict: Option<String>,
    /// SES's SPF and DKIM verdicts (`PASS`, `FAIL`, `GRAY`, `PROCESSING_FAILED`).
    pub spf_verdict: Option<String>,
    pub dkim_verdict: Option<String>,
    /// 0 for SES's own delivery, then 1, 2, … for each retry.
    pub attempt: u32,
}

/// What became of a delivery, as `POST /_local/email` answers it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EmailOutcome {
    pub status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub import_id: Option<ImportId>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lead_id: Option<LeadId>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub review_id: Option<ReviewId>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub confidence: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

impl EmailOutcome {
    fn new(status: &'static str) -> Self {
        Self {
            status,
            import_id: None,
            lead_id: None,
            review_id: None,
            confidence: None,
            reason: None,
        }
    }

    fn because(mut self, reason: impl Into<String>) -> Self {
        self.reason = Some(reason.into());
        self
    }

    fn duplicate() -> Self {
        Self::new("duplicate").because("this delivery was handled before")
    }

    /// What the pipeline's outcome says, with the parser's confidence.
    fn of(outcome: &Outcome, confidence: Option<f64>) -> Self {
        let ack = Acknowledgement::from(outcome);
        Self {
            status: ack.status.key(),
            import_id: Some(ack.import_id),
            lead_id: ack.lead_id,
            review_id: ack.review_id,
            confidence,
            reason: ack.reason,
        }
    }
}

/// Why a delivery did not finish. Each is worth retrying, but a permanent one (a
/// message over DynamoDB's limits) which [`Inbound::receive`] logs `failed` at once.
#[derive(Debug, thiserror::Error)]
pub enum InboundError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("could not read the message body from S3")]
    Body(#[source] BoxError),
    #[error("could not schedule the retry")]
    Retry(#[source] BoxError),
    #[error("another delivery holds this message; it is delivered again once that hold lapses")]
    Held,
}

impl InboundError {
    /// Whether no retry can succeed.
    pub fn is_permanent(&self) -> bool {
        matches!(self, InboundError::Store(err) if err.is_permanent())
    }
}

/// The email door and what it reaches.
#[derive(Debug, Clone)]
pub struct Inbound {
    pub store: Store,
    pub s3: aws_sdk_s3::Client,
    pub sqs: aws_sdk_sqs::Client,
    pub bucket: String,
    pub retry_queue_url: String,
    pub max_attempts: u32,
}

/// What processing a claimed message did.
struct Processed {
    outcome: EmailOutcome,
    /// Whether its write settled the message too.
    settled: bool,
}

impl Inbound {
    /// Handles one delivery once, however often SES or SQS repeats it. A message another
    /// delivery still holds is [`InboundError::Held`]: deliver it again later.
    pub async fn receive(&self, arrival: &Arrival) -> Result<EmailOutcome, InboundError> {
        let now = self.store.clock().epoch();
        let claim = self
            .store
            .claim_email(
                &arrival.message_id,
                arrival.attempt,
                now,
                timing::LOCK_SECONDS,
            )
            .await;
        match claim {
            Ok(EmailClaim::Claimed) => {}
            Ok(EmailClaim::Done) => return Ok(EmailOutcome::duplicate()),
            Ok(EmailClaim::Held) => return Err(InboundError::Held),
            Err(err) if err.is_permanent() => return self.give_up(arrival, &err.into()).await,
            Err(err) => return Err(err.into()),
        }
        match self.process(arrival).await {
            Ok(Processed { outcome, settled }) => {
                if !settled && outcome.status != message::WAITING {
                    let status = match outcome.status {
                        "ignored" => ImportStatus::Ignored,
                        _ => ImportStatus::Failed,
                    };
                    let settles = self.settles(arrival);
                    if let Settles::Email(email) = &settles {
                        self.store.settle_email(email, status).await?;
                    }
                }
                Ok(outcome)
            }
            Err(InboundError::Store(StoreError::Superseded)) => Ok(EmailOutcome::duplicate()),
            Err(err) if err.is_permanent() => self.give_up(arrival, &err).await,
            Err(err) => {
                if let Err(release) = self
                    .store
                    .release_email(&arrival.message_id, arrival.attempt)
                    .await
                {
                    tracing::warn!(error = %release, "claim not released; it lapses on its own");
                }
                Err(err)
            }
        }
    }

    /// Ends a delivery that will not be retried (its error is permanent, or this was
    /// its last attempt): logged `failed` with the reason in its workspace's import
    /// log, the message settled with it. A message another delivery holds is left to
    /// that one.
    pub async fn give_up(
        &self,
        arrival: &Arrival,
        err: &InboundError,
    ) -> Result<EmailOutcome, InboundError> {
        if matches!(err, InboundError::Held) {
            tracing::info!(message_id = %arrival.message_id, "given up here: another delivery holds the message and settles it");
            return Ok(EmailOutcome::duplicate());
        }
        let reason = format!(
            "the email could not be processed: {}",
            crate::http::chain(err)
        );
        tracing::error!(message_id = %arrival.message_id, reason, "email logged as failed");
        let workspace = self.workspace_of(&arrival.recipients).await?;
        let settles = match crate::store::keys::inbound_email(&arrival.message_id).fits() {
            true => self.settles(arrival),
            false => Settles::Nothing,
        };
        let logged = self
            .log(
                workspace.as_ref(),
                ImportStatus::Failed,
                &reason,
                "",
                &settles,
            )
            .await;
        match logged {
            Ok(processed) => Ok(processed.outcome),
            Err(InboundError::Store(StoreError::Superseded)) => Ok(EmailOutcome::duplicate()),
            Err(err) => Err(err),
        }
    }

    /// What an attempt on this message settles: the message, kept until its TTL.
    fn settles(&self, arrival: &Arrival) -> Settles {
        Settles::Email(EmailSettle {
            message_id: arrival.message_id.clone(),
            expires_at: self.store.clock().epoch() + timing::SETTLED_TTL_SECONDS,
        })
    }

    /// The first recipient whose local part is a workspace's email slug.
    async fn workspace_of(&self, recipients: &[String]) -> Result<Option<Workspace>, StoreError> {
        for recipient in recipients {
            let local = recipient
                .rsplit_once('@')
                .map_or(recipient.as_str(), |(l, _)| l);
            let slug = local.trim().trim_matches('<').to_lowercase();
            if let Some(workspace) = self.store.workspace_by_slug(&slug).await? {
                return Ok(Some(workspace));
            }
        }
        Ok(None)
    }
}
