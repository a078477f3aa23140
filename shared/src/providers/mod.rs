//! Lead-ads providers that push leads to us: Meta (Page `leadgen` webhooks, details from
//! the Graph API) and Google Ads (lead form webhooks). Each verifies its sender, turns the
//! provider's format into a candidate through its preset, and hands it to the pipeline.

pub mod google;
mod ids;
pub mod meta;
pub mod vendors;

pub use ids::{Flag, Id};

use crate::domain::{Connector, ImportRecord, ImportStatus};
use crate::http::ApiError;
use crate::pipeline::{self, IntakeError, Outcome};
use crate::secrets::SecretError;
use crate::store::{Store, StoreError};
use serde::Serialize;

/// What a webhook delivery led to, as the answer's body says it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Acknowledgement {
    pub status: ImportStatus,
    pub import_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lead_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// Why a webhook delivery is refused or must be redelivered. A delivery that was
/// handled, including one logged as a permanent failure, is not an error.
#[derive(Debug, thiserror::Error)]
pub enum WebhookError {
    #[error("{0}")]
    Unauthorized(String),
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    NotFound(String),
    #[error("the webhook secret is unavailable")]
    Secret(#[source] SecretError),
    #[error("{failed} lead(s) could not be fetched from the Graph API; redeliver later")]
    Graph {
        failed: usize,
        #[source]
        source: meta::GraphError,
    },
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<WebhookError> for ApiError {
    fn from(err: WebhookError) -> Self {
        match err {
            WebhookError::Unauthorized(message) => ApiError::Unauthorized(message),
            WebhookError::BadRequest(message) => ApiError::BadRequest(message),
            WebhookError::NotFound(message) => ApiError::NotFound(message),
            WebhookError::Store(err) => err.into(),
            other => ApiError::Unavailable(Box::new(other)),
        }
    }
}

/// Logs an attempt that creates no lead, with its status and reason.
pub(crate) async fn log_without_lead(
    store: &Store,
    mut entry: ImportRecord,
    status: ImportStatus,
    reason: String,
) -> Result<Acknowledgement, StoreError> {
    entry.status = status;
    entry.reason = Some(reason.clone());
    store.log_import(&entry).await?;
    Ok(Acknowledgement {
        status,
        import_id: entry.id,
        lead_id: None,
        client_id: None,
        reason: Some(reason),
    })
}

/// The acknowledgement for a pipeline result: stored, replayed, or logged as failed
/// (including an inactive connector). Only a store failure is left as an error.
pub(crate) fn settle(result: Result<Outcome, IntakeError>) -> Result<Acknowledgement, StoreError> {
    match result {
        Ok(Outcome::Imported(receipt) | Outcome::Replayed(receipt)) => Ok(Acknowledgement {
            status: receipt.status,
            import_id: receipt.import_id,
            lead_id: Some(receipt.lead_id),
            client_id: Some(receipt.client_id),
            reason: None,
        }),
        Ok(Outcome::Failed { import_id, errors }) => Ok(Acknowledgement {
            status: ImportStatus::Failed,
            import_id,
            lead_id: None,
            client_id: None,
            reason: Some(pipeline::summary(&errors)),
        }),
        Err(IntakeError::Inactive {
            status, import_id, ..
        }) => Ok(Acknowledgement {
            status: ImportStatus::Failed,
            import_id,
            lead_id: None,
            client_id: None,
            reason: Some(format!(
                "connector is {status}: only an active connector creates leads"
            )),
        }),
        Err(IntakeError::Store(err)) => Err(err),
    }
}

/// Why a lead from `form_id` is not for `connector` when it is tied to one form.
pub(crate) fn other_form(connector: &Connector, form_id: Option<&Id>) -> Option<String> {
    let wanted = connector.settings.lead_form_id.as_deref()?.trim();
    let form_id = form_id.filter(|id| id.is_meaningful())?;
    (!wanted.is_empty() && form_id.as_str() != wanted).then(|| {
        format!("lead form {form_id} is not this connector's form {wanted}: the lead is not for it")
    })
}
