//! Windows in which something happens once: the safety lock on messaging a contact,
//! and a workspace's review digest.

use super::super::keys;
use super::super::{n, s, Store, StoreError};

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
        let mut items = Vec::with_capacity(contacts.len());
        for (kind, value) in contacts {
            let mut item = keys::followup_lock(workspace_id, kind, value).to_item();
            item.insert("entity".into(), s("followup_lock"));
            item.insert("owner".into(), s(owner));
            item.insert(keys::EXPIRES_AT.into(), n(until));
            items.push(self.put_item(item, |put| {
                put.condition_expression(
                    "attribute_not_exists(pk) OR expires_at < :now OR #owner = :owner",
                )
                .expression_attribute_names("#owner", "owner")
                .expression_attribute_values(":now", n(now))
                .expression_attribute_values(":owner", s(owner))
            })?);
        }
        Ok(self.transact(items).await?.passed()?.is_some())
    }

    /// Lifts the locks `owner` holds, when nothing was sent after all.
    pub async fn unlock_contacts(
        &self,
        workspace_id: &str,
        contacts: &[(&str, &str)],
        owner: &str,
    ) -> Result<(), StoreError> {
        let mut items = Vec::with_capacity(contacts.len());
        for (kind, value) in contacts {
            let lock = keys::followup_lock(workspace_id, kind, value);
            items.push(self.delete_item(&lock, |delete| {
                delete
                    .condition_expression("attribute_not_exists(pk) OR #owner = :owner")
                    .expression_attribute_names("#owner", "owner")
                    .expression_attribute_values(":owner", s(owner))
            })?);
        }
        self.transact(items).await?.passed()?;
        Ok(())
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
        self.put_if_absent(item).await
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
