//! Lead-ads providers that push leads to us: Meta (Page `leadgen` webhooks, details from
//! the Graph API) and Google Ads (lead form webhooks). Each verifies its sender, turns the
//! provider's format into a candidate through its preset, and hands it to the pipeline.

pub mod google;
mod ids;
pub mod meta;
pub mod vendors;

pub use ids::{Flag, Id};

use crate::domain::Connector;
use crate::secrets::SecretError;
use crate::store::StoreError;

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
    #[error("{failed} lead(s) wait for a page access token (missing or expired); redeliver later")]
    PageToken { failed: usize },
    #[error(
        "{left} change(s) were not started before the function's time ran out; redeliver later"
    )]
    OutOfTime { left: usize },
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Why a lead from `form_id` is not for `connector` when it is tied to one form.
pub(crate) fn other_form(connector: &Connector, form_id: Option<&Id>) -> Option<String> {
    let wanted = connector.settings.lead_form_id.as_deref()?.trim();
    let form_id = form_id.filter(|id| id.is_meaningful())?;
    (!wanted.is_empty() && form_id.as_str() != wanted).then(|| {
        format!("lead form {form_id} is not this connector's form {wanted}: the lead is not for it")
    })
}
