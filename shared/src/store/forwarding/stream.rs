//! What the table's stream shows the forwarder: new leads to forward, and deliveries
//! that start a round of attempts (new, or asked to deliver again).

use super::super::keys;
use super::super::StoreError;
use crate::domain::{DeliveryStatus, Lead, LeadDelivery};
use serde_dynamo::AttributeValue;

/// A stream record the forwarder acts on.
#[derive(Debug, Clone, PartialEq)]
pub enum Forwarding {
    /// A new lead that asks to be forwarded: its deliveries are to be made.
    NewLead(Box<Lead>),
    /// A delivery whose round of attempts starts: its first attempt is to be queued.
    Due(Box<LeadDelivery>),
}

fn decode<T: serde::de::DeserializeOwned>(image: serde_dynamo::Item) -> Result<T, StoreError> {
    serde_dynamo::from_item(image).map_err(StoreError::Encoding)
}

fn text<'a>(image: &'a serde_dynamo::Item, name: &str) -> Option<&'a str> {
    match image.get(name) {
        Some(AttributeValue::S(value)) => Some(value),
        _ => None,
    }
}

/// What a stream record (its event name and new image) asks the forwarder for: the
/// same test as the event source mapping's filter, and then some (a pending delivery
/// waiting for a retry is the forwarder's own, already queued). `Err` for a record that
/// matches but cannot be read: it never will be.
pub fn forwarding(
    event_name: &str,
    image: serde_dynamo::Item,
) -> Result<Option<Forwarding>, StoreError> {
    let sk = text(&image, keys::SK).unwrap_or_default();
    match (event_name, text(&image, "entity")) {
        ("INSERT", Some("lead")) if sk.starts_with(keys::LEAD_PREFIX) => {
            let forward = !matches!(image.get("forward"), Some(AttributeValue::Bool(false)));
            if !forward {
                return Ok(None);
            }
            Ok(Some(Forwarding::NewLead(Box::new(decode(image)?))))
        }
        ("INSERT" | "MODIFY", Some("delivery")) if sk.starts_with(keys::DELIVERY_PREFIX) => {
            let delivery: LeadDelivery = decode(image)?;
            let starts = delivery.status == DeliveryStatus::Pending
                && delivery.attempts == delivery.round_base;
            Ok(starts.then(|| Forwarding::Due(Box::new(delivery))))
        }
        _ => Ok(None),
    }
}
