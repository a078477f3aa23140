//! One claimed message: its workspace, its body from S3 (or a retry scheduled while it
//! is not there yet), the parse, and the pipeline; every outcome logged with the
//! message settled in the same write.

use super::retry::{delay_seconds, RetryMessage};
use super::{Arrival, EmailOutcome, Inbound, InboundError, Processed};
use crate::domain::{ImportRecord, ImportStatus, Provider, RequestOrigin, Transport, Workspace};
use crate::email::parse_email;
use crate::pipeline::{self, Delivery};
use crate::store::Settles;

/// The largest raw message read (25 MiB): a larger one is logged `failed` ("message
/// too large") without being read, so a function's memory stays bounded. SES takes
/// messages up to 40 MB.
pub const MAX_RAW_BYTES: i64 = 25 * 1024 * 1024;
pub(super) const WAITING: &str = "waiting_for_body";
const NEVER_ARRIVED: &str = "message body never arrived";

/// A message body, or why there is none to read.
enum Body {
    Raw(Vec<u8>),
    NotYet,
    TooLarge(i64),
}

impl Inbound {
    pub(super) async fn process(&self, arrival: &Arrival) -> Result<Processed, InboundError> {
        let settles = self.settles(arrival);
        let workspace = self.workspace_of(&arrival.recipients).await?;
        let workspace = workspace.as_ref();
        if let Some(verdict) = failed_verdict(arrival) {
            return self
                .log(workspace, ImportStatus::Ignored, &verdict, "", &settles)
                .await;
        }
        let raw = match self.body(&arrival.message_id).await? {
            Body::Raw(raw) => raw,
            Body::NotYet => return self.retry_or_give_up(arrival, workspace, &settles).await,
            Body::TooLarge(bytes) => {
                let reason = format!(
                    "message too large: {} MB, the limit is {} MB",
                    bytes / 1024 / 1024,
                    MAX_RAW_BYTES / 1024 / 1024
                );
                return self
                    .log(workspace, ImportStatus::Failed, &reason, "", &settles)
                    .await;
            }
        };
        let Some(workspace) = workspace else {
            tracing::warn!(recipients = ?arrival.recipients, "inbound email for no known workspace slug");
            return Ok(unsettled(
                EmailOutcome::new("failed").because("no workspace uses this address"),
            ));
        };
        // The log keeps the first bytes of the message only: no need to copy the rest.
        let logged = &raw[..raw.len().min(ImportRecord::PAYLOAD_CAP + 4)];
        let text = String::from_utf8_lossy(logged);
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
                .log(
                    Some(workspace),
                    ImportStatus::Failed,
                    reason,
                    &text,
                    &settles,
                )
                .await;
        };

        let parsed = parse_email(&raw, &connector.field_aliases);
        let sender = parsed.sender.as_deref();
        if let Some(reason) = super::sender::refusal(&connector.settings, arrival, sender) {
            return self
                .log(
                    Some(workspace),
                    ImportStatus::Ignored,
                    &reason,
                    &text,
                    &settles,
                )
                .await;
        }
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
        let outcome = pipeline::settle(&self.store, &connector, reading, entry, settles).await?;
        Ok(Processed {
            outcome: EmailOutcome::of(&outcome, confidence),
            settled: true,
        })
    }

    /// The raw message, unless SES has not written it yet or it is over the size read.
    async fn body(&self, message_id: &str) -> Result<Body, InboundError> {
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
                return Ok(Body::NotYet)
            }
            Err(err) => return Err(InboundError::Body(Box::new(err))),
        };
        if let Some(bytes) = object.content_length.filter(|n| *n > MAX_RAW_BYTES) {
            return Ok(Body::TooLarge(bytes));
        }
        let bytes = object
            .body
            .collect()
            .await
            .map_err(|e| InboundError::Body(Box::new(e)))?;
        Ok(Body::Raw(bytes.into_bytes().to_vec()))
    }

    async fn retry_or_give_up(
        &self,
        arrival: &Arrival,
        workspace: Option<&Workspace>,
        settles: &Settles,
    ) -> Result<Processed, InboundError> {
        let next = arrival.attempt + 1;
        if next > self.max_attempts {
            return self
                .log(workspace, ImportStatus::Failed, NEVER_ARRIVED, "", settles)
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
        Ok(unsettled(EmailOutcome::new(WAITING).because(format!(
            "body not in S3 yet; retry {next} in {}s",
            delay_seconds(next)
        ))))
    }

    /// Logs a delivery that makes no lead, in its workspace's import log when it has one,
    /// settling the message with the entry.
    pub(super) async fn log(
        &self,
        workspace: Option<&Workspace>,
        status: ImportStatus,
        reason: &str,
        raw: &str,
        settles: &Settles,
    ) -> Result<Processed, InboundError> {
        let Some(workspace) = workspace else {
            tracing::warn!(reason, "inbound email for no known workspace slug");
            return Ok(unsettled(EmailOutcome::new(status.key()).because(reason)));
        };
        let delivery = Delivery {
            raw,
            origin: RequestOrigin::default(),
        };
        let provider = Some(Provider::EmailForward);
        let record = pipeline::attempt(self.store.clock(), &workspace.id, provider, &delivery);
        let outcome = match status {
            ImportStatus::Ignored => {
                pipeline::ignore_settling(&self.store, record, reason, settles).await?
            }
            _ => pipeline::fail_settling(&self.store, record, reason, Vec::new(), settles).await?,
        };
        Ok(Processed {
            outcome: EmailOutcome::of(&outcome, None),
            settled: !matches!(settles, Settles::Nothing),
        })
    }
}

fn unsettled(outcome: EmailOutcome) -> Processed {
    Processed {
        outcome,
        settled: false,
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
