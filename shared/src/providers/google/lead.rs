//! Google Ads lead form webhook payload (`WebhookLead`) and its preset: standard
//! questions by `column_id`, custom ones by `column_name`, `lead_id` as the external id.

use crate::domain::LeadCandidate;
use crate::mapping::{self, Field, Payload, PayloadError};
use crate::providers::ids::{Flag, Id};
use serde::Deserialize;
use std::collections::BTreeMap;
use subtle::ConstantTimeEq;

/// One delivery as Google sends it. Unknown and newer fields are accepted.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct GoogleLead {
    pub lead_id: Option<Id>,
    pub api_version: Option<Id>,
    pub form_id: Option<Id>,
    pub campaign_id: Option<Id>,
    pub google_key: Option<Id>,
    pub is_test: Flag,
    pub gcl_id: Option<String>,
    pub adgroup_id: Option<Id>,
    pub creative_id: Option<Id>,
    pub asset_group_id: Option<Id>,
    pub lead_stage: Option<String>,
    pub lead_submit_time: Option<String>,
    pub user_column_data: Vec<Column>,
}

/// One answer. `column_name` is not always sent.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Column {
    pub column_name: Option<String>,
    pub string_value: Option<serde_json::Value>,
    pub column_id: Option<String>,
}

/// Google column ids the standard synonyms do not already know, as the label they mean.
const TRANSLATED_COLUMNS: [(&str, &str); 2] = [
    ("WORK_PHONE", "work_phone_number"),
    ("SECONDARY_PHONE_NUMBER", "secondary_phone"),
];

impl Column {
    /// A standard question by its `column_id` (the same in every language); any other
    /// by the question as asked, else its id.
    fn label(&self) -> Option<String> {
        let id = self
            .column_id
            .as_deref()
            .map(str::trim)
            .filter(|id| !id.is_empty());
        if let Some(id) = id {
            if let Some((_, label)) = TRANSLATED_COLUMNS.iter().find(|(google, _)| *google == id) {
                return Some((*label).to_owned());
            }
            if Field::from_label(id).is_some() {
                return Some(id.to_owned());
            }
        }
        let name = self
            .column_name
            .as_deref()
            .map(str::trim)
            .filter(|n| !n.is_empty());
        name.or(id).map(str::to_owned)
    }

    fn value(&self) -> String {
        match &self.string_value {
            Some(serde_json::Value::String(text)) => text.trim().to_owned(),
            Some(serde_json::Value::Null) | None => String::new(),
            Some(other) => other.to_string(),
        }
    }
}

impl GoogleLead {
    /// Whether `google_key` is the connector's key, compared in constant time.
    pub fn key_matches(&self, expected: &str) -> bool {
        let sent = self.google_key.as_ref().map(Id::as_str).unwrap_or_default();
        let equal: bool = sent.as_bytes().ct_eq(expected.as_bytes()).into();
        !expected.is_empty() && equal
    }

    pub fn payload(&self) -> Result<Payload, PayloadError> {
        Payload::from_pairs(
            self.user_column_data
                .iter()
                .filter_map(|column| Some((column.label()?, column.value()))),
        )
    }

    /// The candidate, mapped through `aliases`, with the ad context as custom fields.
    pub fn candidate(
        &self,
        aliases: &BTreeMap<String, String>,
    ) -> Result<LeadCandidate, PayloadError> {
        let mut candidate = mapping::map(&self.payload()?, aliases);
        candidate.external_id = self
            .lead_id
            .as_ref()
            .filter(|id| id.is_meaningful())
            .map(Id::to_string);
        let ids = [
            ("google_form_id", &self.form_id),
            ("google_campaign_id", &self.campaign_id),
            ("google_adgroup_id", &self.adgroup_id),
            ("google_creative_id", &self.creative_id),
            ("google_asset_group_id", &self.asset_group_id),
        ];
        let ids = ids.into_iter().filter_map(|(label, id)| {
            let id = id.as_ref().filter(|id| id.is_meaningful())?;
            Some((label, id.to_string()))
        });
        let texts = [
            ("google_gcl_id", &self.gcl_id),
            ("google_lead_stage", &self.lead_stage),
            ("google_lead_submit_time", &self.lead_submit_time),
        ];
        let texts = texts.into_iter().filter_map(|(label, text)| {
            let text = text.as_deref().map(str::trim).filter(|t| !t.is_empty())?;
            Some((label, text.to_owned()))
        });
        for (label, value) in ids.chain(texts) {
            candidate
                .custom_fields
                .entry(label.to_owned())
                .or_insert(value);
        }
        Ok(candidate)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn lead() -> GoogleLead {
        serde_json::from_value(json!({
            "lead_id": "TeSter-123",
            "api_version": "1.0",
            "form_id": 40000000000_i64,
            "campaign_id": "12345",
            "google_key": "secret",
            "is_test": "false",
            "gcl_id": "gcl-1",
            "adgroup_id": 0,
            "creative_id": 0,
            "lead_submit_time": "2026-01-05T10:00:00Z",
            "brand_new_field": {"anything": true},
            "user_column_data": [
                {"column_name": "Full Name", "string_value": "Pat Example", "column_id": "FULL_NAME"},
                {"column_name": "User Email", "string_value": "pat@example.com", "column_id": "EMAIL"},
                {"string_value": "+17175550123", "column_id": "PHONE_NUMBER"},
                {"column_name": "Postal Code", "string_value": "17601", "column_id": "POSTAL_CODE"},
                {"column_name": "Region", "string_value": "PA", "column_id": "REGION"},
                {"column_name": "Which service?", "string_value": "House Wash", "column_id": "which_service"},
                {"string_value": "", "column_id": "CITY"}
            ]
        }))
        .unwrap()
    }

    #[test]
    fn standard_columns_map_by_id_and_custom_questions_keep_their_wording() {
        let candidate = lead().candidate(&BTreeMap::new()).unwrap();
        assert_eq!(candidate.customer_name.as_deref(), Some("Pat Example"));
        assert_eq!(candidate.customer_email.as_deref(), Some("pat@example.com"));
        assert_eq!(candidate.customer_phone.as_deref(), Some("+17175550123"));
        assert_eq!(candidate.zip.as_deref(), Some("17601"));
        assert_eq!(candidate.state.as_deref(), Some("PA"));
        assert_eq!(candidate.city, None);
        assert_eq!(candidate.external_id.as_deref(), Some("TeSter-123"));
        let custom = &candidate.custom_fields;
        assert_eq!(custom["Which service?"], "House Wash");
        assert_eq!(custom["google_form_id"], "40000000000");
        assert_eq!(custom["google_gcl_id"], "gcl-1");
        assert!(
            !custom.contains_key("google_adgroup_id"),
            "zero ids are none"
        );
    }

    #[test]
    fn the_key_must_match_exactly() {
        let lead = lead();
        assert!(lead.key_matches("secret"));
        assert!(!lead.key_matches("secreT"));
        assert!(!lead.key_matches("secret2"));
        assert!(!lead.key_matches(""));
        assert!(!GoogleLead::default().key_matches("secret"));
        assert!(!lead.is_test.0);
    }
}
