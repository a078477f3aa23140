//! A lead's follow-up timeline: each settled follow-up appended once.

use super::super::condition::Written;
use super::super::keys::{self, Key};
use super::super::write::PRESENT;
use super::super::{attribute, Store, StoreError};
use crate::domain::FollowUp;
use crate::domain::{LeadId, WorkspaceId};
use aws_sdk_dynamodb::types::{AttributeValue, TransactWriteItem};

impl Store {
    /// Appends a settled follow-up to the lead's timeline, once: the claim's `recorded`
    /// flag is set in the same transaction. A lead that is gone only gets the flag.
    pub async fn record_followup(
        &self,
        workspace_id: &WorkspaceId,
        lead_id: &LeadId,
        entry: &FollowUp,
    ) -> Result<(), StoreError> {
        let value = attribute(entry)?;
        let claim = keys::followup(workspace_id, lead_id, entry.kind);
        let lead = keys::lead(workspace_id, lead_id);
        let append = self.tx_update(&lead, |update| {
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
            %lead_id,
            "the lead is gone: its follow-up is kept on the claim only"
        );
        self.transact(vec![self.mark_recorded(&claim)?])
            .await?
            .passed()?;
        Ok(())
    }

    fn mark_recorded(&self, claim: &Key) -> Result<TransactWriteItem, StoreError> {
        self.tx_update(claim, |update| {
            update
                .update_expression("SET recorded = :yes")
                .condition_expression("attribute_exists(pk) AND attribute_not_exists(recorded)")
                .expression_attribute_values(":yes", AttributeValue::Bool(true))
        })
    }
}
