//! Forwarding: where a workspace's new leads go (a destination, a CRM's webhook), and
//! each lead's delivery to each destination with the attempts it took.

use super::{ConnectorId, DeliveryId, DestinationId, LeadId, WorkspaceId};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DestinationStatus {
    #[default]
    Active,
    Paused,
}

/// A key a destination's deliveries are signed with; an old one stays valid until
/// `valid_until` (epoch seconds) after a rotation.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub struct DestinationSecret {
    pub value: String,
    #[serde(default)]
    pub valid_until: Option<i64>,
}

impl std::fmt::Debug for DestinationSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DestinationSecret")
            .field("value", &"[redacted]")
            .field("valid_until", &self.valid_until)
            .finish()
    }
}

/// Where new leads of a workspace are forwarded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Destination {
    pub id: DestinationId,
    pub workspace_id: WorkspaceId,
    pub url: String,
    /// Only leads of these connectors; empty means every connector's.
    #[serde(default)]
    pub connector_ids: Vec<ConnectorId>,
    #[serde(default)]
    pub status: DestinationStatus,
    /// The current secret first, then old ones still in their grace period.
    pub secrets: Vec<DestinationSecret>,
    pub created_at: String,
    pub updated_at: String,
}

impl Destination {
    /// Whether a new lead of `connector` goes here.
    pub fn takes(&self, connector: &ConnectorId) -> bool {
        self.status == DestinationStatus::Active
            && (self.connector_ids.is_empty() || self.connector_ids.contains(connector))
    }

    /// The secrets to sign with at `now`: the current one, and the old ones not yet
    /// expired.
    pub fn signing_keys(&self, now: i64) -> Vec<&str> {
        self.secrets
            .iter()
            .filter(|secret| secret.valid_until.is_none_or(|until| until > now))
            .map(|secret| secret.value.as_str())
            .collect()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryStatus {
    /// Waiting for its next attempt (the first, or a retry at `next_attempt_at`).
    Pending,
    /// An attempt is under way.
    Sending,
    /// The destination answered 2xx.
    Delivered,
    /// A permanent refusal, or retries ran out.
    Failed,
}

impl DeliveryStatus {
    pub const ALL: [DeliveryStatus; 4] = [
        DeliveryStatus::Pending,
        DeliveryStatus::Sending,
        DeliveryStatus::Delivered,
        DeliveryStatus::Failed,
    ];

    pub fn key(self) -> &'static str {
        match self {
            DeliveryStatus::Pending => "pending",
            DeliveryStatus::Sending => "sending",
            DeliveryStatus::Delivered => "delivered",
            DeliveryStatus::Failed => "failed",
        }
    }
}

/// What one attempt came to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Attempt {
    /// 1 for the first attempt of the delivery, counting on across redeliveries.
    pub number: u32,
    pub at: String,
    /// `delivered`, `retry` or `failed`.
    pub result: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_code: Option<u16>,
    /// Why it did not deliver (network error, refused address, status).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// The start of the destination's answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub excerpt: Option<String>,
    pub duration_ms: u64,
}

/// One lead's forward to one destination.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LeadDelivery {
    pub id: DeliveryId,
    pub workspace_id: WorkspaceId,
    pub destination_id: DestinationId,
    pub lead_id: LeadId,
    pub status: DeliveryStatus,
    /// Attempts made and settled so far.
    #[serde(default)]
    pub attempts: u32,
    /// Attempts made before the current round (a redelivery starts a new round).
    #[serde(default)]
    pub round_base: u32,
    #[serde(default)]
    pub next_attempt_at: Option<String>,
    #[serde(default)]
    pub reason: Option<String>,
    /// The latest attempts, oldest first.
    #[serde(default)]
    pub history: Vec<Attempt>,
    pub created_at: String,
    pub updated_at: String,
}

impl LeadDelivery {
    /// The attempts of the current round so far.
    pub fn tries(&self) -> u32 {
        self.attempts.saturating_sub(self.round_base)
    }
}
