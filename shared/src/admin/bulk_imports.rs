//! Bulk imports of past leads: one is created with a pre-signed upload URL, its upload
//! starts it (the `bulk` use case), and it is read back with its counts and the rows
//! that failed, as a CSV to fix and upload again.

use super::input::Fields;
use super::{AdminContext, AdminError};
use crate::bulk;
use crate::domain::{BulkCounts, BulkImport, BulkImportId, BulkStatus, ConnectorId, FailedRow};
use aws_sdk_s3::presigning::PresigningConfig;
use serde::Serialize;
use serde_json::Value;
use std::time::Duration;

/// How long an upload URL works (at most: S3 also ends it with the credentials that
/// signed it).
const UPLOAD_SECONDS: u64 = 3600;

/// Where uploads go: the bulk bucket, through a client whose credentials may put there.
#[derive(Debug, Clone)]
pub struct Uploads {
    pub s3: aws_sdk_s3::Client,
    pub bucket: String,
}

/// A bulk import as the admin API shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BulkImportView {
    pub id: BulkImportId,
    pub connector_id: ConnectorId,
    pub status: BulkStatus,
    #[serde(flatten)]
    pub counts: BulkCounts,
    pub speed_to_lead: bool,
    pub forward: bool,
    /// Failed rows kept for the failures CSV (the first 1000).
    pub failures_kept: u64,
    pub error: Option<String>,
    pub created_at: String,
    pub upload_expires_at: String,
    pub started_at: Option<String>,
    pub finished_at: Option<String>,
}

/// A new bulk import and where to PUT its CSV.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NewBulkImport {
    #[serde(flatten)]
    pub import: BulkImportView,
    pub upload_url: String,
    pub upload_method: &'static str,
}

impl From<BulkImport> for BulkImportView {
    fn from(import: BulkImport) -> Self {
        Self {
            id: import.id,
            connector_id: import.connector_id,
            status: import.status,
            counts: import.counts,
            speed_to_lead: import.speed_to_lead,
            forward: import.forward,
            failures_kept: import.failures_kept,
            error: import.error,
            created_at: import.created_at,
            upload_expires_at: import.upload_expires_at,
            started_at: import.started_at,
            finished_at: import.finished_at,
        }
    }
}

/// `{"connector_id", "speed_to_lead"?, "forward"?}`: an import into an active
/// connector, waiting for its upload.
pub async fn create_bulk_import(
    ctx: &AdminContext<'_>,
    uploads: &Uploads,
    body: Value,
) -> Result<NewBulkImport, AdminError> {
    let mut fields = Fields::new(body)?;
    let connector_id = fields.text("connector_id", 100).map(ConnectorId::from);
    let speed_to_lead = fields.boolean("speed_to_lead").unwrap_or(false);
    let forward = fields.boolean("forward").unwrap_or(false);
    match &connector_id {
        None => fields.error("connector_id", "is required"),
        Some(id) => match ctx.store.connector(ctx.workspace_id, id).await? {
            None => fields.error(
                "connector_id",
                format!("no connector {id} in this workspace"),
            ),
            Some(connector) if !connector.is_active() => fields.error(
                "connector_id",
                crate::pipeline::inactive_reason(connector.status),
            ),
            Some(_) => {}
        },
    }
    fields.finish()?;
    let connector_id =
        connector_id.ok_or_else(|| AdminError::field("connector_id", "is required"))?;
    let clock = ctx.store.clock();
    let expires = clock.now() + chrono::Duration::seconds(UPLOAD_SECONDS as i64);
    let id = BulkImportId::new();
    let import = BulkImport {
        object_key: bulk::object_key(ctx.workspace_id, &id),
        id,
        workspace_id: ctx.workspace_id.clone(),
        connector_id,
        status: BulkStatus::WaitingForUpload,
        speed_to_lead,
        forward,
        counts: BulkCounts::default(),
        offset: 0,
        chunk: 0,
        header: Vec::new(),
        etag: None,
        delimiter: None,
        failures_kept: 0,
        error: None,
        created_at: clock.stamp(),
        upload_expires_at: expires.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        started_at: None,
        finished_at: None,
    };
    let presigning = PresigningConfig::expires_in(Duration::from_secs(UPLOAD_SECONDS))
        .map_err(|e| AdminError::Store(crate::store::StoreError::Unexpected(Box::new(e))))?;
    let presigned = uploads
        .s3
        .put_object()
        .bucket(&uploads.bucket)
        .key(&import.object_key)
        .presigned(presigning)
        .await
        .map_err(|e| AdminError::Store(crate::store::StoreError::Unexpected(Box::new(e))))?;
    if !ctx.store.create_bulk_import(&import).await? {
        return Err(AdminError::Conflict("a new id collided; retry".to_owned()));
    }
    Ok(NewBulkImport {
        import: import.into(),
        upload_url: presigned.uri().to_owned(),
        upload_method: "PUT",
    })
}

async fn find(ctx: &AdminContext<'_>, id: &BulkImportId) -> Result<BulkImport, AdminError> {
    ctx.store
        .bulk_import(ctx.workspace_id, id)
        .await?
        .ok_or(AdminError::NotFound("bulk import"))
}

pub async fn bulk_import(
    ctx: &AdminContext<'_>,
    id: &BulkImportId,
) -> Result<BulkImportView, AdminError> {
    Ok(find(ctx, id).await?.into())
}

/// The failed rows kept, in file order, and the file's header.
pub async fn bulk_failures(
    ctx: &AdminContext<'_>,
    id: &BulkImportId,
) -> Result<(Vec<String>, Vec<FailedRow>), AdminError> {
    let import = find(ctx, id).await?;
    let rows = ctx.store.failed_rows(ctx.workspace_id, id).await?;
    Ok((import.header, rows))
}

/// The failed rows as a CSV: the file's columns, then `import_row` and `import_error`
/// (left out when the file is uploaded again).
pub async fn bulk_failures_csv(
    ctx: &AdminContext<'_>,
    id: &BulkImportId,
) -> Result<String, AdminError> {
    let (header, rows) = bulk_failures(ctx, id).await?;
    Ok(bulk::failures_csv(&header, &rows))
}
