//! Recent Imports and leads as admins read them.

use super::{AdminContext, AdminError, Listing, PageRequest};
use crate::domain::{ClientId, ConnectorId, ImportId, LeadId, ReviewId};
use crate::domain::{
    Email, FieldError, FollowUp, ImportRecord, ImportStatus, Lead, PhoneE164, Provider,
    RequestOrigin, Zip,
};
use serde::Serialize;
use std::collections::BTreeMap;

/// An import-log entry in a list: what happened, without the payload.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ImportSummary {
    pub id: ImportId,
    pub status: ImportStatus,
    pub connector_id: Option<ConnectorId>,
    pub provider: Option<Provider>,
    pub external_id: Option<String>,
    pub lead_id: Option<LeadId>,
    pub review_id: Option<ReviewId>,
    pub reason: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
    /// Values kept as custom fields because they did not validate (the lead was made).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<FieldError>,
    /// The failed entry this attempt re-ran.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_of: Option<ImportId>,
    /// The entry that re-ran this failed one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retried_by: Option<ImportId>,
    pub received_at: String,
}

/// One import-log entry with the payload as it arrived.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ImportDetail {
    #[serde(flatten)]
    pub summary: ImportSummary,
    pub client_id: Option<ClientId>,
    pub payload: String,
    pub payload_truncated: bool,
    pub origin: RequestOrigin,
}

impl From<ImportRecord> for ImportDetail {
    fn from(record: ImportRecord) -> Self {
        Self {
            summary: ImportSummary {
                id: record.id,
                status: record.status,
                connector_id: record.connector_id,
                provider: record.provider,
                external_id: record.external_id,
                lead_id: record.lead_id,
                review_id: record.review_id,
                reason: record.reason,
                errors: record.errors,
                warnings: record.warnings,
                retry_of: record.retry_of,
                retried_by: record.retried_by,
                received_at: record.received_at,
            },
            client_id: record.client_id,
            payload: record.payload,
            payload_truncated: record.payload_truncated,
            origin: record.origin,
        }
    }
}

/// Recent Imports, newest first, optionally of one connector and one status
/// (`imported`, `replayed`, `review_required`, `failed`, `ignored`).
pub async fn imports(
    ctx: &AdminContext<'_>,
    connector_id: Option<&ConnectorId>,
    status: Option<&str>,
    page: PageRequest,
) -> Result<Listing<ImportSummary>, AdminError> {
    let status = status
        .filter(|s| !s.is_empty())
        .map(|raw| {
            ImportStatus::ALL
                .into_iter()
                .find(|status| status.key() == raw)
                .ok_or_else(|| {
                    let names: Vec<_> = ImportStatus::ALL.map(ImportStatus::key).into();
                    AdminError::BadRequest(format!("status must be one of: {}", names.join(", ")))
                })
        })
        .transpose()?;
    let connector_id = connector_id.filter(|id| !id.is_empty());
    let page = ctx
        .store
        .imports_where(
            ctx.workspace_id,
            connector_id,
            status,
            page.limit,
            page.cursor.as_deref(),
        )
        .await??;
    Ok(Listing::of(page, |record| {
        ImportDetail::from(record).summary
    }))
}

pub async fn import(
    ctx: &AdminContext<'_>,
    import_id: &ImportId,
) -> Result<ImportDetail, AdminError> {
    ctx.store
        .import(ctx.workspace_id, import_id)
        .await?
        .map(ImportDetail::from)
        .ok_or(AdminError::NotFound("import"))
}

/// A lead as `GET /admin/leads/{id}` shows it (DESIGN.md), with its follow-up timeline.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LeadView {
    pub id: LeadId,
    pub customer_name: String,
    pub customer_email: Option<Email>,
    pub customer_phone: Option<PhoneE164>,
    pub service_address: Option<String>,
    pub city: Option<String>,
    pub state: Option<String>,
    pub zip: Option<Zip>,
    pub service_interest: Option<String>,
    pub notes: Option<String>,
    pub external_id: Option<String>,
    pub source: String,
    pub provider: Provider,
    pub assigned_rep: Option<String>,
    pub speed_to_lead: bool,
    pub connector_id: ConnectorId,
    pub client_id: ClientId,
    pub import_id: ImportId,
    pub custom_fields: BTreeMap<String, String>,
    pub created_at: String,
    /// What follow-ups were sent, skipped or failed, oldest first.
    pub followups: Vec<FollowUp>,
}

impl From<Lead> for LeadView {
    fn from(lead: Lead) -> Self {
        Self {
            id: lead.id,
            customer_name: lead.customer_name,
            customer_email: lead.customer_email,
            customer_phone: lead.customer_phone,
            service_address: lead.service_address,
            city: lead.city,
            state: lead.state,
            zip: lead.zip,
            service_interest: lead.service_interest,
            notes: lead.notes,
            external_id: lead.external_id,
            source: lead.source,
            provider: lead.provider,
            assigned_rep: lead.assigned_rep,
            speed_to_lead: lead.speed_to_lead,
            connector_id: lead.connector_id,
            client_id: lead.client_id,
            import_id: lead.import_id,
            custom_fields: lead.custom_fields,
            created_at: lead.created_at,
            followups: lead.followups,
        }
    }
}

pub async fn lead(ctx: &AdminContext<'_>, lead_id: &LeadId) -> Result<LeadView, AdminError> {
    ctx.store
        .lead(ctx.workspace_id, lead_id)
        .await?
        .map(LeadView::from)
        .ok_or(AdminError::NotFound("lead"))
}
