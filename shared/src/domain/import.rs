use super::{ClientId, ConnectorId, ImportId, LeadId, ReviewId, WorkspaceId};
use super::{FieldError, Lead, Provider};
use serde::{Deserialize, Serialize};

/// What became of one delivery.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ImportStatus {
    Imported,
    Replayed,
    ReviewRequired,
    Failed,
    Ignored,
}

impl ImportStatus {
    pub const ALL: [ImportStatus; 5] = [
        ImportStatus::Imported,
        ImportStatus::Replayed,
        ImportStatus::ReviewRequired,
        ImportStatus::Failed,
        ImportStatus::Ignored,
    ];

    pub fn key(self) -> &'static str {
        match self {
            ImportStatus::Imported => "imported",
            ImportStatus::Replayed => "replayed",
            ImportStatus::ReviewRequired => "review_required",
            ImportStatus::Failed => "failed",
            ImportStatus::Ignored => "ignored",
        }
    }
}

/// The answer a door gives for a stored (or recognised) lead. Kept with an
/// `Idempotency-Key` so that a replay answers exactly as the first time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Receipt {
    pub status: ImportStatus,
    pub lead_id: LeadId,
    pub client_id: ClientId,
    pub import_id: ImportId,
    pub assigned_rep: Option<String>,
    pub source: String,
}

impl Receipt {
    /// The receipt of `lead` as its import entry settles with `status`.
    pub fn of(lead: &Lead, status: ImportStatus, import_id: &ImportId) -> Self {
        Self {
            status,
            lead_id: lead.id.clone(),
            client_id: lead.client_id.clone(),
            import_id: import_id.clone(),
            assigned_rep: lead.assigned_rep.clone(),
            source: lead.source.clone(),
        }
    }
}

/// Who sent a delivery, as far as the door can tell, and how it was encoded (a
/// retry reads the stored payload again by its content type).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RequestOrigin {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_ip: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_agent: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
}

/// One line of the import log: every attempt, whatever its outcome.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImportRecord {
    pub id: ImportId,
    pub workspace_id: WorkspaceId,
    #[serde(default)]
    pub connector_id: Option<ConnectorId>,
    #[serde(default)]
    pub provider: Option<Provider>,
    pub status: ImportStatus,
    #[serde(default)]
    pub external_id: Option<String>,
    #[serde(default)]
    pub lead_id: Option<LeadId>,
    #[serde(default)]
    pub client_id: Option<ClientId>,
    #[serde(default)]
    pub review_id: Option<ReviewId>,
    /// The source label of the connector (else the provider key), for reports.
    #[serde(default)]
    pub source: Option<String>,
    #[serde(default)]
    pub reason: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
    /// Values of an imported lead that did not validate and were kept as custom fields.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<FieldError>,
    /// The raw payload as received, cut to [`ImportRecord::PAYLOAD_CAP`] bytes.
    #[serde(default)]
    pub payload: String,
    #[serde(default)]
    pub payload_truncated: bool,
    #[serde(default)]
    pub origin: RequestOrigin,
    pub received_at: String,
    /// The failed entry this attempt re-ran.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_of: Option<ImportId>,
    /// The entry that re-ran this failed one (set once: a retry is single-use).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retried_by: Option<ImportId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retried_at: Option<String>,
    /// When DynamoDB's TTL removes the entry (epoch seconds): set on attempts that made
    /// no lead, by the workspace's retention.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<i64>,
    /// When the raw payload goes (epoch seconds), by the workspace's retention; the
    /// entry stays when it made a lead.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payload_expires_at: Option<i64>,
}

impl ImportRecord {
    pub const PAYLOAD_CAP: usize = 16 * 1024;

    /// Keeps at most [`Self::PAYLOAD_CAP`] bytes of the payload, cut on a character boundary.
    pub fn capped_payload(raw: &str) -> (String, bool) {
        if raw.len() <= Self::PAYLOAD_CAP {
            return (raw.to_owned(), false);
        }
        let mut end = Self::PAYLOAD_CAP;
        while !raw.is_char_boundary(end) {
            end -= 1;
        }
        (raw[..end].to_owned(), true)
    }
}
