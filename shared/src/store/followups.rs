//! Follow-ups: what the table's stream shows the speed-to-lead function, the once-only
//! claims, the safety locks on contacts, the review digest window and the timeline.

mod locks;
mod stream;

pub use stream::{change, Change, PendingReview};

use super::keys::{self, Key};
use super::{leads, s, Store, StoreError};
use crate::domain::{FollowUp, FollowUpKind, WorkspaceSettings};
use aws_sdk_dynamodb::operation::put_item::PutItemError;
use aws_sdk_dynamodb::types::{AttributeValue, TransactWriteItem, Update};
use serde::Deserialize;
use std::collections::HashMap;

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

const SENDING: &str = "sending";

pub(super) fn is_condition_failure(err: &aws_sdk_dynamodb::error::SdkError<PutItemError>) -> bool {
    err.as_service_error()
        .is_some_and(PutItemError::is_conditional_check_failed_exception)
}

impl Store {
    /// Claims one follow-up of a lead with a conditional put.
    pub async fn claim_followup(
        &self,
        workspace_id: &str,
        lead_id: &str,
        kind: FollowUpKind,
        now: &str,
    ) -> Result<Claim, StoreError> {
        let key = keys::followup(workspace_id, lead_id, kind);
        let mut item = key.to_item();
        item.insert("entity".into(), s("followup"));
        item.insert("lead_id".into(), s(lead_id));
        item.insert("kind".into(), s(kind.key()));
        item.insert("status".into(), s(SENDING));
        item.insert("claimed_at".into(), s(now));
        let put = self
            .client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item))
            .condition_expression("attribute_not_exists(pk)")
            .send()
            .await;
        match put {
            Ok(_) => return Ok(Claim::Claimed),
            Err(err) if is_condition_failure(&err) => {}
            Err(err) => return Err(self.error(err)),
        }
        Ok(match self.get::<ClaimRecord>(&key).await? {
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
        let deleted = self
            .client
            .delete_item()
            .table_name(&self.table)
            .set_key(Some(keys::followup(workspace_id, lead_id, kind).to_item()))
            .condition_expression("#status = :sending")
            .expression_attribute_names("#status", "status")
            .expression_attribute_values(":sending", s(SENDING))
            .send()
            .await;
        match deleted {
            Err(err)
                if !err
                    .as_service_error()
                    .is_some_and(|e| e.is_conditional_check_failed_exception()) =>
            {
                Err(self.error(err))
            }
            _ => Ok(()),
        }
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
        self.client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(
                keys::followup(workspace_id, lead_id, entry.kind).to_item(),
            ))
            .update_expression("SET #status = :status, entry = :entry")
            .condition_expression("#status = :sending")
            .expression_attribute_names("#status", "status")
            .set_expression_attribute_values(Some(HashMap::from([
                (":status".to_owned(), s(entry.status.key())),
                (":entry".to_owned(), value),
                (":sending".to_owned(), s(SENDING)),
            ])))
            .send()
            .await
            .map_err(|e| self.error(e))?;
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
        let append = Update::builder()
            .table_name(&self.table)
            .set_key(Some(keys::lead(workspace_id, lead_id).to_item()))
            .update_expression(
                "SET followups = list_append(if_not_exists(followups, :empty), :entry)",
            )
            .condition_expression("attribute_exists(pk)")
            .expression_attribute_values(":empty", AttributeValue::L(Vec::new()))
            .expression_attribute_values(":entry", AttributeValue::L(vec![value]))
            .build()
            .map_err(|e| StoreError::Unexpected(Box::new(e)))?;
        let appended = self
            .client
            .transact_write_items()
            .transact_items(TransactWriteItem::builder().update(append).build())
            .transact_items(self.mark_recorded(&claim)?)
            .send()
            .await;
        match appended {
            Ok(_) => Ok(()),
            Err(err) if leads::is_condition_failure(&err) => {
                let lead_gone = leads::cancellation_codes(&err).is_some_and(|codes| {
                    codes.first().is_some_and(|c| c == "ConditionalCheckFailed")
                });
                if !lead_gone {
                    return Ok(());
                }
                tracing::warn!(
                    lead_id,
                    "the lead is gone: its follow-up is kept on the claim only"
                );
                let mark = self.mark_recorded(&claim)?;
                let marked = self
                    .client
                    .transact_write_items()
                    .transact_items(mark)
                    .send()
                    .await;
                match marked {
                    Err(err) if !leads::is_condition_failure(&err) => Err(self.error(err)),
                    _ => Ok(()),
                }
            }
            Err(err) => Err(self.error(err)),
        }
    }

    fn mark_recorded(&self, claim: &Key) -> Result<TransactWriteItem, StoreError> {
        let update = Update::builder()
            .table_name(&self.table)
            .set_key(Some(claim.to_item()))
            .update_expression("SET recorded = :yes")
            .condition_expression("attribute_exists(pk) AND attribute_not_exists(recorded)")
            .expression_attribute_values(":yes", AttributeValue::Bool(true))
            .build()
            .map_err(|e| StoreError::Unexpected(Box::new(e)))?;
        Ok(TransactWriteItem::builder().update(update).build())
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
            .condition_expression("attribute_exists(pk)")
            .expression_attribute_values(":settings", value)
            .send()
            .await;
        match updated {
            Ok(_) => Ok(true),
            Err(err)
                if err
                    .as_service_error()
                    .is_some_and(|e| e.is_conditional_check_failed_exception()) =>
            {
                Ok(false)
            }
            Err(err) => Err(self.error(err)),
        }
    }
}
