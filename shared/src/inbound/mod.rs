//! Forwarded lead emails arriving through SES: claim the message, read its body from
//! S3 (waiting with growing delays when SES has not written it yet), route it by the
//! recipient's workspace slug, parse it, and import it or hold it for review.

mod retry;

pub use retry::{delay_seconds, RetryMessage, DEFAULT_MAX_ATTEMPTS};

use crate::domain::{ImportId, LeadId, ReviewId};
use crate::domain::{ImportStatus, Provider, RequestOrigin, Transport, Workspace};
use crate::email::parse_email;
use crate::pipeline::{self, Acknowledgement, Delivery, Outcome};
use crate::store::{EmailClaim, Store, StoreError};
use serde::Serialize;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// One delivery of one message, from SES itself or from the retry queue.
#[derive(Debug, Clone, PartialEq)]
pub struct Arrival {
    /// The SES message id: the S3 object is `inbound/{message_id}`.
    pub message_id: String,
    pub recipients: Vec<String>,
    pub spam_verdict: Option<String>,
    pub virus_verdict: Option<String>,
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

/// Every failure here is worth retrying: the message stays claimable.
#[derive(Debug, thiserror::Error)]
pub enum InboundError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("could not read the message body from S3")]
    Body(#[source] BoxError),
    #[error("could not schedule the retry")]
    Retry(#[source] BoxError),
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

/// How long one delivery may hold a message before another may take it over.
const LOCK_SECONDS: i64 = 120;
const NEVER_ARRIVED: &str = "message body never arrived";

impl Inbound {
    /// Handles one delivery once, however often SES or SQS repeats it.
    pub async fn receive(&self, arrival: &Arrival) -> Result<EmailOutcome, InboundError> {
        let now = self.store.clock().epoch();
        let claim = self
            .store
            .claim_email(&arrival.message_id, arrival.attempt, now, LOCK_SECONDS)
            .await?;
        if claim == EmailClaim::Taken {
            return Ok(EmailOutcome::new("duplicate").because("this delivery was handled before"));
        }
        match self.process(arrival).await {
            Ok(outcome) => {
                if outcome.status != "waiting_for_body" {
                    self.store
                        .settle_email(&arrival.message_id, outcome.status)
                        .await?;
                }
                Ok(outcome)
            }
            Err(err) => {
                if let Err(release) = self
                    .store
                    .release_email(&arrival.message_id, arrival.attempt)
                    .await
                {
                    tracing::warn!(error = %release, "claim not released; it expires on its own");
                }
                Err(err)
            }
        }
    }

    async fn process(&self, arrival: &Arrival) -> Result<EmailOutcome, InboundError> {
        let workspace = self.workspace_of(&arrival.recipients).await?;
        if let Some(verdict) = failed_verdict(arrival) {
            return self
                .log(workspace.as_ref(), ImportStatus::Ignored, &verdict, "")
                .await;
        }
        let Some(raw) = self.body(&arrival.message_id).await? else {
            return self.retry_or_give_up(arrival, workspace.as_ref()).await;
        };
        let Some(workspace) = workspace else {
            tracing::warn!(recipients = ?arrival.recipients, "inbound email for no known workspace slug");
            return Ok(EmailOutcome::new("failed").because("no workspace uses this address"));
        };
        let text = String::from_utf8_lossy(&raw);
        let connector = self
            .store
            .active_connector(
                &workspace.id,
                Provider::EmailForward,
                Transport::EmailInbound,
            )
            .await?;
        let Some(connector) = connector else {
            let reason =
                "no active email-forward connector: the email is logged, no lead is created";
            return self
                .log(Some(&workspace), ImportStatus::Failed, reason, &text)
                .await;
        };

        let parsed = parse_email(&raw, &connector.field_aliases);
        let origin = RequestOrigin {
            user_agent: parsed.sender.clone(),
            ..RequestOrigin::default()
        };
        let delivery = Delivery { raw: &text, origin };
        let (candidate, doubt) = pipeline::email_doubt(parsed, Some(&arrival.message_id));
        let confidence = Some(doubt.confidence);
        // Held when the connector wants a person to judge it; a connector paused between
        // routing and import is a settled `Inactive`.
        let entry = pipeline::record(self.store.clock(), &connector, &delivery);
        let reading = pipeline::Reading::Email(candidate, doubt);
        let outcome = pipeline::settle(&self.store, &connector, reading, entry).await?;
        Ok(EmailOutcome::of(&outcome, confidence))
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

    /// The raw message, or `None` while SES has not written it yet.
    async fn body(&self, message_id: &str) -> Result<Option<Vec<u8>>, InboundError> {
        let fetched = self
            .s3
            .get_object()
            .bucket(&self.bucket)
            .key(format!("inbound/{message_id}"))
            .send()
            .await;
        let object = match fetched {
            Ok(object) => object,
            Err(err) if err.as_service_error().is_some_and(|e| e.is_no_such_key()) => {
                return Ok(None)
            }
            Err(err) => return Err(InboundError::Body(Box::new(err))),
        };
        let bytes = object
            .body
            .collect()
            .await
            .map_err(|e| InboundError::Body(Box::new(e)))?;
        Ok(Some(bytes.into_bytes().to_vec()))
    }

    async fn retry_or_give_up(
        &self,
        arrival: &Arrival,
        workspace: Option<&Workspace>,
    ) -> Result<EmailOutcome, InboundError> {
        let next = arrival.attempt + 1;
        if next > self.max_attempts {
            return self
                .log(workspace, ImportStatus::Failed, NEVER_ARRIVED, "")
                .await;
        }
        let message = RetryMessage::next(arrival);
        let body = serde_json::to_string(&message).map_err(|e| InboundError::Retry(Box::new(e)))?;
        // The retry is sent before the wait is recorded: if recording fails, the claim is
        // released and this delivery retried, and the surplus retry finds its attempt taken.
        self.sqs
            .send_message()
            .queue_url(&self.retry_queue_url)
            .message_body(body)
            .delay_seconds(delay_seconds(next))
            .send()
            .await
            .map_err(|e| InboundError::Retry(Box::new(e)))?;
        self.store.email_waiting(&arrival.message_id, next).await?;
        Ok(EmailOutcome::new("waiting_for_body").because(format!(
            "body not in S3 yet; retry {next} in {}s",
            delay_seconds(next)
        )))
    }

    /// Logs a delivery that makes no lead, in its workspace's import log when it has one.
    async fn log(
        &self,
        workspace: Option<&Workspace>,
        status: ImportStatus,
        reason: &str,
        raw: &str,
    ) -> Result<EmailOutcome, InboundError> {
        let Some(workspace) = workspace else {
            tracing::warn!(reason, "inbound email for no known workspace slug");
            return Ok(EmailOutcome::new(status.key()).because(reason));
        };
        let delivery = Delivery {
            raw,
            origin: RequestOrigin::default(),
        };
        let provider = Some(Provider::EmailForward);
        let record = pipeline::attempt(self.store.clock(), &workspace.id, provider, &delivery);
        let outcome = match status {
            ImportStatus::Ignored => pipeline::ignore(&self.store, record, reason).await?,
            _ => pipeline::fail(&self.store, record, reason, Vec::new()).await?,
        };
        Ok(EmailOutcome::of(&outcome, None))
    }
}

/// `"spam verdict FAIL"` / `"virus verdict FAIL"` when SES judged the message.
fn failed_verdict(arrival: &Arrival) -> Option<String> {
    [
        ("spam", &arrival.spam_verdict),
        ("virus", &arrival.virus_verdict),
    ]
    .into_iter()
    .find(|(_, verdict)| {
        verdict
            .as_deref()
            .is_some_and(|v| v.eq_ignore_ascii_case("FAIL"))
    })
    .map(|(kind, _)| format!("{kind} verdict FAIL"))
}
