//! A delivery read again through its provider's preset, exactly as its door reads it:
//! a stored import-log payload (a retry) or an admin's sample (Run Test Import).

use crate::domain::{Connector, Provider};
use crate::pipeline::{self, Reading};
use crate::providers::google::{self, GoogleLead};
use crate::providers::meta::{preset, GraphLead, LeadgenChange};
use crate::providers::{other_form, Id};
use crate::{api, forms, mapping};
use serde::Deserialize;
use serde_json::Value;

/// `raw`, as it arrived with its Content-Type, read for `connector`. `fallback_id` is
/// the external id a lead keeps when its payload names none (an email's SES id).
pub fn read(
    connector: &Connector,
    raw: &str,
    content_type: Option<&str>,
    fallback_id: Option<&str>,
) -> Reading {
    let aliases = &connector.field_aliases;
    match connector.provider {
        Provider::Api => match api::payload(raw.as_bytes()) {
            Ok(mut payload) => {
                payload.take("connector_key");
                Reading::Lead(mapping::map(&payload, aliases))
            }
            Err(reason) => Reading::Unreadable(reason),
        },
        Provider::WebsiteForm => match forms::fields(connector, content_type, raw.as_bytes()) {
            Ok(fields) if fields.honeypot.is_some() => {
                Reading::NotALead(forms::HONEYPOT.to_owned())
            }
            Ok(fields) => Reading::Lead(mapping::map(&fields.payload, aliases)),
            Err(err) => Reading::Unreadable(err.to_string()),
        },
        Provider::GoogleAds => match object(raw).and_then(|json| {
            GoogleLead::deserialize(&json).map_err(|err| not_a("Google Ads lead", &err))
        }) {
            Ok(lead) => google::read(&lead, connector),
            Err(reason) => Reading::Unreadable(reason),
        },
        Provider::Meta => match object(raw) {
            Ok(json) => meta(connector, &json, fallback_id),
            Err(reason) => Reading::Unreadable(reason),
        },
        Provider::EmailForward => pipeline::read_email(connector, raw.as_bytes(), fallback_id),
    }
}

fn object(raw: &str) -> Result<Value, String> {
    match serde_json::from_str(raw) {
        Ok(json @ Value::Object(_)) => Ok(json),
        Ok(_) => Err("the payload is not a JSON object".to_owned()),
        Err(err) => Err(not_a("JSON object", &err)),
    }
}

fn not_a(what: &str, err: &serde_json::Error) -> String {
    format!(
        "the payload is not a {what} (line {}, column {})",
        err.line(),
        err.column()
    )
}

/// A Meta lead as the door logs it (`{"change": {...}, "lead": {...}}`, the lead as the
/// Graph API served it) or a Graph lead itself (`{"field_data": [...]}`, a sample).
fn meta(connector: &Connector, json: &Value, fallback_id: Option<&str>) -> Reading {
    let (change, lead) = match json.get("lead") {
        Some(lead) => (json.get("change"), lead),
        None if json.get("field_data").is_some() => (None, json),
        None => {
            return Reading::Unreadable(
                "the lead's answers were never fetched from Meta: resend the lead from Meta's \
                 Leads Center"
                    .to_owned(),
            )
        }
    };
    let lead = match GraphLead::deserialize(lead) {
        Ok(lead) => lead,
        Err(err) => return Reading::Unreadable(not_a("Graph API lead", &err)),
    };
    let change = change
        .and_then(|change| LeadgenChange::deserialize(change).ok())
        .unwrap_or_default();
    let meaningful = |id: &Option<Id>| id.clone().filter(Id::is_meaningful);
    let form_id = meaningful(&change.form_id).or_else(|| meaningful(&lead.form_id));
    if let Some(reason) = other_form(connector, form_id.as_ref()) {
        return Reading::NotALead(reason);
    }
    let leadgen_id = meaningful(&change.leadgen_id)
        .or_else(|| meaningful(&lead.id))
        .map(|id| id.to_string())
        .or_else(|| fallback_id.map(str::to_owned))
        .unwrap_or_default();
    match preset::candidate(&lead, &change, &leadgen_id, &connector.field_aliases) {
        Ok(candidate) => Reading::Lead(candidate),
        Err(err) => Reading::Unreadable(err.to_string()),
    }
}
