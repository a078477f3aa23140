//! Connector profiles as admins change them: every save is one transaction of an
//! `UpdateItem` (only the changed attributes), the active slot and the route items, guarded by a revision number so a
//! save never builds on a stale read.

use super::super::condition::Written;
use super::super::keys::{self, RouteKind};
use super::super::{n, s, to_item, Item, Store, StoreError};
use super::changes::Changes;
use super::routes::{route_item, routes, slot, RouteTarget};
use super::ConnectorRecord;
use crate::domain::Connector;
use crate::domain::ConnectorId;
use aws_sdk_dynamodb::types::TransactWriteItem;
use std::collections::HashMap;

/// What became of a save.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Saved {
    Saved,
    /// The connector no longer exists.
    Missing,
    /// Another connector holds the active slot for this provider and transport.
    SlotTaken {
        connector_id: ConnectorId,
    },
    /// A connector key, form id or Meta page id already routes to another connector.
    RouteTaken {
        kind: RouteKind,
    },
    /// The connector changed since it was read.
    Stale,
}

/// The condition on a slot or route a connector writes: free, or its own already.
const OWNED: &str = "attribute_not_exists(pk) OR connector_id = :me";

/// Attributes a save never touches: identity (and, by omission, counts that earlier
/// versions kept on the connector item).
const FIXED: [&str; 5] = ["id", "workspace_id", "provider", "transport", "created_at"];

impl Store {
    /// Writes `after` over the connector read as `before`: the changed attributes, the
    /// active slot taken or released with the status, and the routes of regenerated
    /// or edited public ids swapped, all at once.
    pub async fn save_connector(
        &self,
        before: &ConnectorRecord,
        after: &Connector,
    ) -> Result<Saved, StoreError> {
        let old = &before.connector;
        let (old_item, new_item) = (plain_item(old)?, plain_item(after)?);
        let mut changes = Changes::default();
        changes.diff("", &old_item, &new_item, &FIXED);
        let revision = changes.name("revision");
        changes.set.push(format!("{revision} = :next"));
        changes
            .values
            .insert(":next".into(), n(before.revision + 1));
        let mut expression = format!("SET {}", changes.set.join(", "));
        if !changes.remove.is_empty() {
            expression.push_str(&format!(" REMOVE {}", changes.remove.join(", ")));
        }
        let (guard, guard_values) = revision_guard(&revision, before.revision);
        changes.values.extend(guard_values);
        let connector = keys::connector(&old.workspace_id, &old.id);
        let update = self.tx_update(&connector, |update| {
            update
                .update_expression(expression)
                .condition_expression(guard)
                .set_expression_attribute_names(Some(changes.names))
                .set_expression_attribute_values(Some(changes.values))
        })?;
        let mut items = vec![update];
        let mut slot_put = None;
        let mut route_puts = HashMap::new();
        match (old.is_active(), after.is_active()) {
            (false, true) => {
                slot_put = Some(items.len());
                let target = to_item(&slot(after), "active_slot", &RouteTarget::of(after))?;
                items.push(self.put_owned(target, &after.id)?);
            }
            (true, false) => items.push(self.delete_owned(slot(old), &old.id)?),
            _ => {}
        }
        let (old_routes, new_routes) = (routes(old), routes(after));
        for (kind, value) in old_routes.iter().filter(|r| !new_routes.contains(r)) {
            items.push(self.delete_owned(keys::route(*kind, value), &old.id)?);
        }
        for (kind, value) in new_routes.iter().filter(|r| !old_routes.contains(r)) {
            route_puts.insert(items.len(), *kind);
            let route = route_item(*kind, value, after)?;
            items.push(self.put_new(route)?);
        }

        let refused = match self.transact(items).await? {
            Written::Done(()) => return Ok(Saved::Saved),
            Written::Refused(refused) => refused,
        };
        let failed = |index: usize| refused.failed(index);
        if failed(0) {
            return self.missing_or_stale(old).await;
        }
        if slot_put.is_some_and(failed) {
            if let Some(connector_id) = self.active_connector_id(after).await? {
                return Ok(Saved::SlotTaken { connector_id });
            }
        }
        if let Some(kind) = route_puts
            .iter()
            .find(|(i, _)| failed(**i))
            .map(|(_, k)| *k)
        {
            return Ok(Saved::RouteTaken { kind });
        }
        Ok(Saved::Stale)
    }

    /// Deletes a connector with its counts, its routes and its active slot; its leads
    /// and its import log stay.
    pub async fn delete_connector(&self, before: &ConnectorRecord) -> Result<Saved, StoreError> {
        let old = &before.connector;
        let (guard, values) = revision_guard("#revision", before.revision);
        let connector = keys::connector(&old.workspace_id, &old.id);
        let delete = self.tx_delete(&connector, |delete| {
            delete
                .condition_expression(guard)
                .expression_attribute_names("#revision", "revision")
                .set_expression_attribute_values(Some(values).filter(|v| !v.is_empty()))
        })?;
        let counts = keys::connector_counts(&old.workspace_id, &old.id);
        let mut items = vec![delete, self.tx_delete(&counts, |delete| delete)?];
        // Only an active connector holds its slot; another connector may hold it now.
        if old.is_active() {
            items.push(self.delete_owned(slot(old), &old.id)?);
        }
        for (kind, value) in routes(old) {
            items.push(self.delete_owned(keys::route(kind, &value), &old.id)?);
        }
        match self.transact(items).await? {
            Written::Done(()) => Ok(Saved::Saved),
            Written::Refused(_) => self.missing_or_stale(old).await,
        }
    }

    async fn missing_or_stale(&self, connector: &Connector) -> Result<Saved, StoreError> {
        let now = self
            .connector(&connector.workspace_id, &connector.id)
            .await?;
        Ok(if now.is_none() {
            Saved::Missing
        } else {
            Saved::Stale
        })
    }

    /// Puts a slot this connector may already hold.
    fn put_owned(
        &self,
        item: Item,
        connector_id: &ConnectorId,
    ) -> Result<TransactWriteItem, StoreError> {
        self.tx_put(item, |put| {
            put.condition_expression(OWNED)
                .expression_attribute_values(":me", s(connector_id))
        })
    }

    /// Deletes a slot or route unless another connector holds it.
    fn delete_owned(
        &self,
        key: keys::Key,
        connector_id: &ConnectorId,
    ) -> Result<TransactWriteItem, StoreError> {
        self.tx_delete(&key, |delete| {
            delete
                .condition_expression(OWNED)
                .expression_attribute_values(":me", s(connector_id))
        })
    }
}

/// The condition that the connector exists at the revision it was read at.
fn revision_guard(
    name: &str,
    revision: u64,
) -> (
    String,
    HashMap<String, aws_sdk_dynamodb::types::AttributeValue>,
) {
    if revision == 0 {
        (
            format!("attribute_exists(pk) AND attribute_not_exists({name})"),
            HashMap::new(),
        )
    } else {
        (
            format!("{name} = :revision"),
            HashMap::from([(":revision".to_owned(), n(revision))]),
        )
    }
}

fn plain_item(connector: &Connector) -> Result<Item, StoreError> {
    serde_dynamo::to_item(connector).map_err(StoreError::Encoding)
}
