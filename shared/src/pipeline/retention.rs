//! Retention: how long the import log keeps what an attempt wrote. An attempt that
//! made no lead expires whole; every entry's payload expires (DynamoDB's TTL) after the
//! workspace's `retention_days`.

use crate::domain::{Connector, ImportRecord, WorkspaceId, DEFAULT_RETENTION_DAYS};
use crate::store::{Store, StoreError};

/// When what is written now expires under a retention of `days` (epoch seconds).
fn expiry(store: &Store, days: u32) -> i64 {
    store.clock().epoch() + i64::from(days) * 86_400
}

/// The workspace's retention in days (the default when the workspace is gone).
async fn retention_days(store: &Store, workspace_id: &WorkspaceId) -> Result<u32, StoreError> {
    let workspace = store.workspace(workspace_id).await?;
    Ok(workspace.map_or(DEFAULT_RETENTION_DAYS, |w| w.settings.retention_days))
}

/// `record` of an attempt that made no lead: it expires whole with its payload (when
/// its payload's expiry is known already, then).
pub(super) async fn expiring(
    store: &Store,
    mut record: ImportRecord,
) -> Result<ImportRecord, StoreError> {
    let until = match record.payload_expires_at {
        Some(at) => at,
        None => expiry(store, retention_days(store, &record.workspace_id).await?),
    };
    record.expires_at = Some(until);
    record.payload_expires_at = Some(until);
    Ok(record)
}

/// `record` on `connector`, whose payload expires by the workspace's retention (read
/// with the connector by a door's lookup, else read now; unchanged when set already).
pub(super) async fn payload_expiring(
    store: &Store,
    connector: &Connector,
    mut record: ImportRecord,
) -> Result<ImportRecord, StoreError> {
    if record.payload_expires_at.is_some() {
        return Ok(record);
    }
    let days = match connector.workspace_retention_days {
        Some(days) => days,
        None => retention_days(store, &connector.workspace_id).await?,
    };
    record.payload_expires_at = Some(expiry(store, days));
    Ok(record)
}
