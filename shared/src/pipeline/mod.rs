//! The one intake path every door shares: validate → apply the connector's defaults →
//! assign → de-duplicate and store in one transaction → log. Every attempt, whatever
//! its outcome, ends up in the import log.

mod defaults;
mod review;

pub use defaults::{prepare, Prepared};
pub use review::{hold_for_review, needs_review, Doubt};

use crate::domain::{
    new_id, Connector, FieldError, ImportRecord, ImportStatus, Lead, LeadCandidate, Provider,
    RequestOrigin,
};
use crate::store::{NewLead, Store, StoreError, Stored};
use serde::Serialize;

/// What a door received, kept in the import log as it arrived.
#[derive(Debug, Clone, Default)]
pub struct Delivery<'a> {
    pub raw: &'a str,
    pub origin: RequestOrigin,
}

/// The answer a door gives for a stored (or recognised) lead.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Receipt {
    pub status: ImportStatus,
    pub lead_id: String,
    pub client_id: String,
    pub import_id: String,
    pub assigned_rep: Option<String>,
    pub source: String,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Imported(Receipt),
    Replayed(Receipt),
    /// The candidate cannot become a lead; the attempt is logged with the reasons.
    Failed {
        import_id: String,
        errors: Vec<FieldError>,
    },
}

#[derive(Debug, thiserror::Error)]
pub enum IntakeError {
    #[error("connector {connector_id} is {status}, not active")]
    Inactive {
        connector_id: String,
        status: &'static str,
        import_id: String,
    },
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A new import-log entry for one attempt on `connector`.
pub fn record(connector: &Connector, status: ImportStatus, delivery: &Delivery) -> ImportRecord {
    let mut record = attempt(
        &connector.workspace_id,
        Some(connector.provider),
        status,
        delivery,
    );
    record.connector_id = Some(connector.id.clone());
    record
}

/// A new import-log entry for an attempt that reached a workspace but no connector.
pub fn attempt(
    workspace_id: &str,
    provider: Option<Provider>,
    status: ImportStatus,
    delivery: &Delivery,
) -> ImportRecord {
    let (payload, payload_truncated) = ImportRecord::capped_payload(delivery.raw);
    ImportRecord {
        id: new_id(),
        workspace_id: workspace_id.to_owned(),
        connector_id: None,
        provider,
        status,
        external_id: None,
        lead_id: None,
        client_id: None,
        review_id: None,
        reason: None,
        errors: Vec::new(),
        payload,
        payload_truncated,
        origin: delivery.origin.clone(),
        received_at: now(),
    }
}

pub fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// Logs a failed attempt with its reason; answers the import id.
pub async fn log_failure(
    store: &Store,
    mut record: ImportRecord,
    reason: impl Into<String>,
    errors: Vec<FieldError>,
) -> Result<String, StoreError> {
    record.status = ImportStatus::Failed;
    record.reason = Some(reason.into());
    record.errors = errors;
    store.log_import(&record).await?;
    Ok(record.id)
}

/// Takes one candidate through the whole pipeline on an active connector.
pub async fn import(
    store: &Store,
    connector: &Connector,
    candidate: LeadCandidate,
    delivery: &Delivery<'_>,
) -> Result<Outcome, IntakeError> {
    let mut entry = record(connector, ImportStatus::Imported, delivery);
    entry.external_id = candidate
        .external_id
        .clone()
        .filter(|id| !id.trim().is_empty());

    if !connector.is_active() {
        let status = connector.status.key();
        let reason = format!("connector is {status}: only an active connector creates leads");
        let import_id = log_failure(store, entry, reason, Vec::new()).await?;
        return Err(IntakeError::Inactive {
            connector_id: connector.id.clone(),
            status,
            import_id,
        });
    }

    let prepared = match prepare(store, connector, candidate).await? {
        Ok(prepared) => prepared,
        Err(errors) => {
            let reason = summary(&errors);
            let import_id = log_failure(store, entry, reason, errors.clone()).await?;
            return Ok(Outcome::Failed { import_id, errors });
        }
    };

    let lead = prepared.into_lead(connector, &entry);
    let receipt = |status, lead_id: &str, client_id: &str, import_id: &str| Receipt {
        status,
        lead_id: lead_id.to_owned(),
        client_id: client_id.to_owned(),
        import_id: import_id.to_owned(),
        assigned_rep: lead.assigned_rep.clone(),
        source: lead.source.clone(),
    };
    entry.lead_id = Some(lead.id.clone());
    let new = NewLead {
        lead: lead.clone(),
        import: entry.clone(),
        intake_category: connector.provider.key().to_owned(),
    };
    match store.create_lead(new).await? {
        Stored::Created(created) => Ok(Outcome::Imported(receipt(
            ImportStatus::Imported,
            &created.lead_id,
            &created.client_id,
            &entry.id,
        ))),
        Stored::Duplicate { lead_id, client_id } => {
            entry.status = ImportStatus::Replayed;
            entry.lead_id = Some(lead_id.clone());
            entry.client_id = Some(client_id.clone());
            entry.reason = Some("external id seen before: the earlier lead stands".to_owned());
            store.log_import(&entry).await?;
            Ok(Outcome::Replayed(receipt(
                ImportStatus::Replayed,
                &lead_id,
                &client_id,
                &entry.id,
            )))
        }
    }
}

/// One line a person can read: `customer_name: a customer name is required; …`.
pub fn summary(errors: &[FieldError]) -> String {
    errors
        .iter()
        .map(|e| format!("{}: {}", e.field, e.message))
        .collect::<Vec<_>>()
        .join("; ")
}

impl Prepared {
    fn into_lead(self, connector: &Connector, entry: &ImportRecord) -> Lead {
        let lead = self.lead;
        Lead {
            id: new_id(),
            workspace_id: connector.workspace_id.clone(),
            customer_name: lead.customer_name,
            customer_email: lead.customer_email,
            customer_phone: lead.customer_phone,
            service_address: lead.service_address,
            city: lead.city,
            state: lead.state,
            zip: lead.zip,
            service_interest: lead.service_interest,
            notes: self.notes,
            external_id: lead.external_id,
            source: self.source,
            provider: connector.provider,
            assigned_rep: self.assigned_rep,
            speed_to_lead: connector.speed_to_lead,
            connector_id: connector.id.clone(),
            client_id: new_id(),
            import_id: entry.id.clone(),
            custom_fields: lead.custom_fields,
            created_at: entry.received_at.clone(),
            followups: Vec::new(),
        }
    }
}
