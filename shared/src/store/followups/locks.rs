//! The safety lock on messaging a contact: one acknowledgement per contact in a window,
//! whichever lead it came with.

use super::super::keys;
use super::super::{n, s, Store, StoreError};
use crate::domain::WorkspaceId;

impl Store {
    /// Takes the safety lock on every contact for `owner` (a lead id) until `until`
    /// (epoch seconds), all or none. `false` when a contact is locked by another lead.
    pub async fn lock_contacts(
        &self,
        workspace_id: &WorkspaceId,
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
            items.push(self.tx_put(item, |put| {
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
        workspace_id: &WorkspaceId,
        contacts: &[(&str, &str)],
        owner: &str,
    ) -> Result<(), StoreError> {
        let mut items = Vec::with_capacity(contacts.len());
        for (kind, value) in contacts {
            let lock = keys::followup_lock(workspace_id, kind, value);
            items.push(self.tx_delete(&lock, |delete| {
                delete
                    .condition_expression("attribute_not_exists(pk) OR #owner = :owner")
                    .expression_attribute_names("#owner", "owner")
                    .expression_attribute_values(":owner", s(owner))
            })?);
        }
        self.transact(items).await?.passed()?;
        Ok(())
    }
}
