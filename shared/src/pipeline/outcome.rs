//! What became of one delivery: a closed set of outcomes, every one already in the
//! import log. Doors shape their answers from it; only what a caller should retry is
//! an error, never an outcome.

pub use crate::domain::Receipt;
use crate::domain::{ClientId, ImportId, LeadId, ReviewId};
use crate::domain::{ConnectorStatus, FieldError, ImportStatus};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// A new lead.
    Imported(Receipt),
    /// The external id was seen before: the earlier lead stands.
    Replayed(Receipt),
    /// Waiting for a person in the review queue.
    Held {
        import_id: ImportId,
        review_id: ReviewId,
    },
    /// No lead: the delivery cannot become one, for `reason`.
    Failed {
        import_id: ImportId,
        reason: String,
        errors: Vec<FieldError>,
    },
    /// No lead, on purpose: a test delivery, a honeypot, another form's lead.
    Ignored { import_id: ImportId, reason: String },
    /// No lead: the connector is not active.
    Inactive {
        import_id: ImportId,
        status: ConnectorStatus,
    },
}

/// The one wording of "this connector takes no leads now".
pub fn inactive_reason(status: ConnectorStatus) -> String {
    format!(
        "the connector is {}: only an active connector creates leads",
        status.key()
    )
}

impl Outcome {
    /// The status its import-log entry has.
    pub fn status(&self) -> ImportStatus {
        match self {
            Outcome::Imported(_) => ImportStatus::Imported,
            Outcome::Replayed(_) => ImportStatus::Replayed,
            Outcome::Held { .. } => ImportStatus::ReviewRequired,
            Outcome::Failed { .. } | Outcome::Inactive { .. } => ImportStatus::Failed,
            Outcome::Ignored { .. } => ImportStatus::Ignored,
        }
    }

    pub fn import_id(&self) -> &ImportId {
        match self {
            Outcome::Imported(receipt) | Outcome::Replayed(receipt) => &receipt.import_id,
            Outcome::Held { import_id, .. }
            | Outcome::Failed { import_id, .. }
            | Outcome::Ignored { import_id, .. }
            | Outcome::Inactive { import_id, .. } => import_id,
        }
    }

    /// The lead it stands for, when it made or found one.
    pub fn receipt(&self) -> Option<&Receipt> {
        match self {
            Outcome::Imported(receipt) | Outcome::Replayed(receipt) => Some(receipt),
            _ => None,
        }
    }

    /// Why no new lead was made, in words a person can act on.
    pub fn reason(&self) -> Option<String> {
        match self {
            Outcome::Imported(_) | Outcome::Held { .. } => None,
            Outcome::Replayed(_) => Some(REPLAYED.to_owned()),
            Outcome::Failed { reason, .. } | Outcome::Ignored { reason, .. } => {
                Some(reason.clone())
            }
            Outcome::Inactive { status, .. } => Some(inactive_reason(*status)),
        }
    }
}

pub(super) const REPLAYED: &str = "external id seen before: the earlier lead stands";

/// An outcome as the doors that acknowledge every delivery (webhooks, email) answer it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Acknowledgement {
    pub status: ImportStatus,
    pub import_id: ImportId,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lead_id: Option<LeadId>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_id: Option<ClientId>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub review_id: Option<ReviewId>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

impl From<&Outcome> for Acknowledgement {
    fn from(outcome: &Outcome) -> Self {
        let receipt = outcome.receipt();
        Self {
            status: outcome.status(),
            import_id: outcome.import_id().clone(),
            lead_id: receipt.map(|r| r.lead_id.clone()),
            client_id: receipt.map(|r| r.client_id.clone()),
            review_id: match outcome {
                Outcome::Held { review_id, .. } => Some(review_id.clone()),
                _ => None,
            },
            reason: match outcome {
                Outcome::Replayed(_) => None,
                other => other.reason(),
            },
        }
    }
}
