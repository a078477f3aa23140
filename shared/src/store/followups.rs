//! Follow-ups: what the table's stream shows the speed-to-lead function, the once-only
//! claims, the safety locks on contacts, the review digest window and the timeline.

mod locks;
mod stream;

pub use stream::{change, Change, PendingReview};

use super::claim::{ClaimItem, ClaimKind, Hold};
use super::condition::Written;
use super::keys::{self, Key};
use super::write::PRESENT;
use super::{s, Item, Store, StoreError};
use crate::domain::{FollowUp, FollowUpKind, WorkspaceSettings};
use aws_sdk_dynamodb::types::{AttributeValue, TransactWriteItem};
use serde::Deserialize;

/// What the once-only claim of a follow-up found.
#[derive(Debug, Clone, PartialEq)]
pub enum Claim {
    /// This delivery holds the follow-up now: send it, then settle or release.
    Claimed,
    /// Settled and on the lead's timeline already.
    Done,
    /// Settled, but its timeline entry was not written yet.
    Unrecorded(FollowUp),
    /// Claimed by an attempt that stopped before settling it (a timeout, or one still
    /// running): it may have sent, so it is not sent again.
    InDoubt,
}

#[derive(Deserialize)]
struct ClaimRecord {
    #[serde(default)]
    entry: Option<FollowUp>,
    #[serde(default)]
    recorded: bool,
}

/// A follow-up's once-only claim: held while it is sent, and never taken over (a send
/// that stopped halfway may have gone out).
const FOLLOWUP: ClaimKind = ClaimKind {
    entity: "followup",
    state: "status",
    held: "sending",
};

impl Store {
    fn followup_claim(
        &self,
        workspace_id: &str,
        lead_id: &str,
        kind: FollowUpKind,
    ) -> ClaimItem<'_> {
        self.claim(&FOLLOWUP, keys::followup(workspace_id, lead_id, kind))
    }

    /// Claims one follow-up of a lead with a conditional put.
    pub async fn claim_followup(
        &self,
        workspace_id: &str,
        lead_id: &str,
        kind: FollowUpKind,
        now: &str,
    ) -> Result<Claim, StoreError> {
        let claim = self.followup_claim(workspace_id, lead_id, kind);
        let attributes = Item::from([
            ("lead_id".to_owned(), s(lead_id)),
            ("kind".to_owned(), s(kind.key())),
            ("claimed_at".to_owned(), s(now)),
        ]);
        if claim.take(Hold::Forever, attributes).await? {
            return Ok(Claim::Claimed);
        }
        Ok(match claim.read::<ClaimRecord>().await? {
            None => Claim::InDoubt,
            Some(ClaimRecord {
                entry: Some(entry),
                recorded: false,
            }) => Claim::Unrecorded(entry),
            Some(ClaimRecord { entry: Some(_), .. }) => Claim::Done,
            Some(ClaimRecord { entry: None, .. }) => Claim::InDoubt,
        })
    }

    /// Gives a claim back after a send that failed in a way a retry may fix.
    pub async fn release_followup(
        &self,
        workspace_id: &str,
        lead_id: &str,
        kind: FollowUpKind,
    ) -> Result<(), StoreError> {
        self.followup_claim(workspace_id, lead_id, kind)
            .release()
            .await
    }

    /// Settles a claim with its outcome, then puts the outcome on the lead's timeline.
    /// The outcome is kept on the claim first, so a retry after a failure in between
    /// records it without sending again.
    pub async fn settle_followup(
        &self,
        workspace_id: &str,
        lead_id: &str,
        entry: &FollowUp,
    ) -> Result<(), StoreError> {
        let value = serde_dynamo::to_attribute_value(entry).map_err(StoreError::Encoding)?;
        self.followup_claim(workspace_id, lead_id, entry.kind)
            .settle_held(entry.status.key(), vec![("entry", value)])
            .await?;
        self.record_followup(workspace_id, lead_id, entry).await
    }

    /// Appends a settled follow-up to the lead's timeline, once: the claim's `recorded`
    /// flag is set in the same transaction. A lead that is gone only gets the flag.
    pub async fn record_followup(
        &self,
        workspace_id: &str,
        lead_id: &str,
        entry: &FollowUp,
    ) -> Result<(), StoreError> {
        let value = serde_dynamo::to_attribute_value(entry).map_err(StoreError::Encoding)?;
        let claim = keys::followup(workspace_id, lead_id, entry.kind);
        let lead = keys::lead(workspace_id, lead_id);
        let append = self.update_item(&lead, |update| {
            update
                .update_expression(
                    "SET followups = list_append(if_not_exists(followups, :empty), :entry)",
                )
                .condition_expression(PRESENT)
                .expression_attribute_values(":empty", AttributeValue::L(Vec::new()))
                .expression_attribute_values(":entry", AttributeValue::L(vec![value]))
        })?;
        let refused = match self
            .transact(vec![append, self.mark_recorded(&claim)?])
            .await?
        {
            Written::Done(()) => return Ok(()),
            Written::Refused(refused) => refused,
        };
        if !refused.any_failed() {
            return Err(refused.into_error());
        }
        if !refused.failed(0) {
            return Ok(());
        }
        tracing::warn!(
            lead_id,
            "the lead is gone: its follow-up is kept on the claim only"
        );
        self.transact(vec![self.mark_recorded(&claim)?])
            .await?
            .passed()?;
        Ok(())
    }

    fn mark_recorded(&self, claim: &Key) -> Result<TransactWriteItem, StoreError> {
        self.update_item(claim, |update| {
            update
                .update_expression("SET recorded = :yes")
                .condition_expression("attribute_exists(pk) AND attribute_not_exists(recorded)")
                .expression_attribute_values(":yes", AttributeValue::Bool(true))
        })
    }

    /// Replaces a workspace's follow-up settings; `false` when there is no such workspace.
    pub async fn set_workspace_settings(
        &self,
        workspace_id: &str,
        settings: &WorkspaceSettings,
    ) -> Result<bool, StoreError> {
        let value = serde_dynamo::to_attribute_value(settings).map_err(StoreError::Encoding)?;
        let updated = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(keys::workspace(workspace_id).to_item()))
            .update_expression("SET settings = :settings")
            .condition_expression(PRESENT)
            .expression_attribute_values(":settings", value)
            .send()
            .await;
        Ok(self.written(updated)?.passed()?.is_some())
    }
}
