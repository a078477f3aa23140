//! The reviewers' digest: one per workspace and window. The first review of a window
//! sends it at once, listing every review waiting; a review that comes after it in the
//! same window schedules the next window's digest (a queue message delayed to that
//! window, delivered back to this function), so that every review is announced, within
//! two windows at most, and reviewers get at most one digest a window.

use super::{compose, Context, FollowUpError, FollowUps, SendError, DIGEST_WINDOW_MINUTES};
use crate::domain::{Email, WorkspaceId};
use crate::store::PendingReview;
use serde::{Deserialize, Serialize};

/// The queue a later digest waits on.
#[derive(Debug, Clone)]
pub struct DigestQueue {
    pub sqs: aws_sdk_sqs::Client,
    pub url: String,
}

/// What the digest queue carries: the window whose digest is due.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DueDigest {
    pub workspace_id: WorkspaceId,
    pub window: i64,
}

const WINDOW_SECONDS: i64 = DIGEST_WINDOW_MINUTES * 60;

impl DigestQueue {
    async fn schedule(&self, due: &DueDigest, delay_seconds: i64) -> Result<(), FollowUpError> {
        let body = serde_json::to_string(due).map_err(|e| FollowUpError::Schedule(Box::new(e)))?;
        self.sqs
            .send_message()
            .queue_url(&self.url)
            .message_body(body)
            .delay_seconds(delay_seconds.clamp(0, 900) as i32)
            .send()
            .await
            .map_err(|e| FollowUpError::Schedule(Box::new(e)))?;
        Ok(())
    }
}

/// The reviewers of a workspace: its reviewer addresses, else its notification address.
fn reviewers(context: &Context) -> Vec<String> {
    let settings = &context.settings;
    let mut reviewers: Vec<String> = settings
        .reviewer_addresses
        .iter()
        .chain(
            settings
                .notification_address
                .iter()
                .filter(|_| settings.reviewer_addresses.is_empty()),
        )
        .filter_map(|address| Email::parse(address).ok())
        .map(String::from)
        .collect();
    reviewers.sort();
    reviewers.dedup();
    reviewers
}

impl FollowUps {
    /// A new review waiting: the window's digest if none was sent yet, else (unless that
    /// digest listed it) the next window's, scheduled once.
    pub(super) async fn review(&self, review: &PendingReview) -> Result<(), FollowUpError> {
        let ws = &review.workspace_id;
        let context = self.context(ws).await?;
        let reviewers = reviewers(&context);
        if reviewers.is_empty() {
            tracing::info!(workspace_id = %ws, review_id = %review.id, "no reviewer address: no review notice");
            return Ok(());
        }
        let now = self.store.clock().epoch();
        let window = now / WINDOW_SECONDS;
        let expires_at = now + 2 * WINDOW_SECONDS;
        if self
            .store
            .claim_review_digest(ws, window, expires_at)
            .await?
        {
            return Box::pin(self.send_digest(ws, window, &reviewers, &context)).await;
        }
        let digest = self.store.review_digest(ws, window).await?;
        let digest = digest.unwrap_or_default();
        if digest.announced(&review.id) || digest.next_scheduled {
            return Ok(());
        }
        let due = DueDigest {
            workspace_id: ws.clone(),
            window: window + 1,
        };
        // Sent before it is noted: a crash in between schedules it twice, and the
        // window's claim sends it once.
        self.digests
            .schedule(&due, (window + 1) * WINDOW_SECONDS - now)
            .await?;
        self.store.review_digest_scheduled_next(ws, window).await?;
        tracing::info!(workspace_id = %ws, review_id = %review.id, "review announced by the next window's digest");
        Ok(())
    }

    /// A digest scheduled for its window: sent, unless that window's was sent already.
    pub async fn due_digest(&self, due: &DueDigest) -> Result<(), FollowUpError> {
        let ws = &due.workspace_id;
        let context = self.context(ws).await?;
        let reviewers = reviewers(&context);
        if reviewers.is_empty() {
            return Ok(());
        }
        let expires_at = (due.window + 2) * WINDOW_SECONDS;
        if !self
            .store
            .claim_review_digest(ws, due.window, expires_at)
            .await?
        {
            return Ok(());
        }
        Box::pin(self.send_digest(ws, due.window, &reviewers, &context)).await
    }

    /// Sends the window's digest (claimed) listing every review waiting, and notes them.
    async fn send_digest(
        &self,
        ws: &WorkspaceId,
        window: i64,
        reviewers: &[String],
        context: &Context,
    ) -> Result<(), FollowUpError> {
        let sent = async {
            let pending = self.store.pending_reviews(ws).await?;
            if pending.is_empty() {
                return Ok(None);
            }
            let message = compose::review_digest(&pending, &context.sender, reviewers);
            let message_id = self.mailer.send(&message).await?;
            Ok::<_, FollowUpError>(Some((message_id, pending)))
        }
        .await;
        match sent {
            Ok(Some((message_id, pending))) => {
                tracing::info!(workspace_id = %ws, message_id, "review digest sent");
                Ok(self.store.review_digest_sent(ws, window, &pending).await?)
            }
            Ok(None) => Ok(()),
            Err(FollowUpError::Send(SendError::Rejected { reason, .. })) => {
                let reason = crate::telemetry::redact(&reason);
                tracing::error!(workspace_id = %ws, reason, "review digest rejected by SES");
                Ok(())
            }
            Err(err) => {
                self.store.release_review_digest(ws, window).await?;
                Err(err)
            }
        }
    }
}
