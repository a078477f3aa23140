//! What an admin of a workspace can do: connector profiles (create, edit, activate,
//! pause, regenerate, delete, Run Test Import), Recent Imports and retries of failed
//! ones, leads (found, searched, exported as CSV), source performance, territories, API
//! keys and the workspace's own settings. Every use case takes the workspace of the
//! caller's key, so another workspace's ids are simply not found.

mod api_keys;
mod bulk_imports;
mod connectors;
mod deliveries;
mod destinations;
mod export;
mod form_settings;
mod input;
mod leads;
mod meta_pages;
mod presets;
mod profile;
mod records;
mod retry;
mod reviews;
mod rules;
mod stats;
mod territories;
mod test_import;
mod views;
mod workspace;

pub use api_keys::{create_api_key, list_api_keys, revoke_api_key, ApiKeyView, IssuedKey};
pub use bulk_imports::{
    bulk_failures, bulk_failures_csv, bulk_import, create_bulk_import, BulkImportView,
    NewBulkImport, Uploads,
};
pub use connectors::{
    connector, create_connector, delete_connector, list_connectors, regenerate_key,
    update_connector, AdminContext,
};
pub use deliveries::{deliveries, redeliver, DeliveryView};
pub use destinations::{
    create_destination, delete_destination, destination, list_destinations, rotate_secret,
    update_destination, DestinationView, DestinationWithSecret,
};
pub use export::{
    leads_csv, neutral, restored, rows as csv_rows, CsvExport, MAX_ROWS as CSV_MAX_ROWS,
};
pub use leads::{leads, LeadSearch};
pub use meta_pages::{
    check_meta_page, delete_meta_page, list_meta_pages, put_meta_page, MetaPageList, MetaPageView,
    MetaPages,
};
pub use records::{import, imports, lead, ImportDetail, ImportSummary, LeadView};
pub use retry::{retry_import, retry_imports, BulkRetry, Retried, Skipped};
pub use reviews::{approve_review, list_reviews, reject_review, Decision, ReviewView};
pub use stats::{stats, Group, GroupBy, Report, Tally};
pub use territories::{delete_territory, list_territories, put_territory};
pub use test_import::{test_import, TestImport, Would};
pub use views::{ConnectorView, Deployment, Setup, Stats};
pub use workspace::{create_workspace, update_workspace, workspace, NewWorkspace, WorkspaceView};

use crate::domain::FieldError;
use crate::store::{BadCursor, Page, StoreError};
use serde::Serialize;

#[derive(Debug, thiserror::Error)]
pub enum AdminError {
    /// Nothing with this id in the caller's workspace (whether or not it exists elsewhere).
    #[error("{0} not found")]
    NotFound(&'static str),
    #[error("{0}")]
    Conflict(String),
    #[error("{detail}")]
    Invalid {
        detail: String,
        errors: Vec<FieldError>,
    },
    #[error("{0}")]
    BadRequest(String),
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A dependency (Secrets Manager, Meta's Graph API) could not be reached: retry later.
    #[error("{0}")]
    Unavailable(String),
    #[error("unexpected error")]
    Unexpected(#[source] Box<dyn std::error::Error + Send + Sync>),
}

impl AdminError {
    pub(crate) fn invalid(errors: Vec<FieldError>) -> Self {
        AdminError::Invalid {
            detail: crate::pipeline::summary(&errors),
            errors,
        }
    }

    pub(crate) fn field(field: &str, message: impl Into<String>) -> Self {
        Self::invalid(vec![FieldError::new(field, message)])
    }
}

impl From<BadCursor> for AdminError {
    fn from(err: BadCursor) -> Self {
        AdminError::BadRequest(err.to_string())
    }
}

/// Which page of a list to read: `limit` 1 to 100 (25 when absent) and the opaque
/// cursor of the previous page.
#[derive(Debug, Clone, PartialEq)]
pub struct PageRequest {
    pub limit: i32,
    pub cursor: Option<String>,
}

impl PageRequest {
    pub const DEFAULT_LIMIT: i32 = 25;

    pub fn parse(limit: Option<&str>, cursor: Option<String>) -> Result<Self, AdminError> {
        let limit = match limit {
            None => Self::DEFAULT_LIMIT,
            Some(raw) => raw
                .trim()
                .parse()
                .ok()
                .filter(|limit| (1..=100).contains(limit))
                .ok_or_else(|| {
                    AdminError::BadRequest("limit must be a number from 1 to 100".to_owned())
                })?,
        };
        let cursor = cursor.filter(|c| !c.is_empty());
        Ok(Self { limit, cursor })
    }
}

/// A page of a list as the API answers it: `{"items": [...], "cursor": …}`.
#[derive(Debug, Clone, Serialize)]
pub struct Listing<T> {
    pub items: Vec<T>,
    pub cursor: Option<String>,
}

impl<T> Listing<T> {
    pub(crate) fn of<S>(page: Page<S>, view: impl FnMut(S) -> T) -> Self {
        Self {
            items: page.items.into_iter().map(view).collect(),
            cursor: page.cursor,
        }
    }
}
