//! An attempt's import-log entry: made for what a door received, and written alone when
//! the attempt makes no lead (failed or ignored, with its reason).

use super::retention::expiring;
use super::Outcome;
use crate::clock::Clock;
use crate::domain::{
    Connector, FieldError, ImportId, ImportRecord, ImportStatus, Provider, RequestOrigin,
    WorkspaceId,
};
use crate::store::{Settles, Store, StoreError};

/// What a door received, kept in the import log as it arrived.
#[derive(Debug, Clone, Default)]
pub struct Delivery<'a> {
    pub raw: &'a str,
    pub origin: RequestOrigin,
}

/// A new import-log entry for one attempt on `connector`.
pub fn record(clock: &Clock, connector: &Connector, delivery: &Delivery) -> ImportRecord {
    let mut record = attempt(
        clock,
        &connector.workspace_id,
        Some(connector.provider),
        delivery,
    );
    record.connector_id = Some(connector.id.clone());
    record.source = Some(connector.source());
    record
}

/// A new import-log entry for an attempt that reached a workspace but no connector.
/// Its status is `failed` until the attempt settles otherwise.
pub fn attempt(
    clock: &Clock,
    workspace_id: &WorkspaceId,
    provider: Option<Provider>,
    delivery: &Delivery,
) -> ImportRecord {
    let (payload, payload_truncated) = ImportRecord::capped_payload(delivery.raw);
    ImportRecord {
        id: ImportId::at(clock),
        workspace_id: workspace_id.clone(),
        connector_id: None,
        provider,
        status: ImportStatus::Failed,
        external_id: None,
        lead_id: None,
        client_id: None,
        review_id: None,
        source: provider.map(|provider| provider.key().to_owned()),
        reason: None,
        errors: Vec::new(),
        warnings: Vec::new(),
        payload,
        payload_truncated,
        origin: delivery.origin.clone(),
        received_at: clock.stamp(),
        retry_of: None,
        retried_by: None,
        retried_at: None,
        expires_at: None,
        payload_expires_at: None,
    }
}

/// Logs an attempt that cannot make a lead, with its reason (and field errors).
pub async fn fail(
    store: &Store,
    record: ImportRecord,
    reason: impl Into<String>,
    errors: Vec<FieldError>,
) -> Result<Outcome, StoreError> {
    fail_settling(store, record, reason, errors, &Settles::Nothing).await
}

/// [`fail`], settling `settles` (an inbound email) in the same write.
pub async fn fail_settling(
    store: &Store,
    record: ImportRecord,
    reason: impl Into<String>,
    errors: Vec<FieldError>,
    settles: &Settles,
) -> Result<Outcome, StoreError> {
    let (record, reason) = settled(record, ImportStatus::Failed, reason.into());
    let record = ImportRecord { errors, ..record };
    let record = expiring(store, record).await?;
    store.log_settling(&record, settles, None).await?;
    Ok(Outcome::Failed {
        import_id: record.id,
        reason,
        errors: record.errors,
    })
}

/// Logs an attempt that makes no lead on purpose (a test lead, a honeypot, another
/// form's lead), with its reason.
pub async fn ignore(
    store: &Store,
    record: ImportRecord,
    reason: impl Into<String>,
) -> Result<Outcome, StoreError> {
    ignore_settling(store, record, reason, &Settles::Nothing).await
}

/// [`ignore`], settling `settles` (an inbound email) in the same write.
pub async fn ignore_settling(
    store: &Store,
    record: ImportRecord,
    reason: impl Into<String>,
    settles: &Settles,
) -> Result<Outcome, StoreError> {
    let (record, reason) = settled(record, ImportStatus::Ignored, reason.into());
    let record = expiring(store, record).await?;
    store.log_settling(&record, settles, None).await?;
    Ok(Outcome::Ignored {
        import_id: record.id,
        reason,
    })
}

fn settled(
    mut record: ImportRecord,
    status: ImportStatus,
    reason: String,
) -> (ImportRecord, String) {
    record.status = status;
    record.reason = Some(reason.clone());
    (record, reason)
}
