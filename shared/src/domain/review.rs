use super::{ConnectorId, ImportId, LeadId, ReviewId, WorkspaceId};
use super::{LeadCandidate, Provider};
use serde::{Deserialize, Serialize};

/// `pending` until one person decides; a decision is final.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReviewStatus {
    Pending,
    Approved,
    Rejected,
}

impl ReviewStatus {
    pub fn key(self) -> &'static str {
        match self {
            ReviewStatus::Pending => "pending",
            ReviewStatus::Approved => "approved",
            ReviewStatus::Rejected => "rejected",
        }
    }
}

/// A doubtful parse held for a person: what was read, how sure the parser was and why
/// not more, and enough of the message to judge it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReviewItem {
    pub id: ReviewId,
    pub workspace_id: WorkspaceId,
    pub connector_id: ConnectorId,
    pub provider: Provider,
    pub status: ReviewStatus,
    pub confidence: f64,
    #[serde(default)]
    pub reasons: Vec<String>,
    #[serde(default)]
    pub sender: Option<String>,
    #[serde(default)]
    pub subject: Option<String>,
    #[serde(default)]
    pub preview: String,
    pub candidate: LeadCandidate,
    /// The import-log entry that records the hold (status `review_required`).
    pub import_id: ImportId,
    pub created_at: String,
    #[serde(default)]
    pub decided_at: Option<String>,
    #[serde(default)]
    pub lead_id: Option<LeadId>,
}
