//! Speed-to-lead: the immediate follow-up on a new lead (a notice to the rep, and an
//! acknowledgement to the lead when the workspace wants one), and one digest a window to
//! the reviewers for emails waiting for a decision (`digest.rs`). Each follow-up is
//! claimed before it is sent, so a redelivered stream record never sends twice; its
//! outcome goes on the lead's timeline.

mod acknowledge;
pub mod compose;
mod digest;
mod links;
mod mailer;

pub use compose::{Message, Sender};
pub use digest::{DigestQueue, DueDigest};
pub use mailer::{Mailer, SendError};

use crate::domain::{
    Email, FollowUp, FollowUpKind, FollowUpStatus, Lead, WorkspaceId, WorkspaceSettings,
};
use crate::http::chain;
use crate::store::{self, Change, Claim, Store, StoreError};
use crate::telemetry::redact;

/// Reviews arriving within one window of this many minutes share one digest.
pub const DIGEST_WINDOW_MINUTES: i64 = 10;

/// Why a stream record should be delivered again.
#[derive(Debug, thiserror::Error)]
pub enum FollowUpError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Send(#[from] SendError),
    #[error("the next review digest could not be scheduled")]
    Schedule(#[source] Box<dyn std::error::Error + Send + Sync>),
}

/// What the follow-ups need, built once per cold start.
#[derive(Debug, Clone)]
pub struct FollowUps {
    pub store: Store,
    pub mailer: Mailer,
    /// The From address when a workspace has none of its own.
    pub default_sender: String,
    /// Where a review digest waits for its window.
    pub digests: DigestQueue,
}

/// A workspace's name and settings; defaults when the workspace is not found.
struct Context {
    sender: Sender,
    settings: WorkspaceSettings,
}

/// What a follow-up came to, or the transient failure to retry.
type Attempt = Result<FollowUp, FollowUpError>;

impl FollowUps {
    fn entry(&self, kind: FollowUpKind, status: FollowUpStatus, to: Option<&str>) -> FollowUp {
        FollowUp {
            kind,
            status,
            to: to.map(str::to_owned),
            subject: None,
            reason: None,
            message_id: None,
            at: self.store.clock().stamp(),
        }
    }

    fn skipped(&self, kind: FollowUpKind, to: Option<&str>, reason: impl Into<String>) -> FollowUp {
        FollowUp {
            reason: Some(reason.into()),
            ..self.entry(kind, FollowUpStatus::Skipped, to)
        }
    }

    /// Acts on one stream record (its event name and new image). A record that asks for
    /// nothing, or cannot be read, is done with; `Err` means "deliver it again".
    pub async fn process(
        &self,
        event_name: &str,
        image: serde_dynamo::Item,
    ) -> Result<(), FollowUpError> {
        match store::change(event_name, image) {
            Ok(None) => Ok(()),
            // Boxed: the follow-up futures are deep enough to overflow the runtime's layout limit.
            Ok(Some(Change::NewLead(lead))) => Box::pin(self.lead(&lead)).await,
            Ok(Some(Change::NewReview(review))) => Box::pin(self.review(&review)).await,
            Err(err) => {
                tracing::error!(error = %chain(&err), "malformed stream record skipped");
                Ok(())
            }
        }
    }

    async fn context(&self, workspace_id: &WorkspaceId) -> Result<Context, StoreError> {
        let workspace = self.store.workspace(workspace_id).await?;
        if workspace.is_none() {
            tracing::warn!(
                %workspace_id,
                "workspace not found: default follow-up settings"
            );
        }
        let (name, settings) = workspace
            .map(|w| (w.name, w.settings))
            .unwrap_or_else(|| ("Lead Connectors".to_owned(), WorkspaceSettings::default()));
        Ok(Context {
            sender: Sender::of(&name, &settings, &self.default_sender),
            settings,
        })
    }

    async fn lead(&self, lead: &Lead) -> Result<(), FollowUpError> {
        let context = self.context(&lead.workspace_id).await?;
        let notified = self.once(lead, FollowUpKind::Notification, &context).await;
        let acknowledged = if context.settings.acknowledge_leads {
            self.once(lead, FollowUpKind::Acknowledgement, &context)
                .await
        } else {
            Ok(())
        };
        notified.and(acknowledged)
    }

    /// Claims, sends and settles one follow-up of a lead.
    async fn once(
        &self,
        lead: &Lead,
        kind: FollowUpKind,
        context: &Context,
    ) -> Result<(), FollowUpError> {
        let (ws, lead_id) = (&lead.workspace_id, &lead.id);
        match self
            .store
            .claim_followup(ws, lead_id, kind, &self.store.clock().stamp())
            .await?
        {
            Claim::Claimed => {}
            Claim::Done => return Ok(()),
            Claim::Unrecorded(entry) => {
                return Ok(self.store.record_followup(ws, lead_id, &entry).await?)
            }
            Claim::InDoubt => {
                tracing::warn!(
                    %lead_id,
                    kind = kind.key(),
                    "follow-up claimed by an attempt that did not finish; not sending again"
                );
                return Ok(());
            }
        }
        let attempt = match kind {
            FollowUpKind::Notification => self.notify(lead, context).await,
            FollowUpKind::Acknowledgement => self.acknowledge(lead, context).await,
        };
        match attempt {
            Ok(entry) => {
                tracing::info!(
                    %lead_id,
                    kind = kind.key(),
                    status = entry.status.key(),
                    reason = entry.reason.as_deref().map(redact),
                    "follow-up settled"
                );
                Ok(self.store.settle_followup(ws, lead_id, &entry).await?)
            }
            Err(err) => {
                tracing::warn!(%lead_id, kind = kind.key(), error = %chain(&err), "follow-up will be retried");
                if let Err(release) = self.store.release_followup(ws, lead_id, kind).await {
                    tracing::error!(%lead_id, error = %chain(&release), "claim not released: the retry will not send");
                }
                Err(err)
            }
        }
    }

    /// Sends `message`: a sent or permanently failed entry, or the transient error.
    async fn deliver(&self, kind: FollowUpKind, to: &str, message: &compose::Message) -> Attempt {
        let mut outcome = self.entry(kind, FollowUpStatus::Sent, Some(to));
        outcome.subject = Some(message.subject.clone());
        match self.mailer.send(message).await {
            Ok(message_id) => outcome.message_id = Some(message_id),
            Err(err @ SendError::Transient(_)) => return Err(err.into()),
            Err(SendError::Rejected { reason, .. }) => {
                outcome.status = FollowUpStatus::Failed;
                outcome.reason = Some(format!("SES rejected the message: {reason}"));
            }
        }
        Ok(outcome)
    }

    async fn notify(&self, lead: &Lead, context: &Context) -> Attempt {
        let kind = FollowUpKind::Notification;
        let settings = &context.settings;
        let Some(to) = lead
            .assigned_rep
            .as_deref()
            .or(settings.notification_address.as_deref())
        else {
            return Ok(self.skipped(kind, None, "no assigned rep and no notification address"));
        };
        let Ok(to) = Email::parse(to) else {
            let mut failed = self.entry(kind, FollowUpStatus::Failed, None);
            failed.reason = Some(format!(
                "'{}' is not a valid email address",
                compose::header_safe(to)
            ));
            return Ok(failed);
        };
        let message = compose::notification(lead, &context.sender, settings, to.as_ref());
        self.deliver(kind, to.as_ref(), &message).await
    }
}
