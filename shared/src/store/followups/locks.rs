//! Windows in which something happens once: the safety lock on messaging a contact,
//! and a workspace's review digest.

use super::super::keys;
use super::super::{leads, n, s, Store, StoreError};
use super::is_condition_failure;
use aws_sdk_dynamodb::types::{Delete, Put, TransactWriteItem};

impl Store {
    /// Takes the safety lock on every contact for `owner` (a lead id) until `until`
    /// (epoch seconds), all or none. `false` when a contact is locked by another lead.
    pub async fn lock_contacts(
        &self,
        workspace_id: &str,
        contacts: &[(&str, &str)],
        owner: &str,
        now: i64,
        until: i64,
    ) -> Result<bool, StoreError> {
        let mut request = self.client.transact_write_items();
        for (kind, value) in contacts {
            let mut item = keys::followup_lock(workspace_id, kind, value).to_item();
            item.insert("entity".into(), s("followup_lock"));
            item.insert("owner".into(), s(owner));
            item.insert(keys::EXPIRES_AT.into(), n(until));
            let put = Put::builder()
                .table_name(&self.table)
                .set_item(Some(item))
                .condition_expression(
                    "attribute_not_exists(pk) OR expires_at < :now OR #owner = :owner",
                )
                .expression_attribute_names("#owner", "owner")
                .expression_attribute_values(":now", n(now))
                .expression_attribute_values(":owner", s(owner))
                .build()
                .map_err(|e| StoreError::Unexpected(Box::new(e)))?;
            request = request.transact_items(TransactWriteItem::builder().put(put).build());
        }
        match request.send().await {
            Ok(_) => Ok(true),
            Err(err) if leads::is_condition_failure(&err) => Ok(false),
            Err(err) => Err(self.error(err)),
        }
    }

    /// Lifts the locks `owner` holds, when nothing was sent after all.
    pub async fn unlock_contacts(
        &self,
        workspace_id: &str,
        contacts: &[(&str, &str)],
        owner: &str,
    ) -> Result<(), StoreError> {
        let mut request = self.client.transact_write_items();
        for (kind, value) in contacts {
            let delete = Delete::builder()
                .table_name(&self.table)
                .set_key(Some(
                    keys::followup_lock(workspace_id, kind, value).to_item(),
                ))
                .condition_expression("attribute_not_exists(pk) OR #owner = :owner")
                .expression_attribute_names("#owner", "owner")
                .expression_attribute_values(":owner", s(owner))
                .build()
                .map_err(|e| StoreError::Unexpected(Box::new(e)))?;
            request = request.transact_items(TransactWriteItem::builder().delete(delete).build());
        }
        match request.send().await {
            Err(err) if !leads::is_condition_failure(&err) => Err(self.error(err)),
            _ => Ok(()),
        }
    }

    /// Claims a workspace's review digest for one time window; `false` when this
    /// window's digest was claimed already.
    pub async fn claim_review_digest(
        &self,
        workspace_id: &str,
        window: i64,
        expires_at: i64,
    ) -> Result<bool, StoreError> {
        let mut item = keys::review_digest(workspace_id, window).to_item();
        item.insert("entity".into(), s("followup_digest"));
        item.insert(keys::EXPIRES_AT.into(), n(expires_at));
        let put = self
            .client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item))
            .condition_expression("attribute_not_exists(pk)")
            .send()
            .await;
        match put {
            Ok(_) => Ok(true),
            Err(err) if is_condition_failure(&err) => Ok(false),
            Err(err) => Err(self.error(err)),
        }
    }

    pub async fn release_review_digest(
        &self,
        workspace_id: &str,
        window: i64,
    ) -> Result<(), StoreError> {
        self.client
            .delete_item()
            .table_name(&self.table)
            .set_key(Some(keys::review_digest(workspace_id, window).to_item()))
            .send()
            .await
            .map_err(|e| self.error(e))?;
        Ok(())
    }
}
