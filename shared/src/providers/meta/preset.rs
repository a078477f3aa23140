//! The Meta preset: a Graph API lead's `field_data` as label/value pairs, then the
//! connector's aliases and the standard names, `leadgen_id` as the external id, and
//! the ad context as custom fields.

use super::graph::GraphLead;
use super::webhook::LeadgenChange;
use crate::domain::LeadCandidate;
use crate::mapping::{self, Payload, PayloadError};
use crate::providers::ids::Id;
use std::collections::BTreeMap;

/// `field_data` name → its values joined with `", "`, as sent (multiple-choice answers
/// stay the option keys Meta sends).
pub fn payload(lead: &GraphLead) -> Result<Payload, PayloadError> {
    Payload::from_pairs(
        lead.field_data
            .iter()
            .map(|datum| (datum.name.trim().to_owned(), joined(&datum.values))),
    )
}

fn joined(values: &[serde_json::Value]) -> String {
    values
        .iter()
        .filter_map(|value| match value {
            serde_json::Value::String(text) => Some(text.trim().to_owned()),
            serde_json::Value::Null => None,
            other => Some(other.to_string()),
        })
        .filter(|text| !text.is_empty())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The candidate for one lead of one change, mapped through `aliases`.
pub fn candidate(
    lead: &GraphLead,
    change: &LeadgenChange,
    leadgen_id: &str,
    aliases: &BTreeMap<String, String>,
) -> Result<LeadCandidate, PayloadError> {
    let mut candidate = mapping::map(&payload(lead)?, aliases);
    candidate.external_id = Some(leadgen_id.to_owned());
    let either = |a: &Option<Id>, b: &Option<Id>| a.clone().or_else(|| b.clone());
    let context = [
        ("meta_ad_id", either(&lead.ad_id, &change.ad_id)),
        ("meta_adgroup_id", change.adgroup_id.clone()),
        ("meta_form_id", either(&lead.form_id, &change.form_id)),
        ("meta_campaign_id", lead.campaign_id.clone()),
        ("meta_page_id", change.page_id.clone()),
    ];
    for (label, id) in context {
        if let Some(id) = id.filter(Id::is_meaningful) {
            candidate
                .custom_fields
                .entry(label.to_owned())
                .or_insert_with(|| id.to_string());
        }
    }
    if let Some(created) = lead.created_time.as_deref().filter(|t| !t.is_empty()) {
        candidate
            .custom_fields
            .entry("meta_created_time".to_owned())
            .or_insert_with(|| created.to_owned());
    }
    Ok(candidate)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn lead() -> GraphLead {
        serde_json::from_value(json!({
            "id": "444",
            "created_time": "2026-01-05T10:00:00+0000",
            "form_id": "555",
            "field_data": [
                {"name": "full_name", "values": ["Pat Example"]},
                {"name": "email", "values": ["pat@example.com"]},
                {"name": "phone_number", "values": ["+17175550123"]},
                {"name": "zip_code", "values": ["17601"]},
                {"name": "street_address", "values": ["123 Main St"]},
                {"name": "which_services?", "values": ["house_wash", "roof_cleaning"]},
                {"name": "budget", "values": [5000]},
                {"name": "empty", "values": []}
            ]
        }))
        .unwrap()
    }

    #[test]
    fn field_data_maps_to_standard_fields_and_keeps_custom_answers_as_sent() {
        let change = LeadgenChange {
            page_id: Some("111".into()),
            adgroup_id: Some("0".into()),
            ..Default::default()
        };
        let candidate = candidate(&lead(), &change, "444", &BTreeMap::new()).unwrap();
        assert_eq!(candidate.customer_name.as_deref(), Some("Pat Example"));
        assert_eq!(candidate.customer_email.as_deref(), Some("pat@example.com"));
        assert_eq!(candidate.zip.as_deref(), Some("17601"));
        assert_eq!(candidate.service_address.as_deref(), Some("123 Main St"));
        assert_eq!(candidate.external_id.as_deref(), Some("444"));
        let custom = &candidate.custom_fields;
        assert_eq!(custom["which_services?"], "house_wash, roof_cleaning");
        assert_eq!(custom["budget"], "5000");
        assert_eq!(custom["meta_form_id"], "555");
        assert_eq!(custom["meta_page_id"], "111");
        assert!(
            !custom.contains_key("meta_ad_id"),
            "organic leads have no ad"
        );
        assert!(!custom.contains_key("meta_adgroup_id"));
        assert!(!custom.contains_key("empty"));
    }

    #[test]
    fn connector_aliases_apply_to_meta_question_names() {
        let aliases =
            BTreeMap::from([("which_services?".to_owned(), "service_interest".to_owned())]);
        let candidate = candidate(&lead(), &LeadgenChange::default(), "444", &aliases).unwrap();
        assert_eq!(
            candidate.service_interest.as_deref(),
            Some("house_wash, roof_cleaning")
        );
    }
}
