//! Inbound emails: one state item per SES message id, so that SES or SQS delivering
//! the same message twice never makes two leads.

use super::keys;
use super::{n, s, Store, StoreError};
use crate::domain::{Connector, Provider, Transport};
use aws_sdk_dynamodb::types::AttributeValue;
use std::collections::HashMap;

/// Whether this delivery may work on the message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EmailClaim {
    /// This delivery holds the message now.
    Claimed,
    /// Another delivery has it, or it was settled already: nothing to do.
    Taken,
}

const WORKING: &str = "working";
const WAITING: &str = "waiting_for_body";
const SETTLED: &str = "settled";

impl Store {
    /// Claims a message for `attempt`: the first delivery of a new message (attempt 0),
    /// or the retry this store scheduled last (state waiting, same attempt number). A
    /// claim left working past `now` by a delivery that died may be taken over.
    pub async fn claim_email(
        &self,
        message_id: &str,
        attempt: u32,
        now: i64,
        lock_seconds: i64,
    ) -> Result<EmailClaim, StoreError> {
        let key = keys::inbound_email(message_id);
        let claimed = if attempt == 0 {
            let mut item = key.to_item();
            item.insert("entity".into(), s("inbound_email"));
            item.insert("state".into(), s(WORKING));
            item.insert("attempt".into(), n(0));
            item.insert("locked_until".into(), n(now + lock_seconds));
            let claimed = self
                .client
                .put_item()
                .table_name(&self.table)
                .set_item(Some(item))
                .condition_expression(
                    "attribute_not_exists(pk) OR (#state = :working AND locked_until < :now AND attempt = :zero)",
                )
                .expression_attribute_names("#state", "state")
                .expression_attribute_values(":working", s(WORKING))
                .expression_attribute_values(":now", n(now))
                .expression_attribute_values(":zero", n(0))
                .send()
                .await;
            self.written(claimed)?.passed()?.is_some()
        } else {
            let claimed = self
                .client
                .update_item()
                .table_name(&self.table)
                .set_key(Some(key.to_item()))
                .update_expression("SET #state = :working, locked_until = :until")
                .condition_expression(
                    "attempt = :attempt AND (#state = :waiting OR (#state = :working AND locked_until < :now))",
                )
                .expression_attribute_names("#state", "state")
                .set_expression_attribute_values(Some(HashMap::from([
                    (":working".to_owned(), s(WORKING)),
                    (":waiting".to_owned(), s(WAITING)),
                    (":attempt".to_owned(), n(attempt)),
                    (":now".to_owned(), n(now)),
                    (":until".to_owned(), n(now + lock_seconds)),
                ])))
                .send()
                .await;
            self.written(claimed)?.passed()?.is_some()
        };
        Ok(if claimed {
            EmailClaim::Claimed
        } else {
            EmailClaim::Taken
        })
    }

    /// Marks a claimed message as waiting for retry `next_attempt`.
    pub async fn email_waiting(
        &self,
        message_id: &str,
        next_attempt: u32,
    ) -> Result<(), StoreError> {
        self.set_email_state(message_id, WAITING, ("attempt", n(next_attempt)))
            .await
    }

    /// Records what became of a message; later deliveries of it are ignored.
    pub async fn settle_email(&self, message_id: &str, outcome: &str) -> Result<(), StoreError> {
        self.set_email_state(message_id, SETTLED, ("outcome", s(outcome)))
            .await
    }

    async fn set_email_state(
        &self,
        message_id: &str,
        state: &str,
        (name, value): (&str, AttributeValue),
    ) -> Result<(), StoreError> {
        self.client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(keys::inbound_email(message_id).to_item()))
            .update_expression("SET #state = :state, #detail = :detail")
            .expression_attribute_names("#state", "state")
            .expression_attribute_names("#detail", name)
            .expression_attribute_values(":state", s(state))
            .expression_attribute_values(":detail", value)
            .send()
            .await
            .map_err(|e| self.error(e))?;
        Ok(())
    }

    /// Lets a failed attempt be retried by the same delivery (its claim is dropped).
    pub async fn release_email(&self, message_id: &str, attempt: u32) -> Result<(), StoreError> {
        let released = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(keys::inbound_email(message_id).to_item()))
            .update_expression("SET locked_until = :zero")
            .condition_expression("#state = :working AND attempt = :attempt")
            .expression_attribute_names("#state", "state")
            .expression_attribute_values(":zero", n(0))
            .expression_attribute_values(":working", s(WORKING))
            .expression_attribute_values(":attempt", n(attempt))
            .send()
            .await;
        self.written(released)?.passed()?;
        Ok(())
    }

    /// The workspace's active connector for a provider and transport, if any.
    pub async fn active_connector(
        &self,
        workspace_id: &str,
        provider: Provider,
        transport: Transport,
    ) -> Result<Option<Connector>, StoreError> {
        let slot = keys::active_slot(workspace_id, provider, transport);
        let Some(target) = self.get::<super::RouteTarget>(&slot).await? else {
            return Ok(None);
        };
        self.connector(&target.workspace_id, &target.connector_id)
            .await
    }
}
