//! Forwarding: destinations (`destinations.rs`), what the stream asks the forwarder for
//! (`stream.rs`), and here each lead's delivery to each destination, made once per
//! lead and destination, whose attempts are claimed one at a time on the item itself.

mod destinations;
mod stream;

pub use stream::{forwarding, Forwarding};

use super::claim::{Check, ClaimItem, ClaimKind};
use super::keys;
use super::page::{Filter, Source};
use super::{attribute, n, s, to_item, BadCursor, Page, Store, StoreError};
use crate::domain::{DeliveryId, DeliveryStatus, DestinationId, LeadDelivery, WorkspaceId};
use aws_sdk_dynamodb::types::ReturnValue;

/// An attempt holds its delivery while it is `sending`; a delivery waits for its next
/// attempt as `pending`.
const ATTEMPT: ClaimKind = ClaimKind {
    entity: "delivery",
    state: "status",
    held: "sending",
};

/// The latest attempts kept on a delivery.
const HISTORY: usize = 50;

impl Store {
    fn delivery_claim(&self, workspace_id: &WorkspaceId, id: &DeliveryId) -> ClaimItem<'_> {
        self.claim(&ATTEMPT, keys::delivery(workspace_id, id))
    }

    /// Stores a new delivery, listed under its destination; `false` when this lead's
    /// delivery to this destination exists already.
    pub async fn create_delivery(&self, delivery: &LeadDelivery) -> Result<bool, StoreError> {
        let ws = &delivery.workspace_id;
        let mut item = to_item(&keys::delivery(ws, &delivery.id), "delivery", delivery)?;
        let index = keys::destination_deliveries_index(ws, &delivery.destination_id);
        item.insert(keys::GSI1PK.into(), s(index));
        item.insert(keys::GSI1SK.into(), s(&delivery.id));
        self.put_if_absent(item).await
    }

    pub async fn delivery(
        &self,
        workspace_id: &WorkspaceId,
        delivery_id: &DeliveryId,
    ) -> Result<Option<LeadDelivery>, StoreError> {
        self.get(&keys::delivery(workspace_id, delivery_id)).await
    }

    /// A destination's deliveries, newest lead first, optionally of one status.
    pub async fn deliveries(
        &self,
        workspace_id: &WorkspaceId,
        destination_id: &DestinationId,
        status: Option<DeliveryStatus>,
        limit: i32,
        cursor: Option<&str>,
    ) -> Result<Result<Page<LeadDelivery>, BadCursor>, StoreError> {
        let source = Source::index(keys::destination_deliveries_index(
            workspace_id,
            destination_id,
        ));
        let filter = status.map(|status| Filter::status(status.key()));
        self.page_where(source, filter, limit, cursor).await
    }

    /// Takes attempt `number` of a delivery for `seconds`: when it has made the attempts
    /// before it and waits (`pending`), or an attempt with this number stopped without
    /// settling (its hold lapsed). `false` otherwise: another worker has it, or it is
    /// past this attempt.
    pub async fn claim_attempt(
        &self,
        workspace_id: &WorkspaceId,
        delivery_id: &DeliveryId,
        number: u32,
        now: i64,
        seconds: i64,
    ) -> Result<bool, StoreError> {
        let before = number.saturating_sub(1);
        let check = Check {
            expression: "attempts = :before",
            values: vec![(":before", n(before))],
        };
        // The attempts, as the check has them: nothing else changes.
        let set = ("attempts", n(before));
        self.delivery_claim(workspace_id, delivery_id)
            .retake(now, seconds, DeliveryStatus::Pending.key(), check, set)
            .await
    }

    /// Settles the attempt this worker holds: the delivery as it now is (its status,
    /// attempts, history, next attempt and reason).
    pub async fn settle_attempt(&self, delivery: &LeadDelivery) -> Result<(), StoreError> {
        let start = delivery.history.len().saturating_sub(HISTORY);
        let attributes = vec![
            ("attempts", n(delivery.attempts)),
            ("history", attribute(&&delivery.history[start..])?),
            ("next_attempt_at", attribute(&delivery.next_attempt_at)?),
            ("reason", attribute(&delivery.reason)?),
            ("updated_at", s(&delivery.updated_at)),
        ];
        self.delivery_claim(&delivery.workspace_id, &delivery.id)
            .settle_held(delivery.status.key(), attributes)
            .await
    }

    /// Hands back an attempt that could not be made (the table or the queue failed
    /// before it): the next delivery of its message takes it at once.
    pub async fn release_attempt(
        &self,
        workspace_id: &WorkspaceId,
        delivery_id: &DeliveryId,
        number: u32,
    ) -> Result<(), StoreError> {
        let check = Check {
            expression: "attempts = :before",
            values: vec![(":before", n(number.saturating_sub(1)))],
        };
        self.delivery_claim(workspace_id, delivery_id)
            .lapse(check)
            .await
    }

    /// Starts a new round of attempts on a delivery that is not being attempted now
    /// (delivered, failed, or waiting for a retry): `pending`, its first attempt due at
    /// `now`. `None` when there is no such delivery or an attempt is under way or queued.
    pub async fn redeliver(
        &self,
        workspace_id: &WorkspaceId,
        delivery_id: &DeliveryId,
        now: &str,
    ) -> Result<Option<LeadDelivery>, StoreError> {
        let update = self
            .update(&keys::delivery(workspace_id, delivery_id))
            .update_expression(
                "SET #status = :pending, round_base = attempts, next_attempt_at = :now, \
                 updated_at = :now REMOVE reason",
            )
            .condition_expression(
                "#status IN (:delivered, :failed) OR (#status = :pending AND attempts > round_base)",
            )
            .expression_attribute_names("#status", "status")
            .expression_attribute_values(":pending", s(DeliveryStatus::Pending.key()))
            .expression_attribute_values(":delivered", s(DeliveryStatus::Delivered.key()))
            .expression_attribute_values(":failed", s(DeliveryStatus::Failed.key()))
            .expression_attribute_values(":now", s(now))
            .return_values(ReturnValue::AllNew);
        let Some(output) = self.written(update.send().await)?.passed()? else {
            return Ok(None);
        };
        output.attributes.map(super::from_item).transpose()
    }
}
