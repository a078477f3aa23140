use super::{ClientId, ConnectorId, ImportId, LeadId, WorkspaceId};
use super::{Email, FollowUp, JornayaLeadId, PhoneE164, Provider, TrustedFormCert, Zip};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A lead as stored and as `GET /admin/leads/{id}` shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Lead {
    pub id: LeadId,
    pub workspace_id: WorkspaceId,
    pub customer_name: String,
    pub customer_email: Option<Email>,
    pub customer_phone: Option<PhoneE164>,
    pub service_address: Option<String>,
    pub city: Option<String>,
    pub state: Option<String>,
    pub zip: Option<Zip>,
    pub service_interest: Option<String>,
    pub notes: Option<String>,
    pub external_id: Option<String>,
    /// Compliance certificates the source sent, format-checked.
    #[serde(default)]
    pub trustedform_cert_url: Option<TrustedFormCert>,
    #[serde(default)]
    pub jornaya_leadid: Option<JornayaLeadId>,
    pub source: String,
    pub provider: Provider,
    pub assigned_rep: Option<String>,
    pub speed_to_lead: bool,
    /// Whether the lead is forwarded to the workspace's destinations (a bulk import's
    /// past leads are not, unless asked for).
    #[serde(default = "forwarded")]
    pub forward: bool,
    pub connector_id: ConnectorId,
    pub client_id: ClientId,
    pub import_id: ImportId,
    #[serde(default)]
    pub custom_fields: BTreeMap<String, String>,
    pub created_at: String,
    /// What follow-ups were sent, skipped or failed, oldest first.
    #[serde(default)]
    pub followups: Vec<FollowUp>,
}

fn forwarded() -> bool {
    true
}

/// The person behind one or more leads, merged by email and phone.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Client {
    pub id: ClientId,
    pub workspace_id: WorkspaceId,
    pub name: String,
    pub email: Option<Email>,
    pub phone: Option<PhoneE164>,
    pub service_address: Option<String>,
    pub city: Option<String>,
    pub state: Option<String>,
    pub zip: Option<Zip>,
    /// A database-safe intake category, whatever the lead's own source label says.
    pub intake_category: String,
    pub created_at: String,
}

/// A name as search compares it: lower case, words of letters and digits separated by
/// one space (punctuation and extra spaces dropped), at most 100 characters.
pub fn name_key(name: &str) -> String {
    let spaced: String = name
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .flat_map(char::to_lowercase)
        .collect();
    let words: Vec<&str> = spaced.split_whitespace().collect();
    words.join(" ").chars().take(100).collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_name_key_ignores_case_punctuation_and_spacing() {
        assert_eq!(super::name_key("  O'Brien,   PAT-Jo "), "o brien pat jo");
        assert_eq!(super::name_key("José Núñez"), "josé núñez");
        assert_eq!(super::name_key("!!!"), "");
    }
}
