//! Google Ads lead form webhooks: `POST /webhooks/google/{connector_id}`, trusted by the
//! connector's `google_key`. Test leads are logged, never created.

mod lead;

pub use lead::{Column, GoogleLead};

use super::{other_form, WebhookError};
use crate::domain::{Connector, ConnectorId, Provider, RequestOrigin};
use crate::pipeline::{self, Delivery, Outcome, Reading};
use crate::store::keys::RouteKind;
use crate::store::{Settles, Store};
use serde::Deserialize;

/// The reason test deliveries are logged with.
pub const TEST_LEAD_REASON: &str =
    "Google test lead: the webhook works; test leads never create a lead";

/// Handles one delivery for connector `connector_id`. An error means refuse (404/401/400)
/// or ask Google to redeliver (5xx); nothing is stored for a refused delivery.
pub async fn receive(
    store: &Store,
    connector_id: &ConnectorId,
    body: &[u8],
    origin: RequestOrigin,
) -> Result<Outcome, WebhookError> {
    let not_a_lead = |err: serde_json::Error| {
        WebhookError::BadRequest(format!(
            "the body is not a Google Ads lead form payload (line {}, column {})",
            err.line(),
            err.column()
        ))
    };
    let json: serde_json::Value = serde_json::from_slice(body).map_err(not_a_lead)?;
    if !json.is_object() {
        return Err(WebhookError::BadRequest(
            "the body is not a Google Ads lead form payload: expected a JSON object".to_owned(),
        ));
    }
    let lead = GoogleLead::deserialize(&json).map_err(not_a_lead)?;
    let connector = store
        .connector_by_route(RouteKind::GoogleConnector, connector_id)
        .await?
        .filter(|connector| connector.provider == Provider::GoogleAds)
        .ok_or_else(|| WebhookError::NotFound("no Google Ads connector has this id".to_owned()))?;
    let expected = connector.settings.google_key.as_deref().unwrap_or_default();
    if !lead.key_matches(expected) {
        return Err(WebhookError::Unauthorized(
            "the google_key does not match this connector's key".to_owned(),
        ));
    }

    let logged = redacted(json);
    let delivery = Delivery {
        raw: &logged,
        origin,
    };
    let mut entry = pipeline::record(store.clock(), &connector, &delivery);
    entry.external_id = lead
        .lead_id
        .as_ref()
        .filter(|id| id.is_meaningful())
        .map(ToString::to_string);
    let reading = read(&lead, &connector);
    Ok(pipeline::settle(store, &connector, reading, entry, Settles::Nothing).await?)
}

/// What a Google lead is for `connector`: a test lead or another form's lead is no lead
/// on purpose; any other is its candidate.
pub fn read(lead: &GoogleLead, connector: &Connector) -> Reading {
    if lead.is_test.0 {
        return Reading::NotALead(TEST_LEAD_REASON.to_owned());
    }
    if let Some(reason) = other_form(connector, lead.form_id.as_ref()) {
        return Reading::NotALead(reason);
    }
    match lead.candidate(&connector.field_aliases) {
        Ok(candidate) => Reading::Lead(candidate),
        Err(err) => Reading::Unreadable(err.to_string()),
    }
}

/// The body for the import log, without the connector's key.
fn redacted(mut json: serde_json::Value) -> String {
    if let Some(key) = json.get_mut("google_key") {
        *key = "[redacted]".into();
    }
    json.to_string()
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_logged_body_never_carries_the_key() {
        let logged =
            super::redacted(serde_json::json!({"lead_id": "1", "google_key": "gk_secret"}));
        assert!(!logged.contains("gk_secret"));
        assert!(logged.contains("\"lead_id\":\"1\""));
    }
}
