//! The connector's defaults: source label, notes prefix, assignment.

use crate::domain::{Connector, FieldError, LeadCandidate, ValidLead};
use crate::store::{Store, StoreError};

/// A valid lead with the connector's defaults applied: what would be stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Prepared {
    pub lead: ValidLead,
    pub source: String,
    pub notes: Option<String>,
    pub assigned_rep: Option<String>,
    pub speed_to_lead: bool,
}

/// Validates a candidate and applies the connector's defaults. The rep is the
/// connector's own, else the territory of the lead's ZIP, else nobody.
pub async fn prepare(
    store: &Store,
    connector: &Connector,
    candidate: LeadCandidate,
) -> Result<Result<Prepared, Vec<FieldError>>, StoreError> {
    let lead = match ValidLead::try_from(candidate) {
        Ok(lead) => lead,
        Err(errors) => return Ok(Err(errors)),
    };
    let assigned_rep = match (&connector.assigned_rep, &lead.zip) {
        (Some(rep), _) if !rep.trim().is_empty() => Some(rep.trim().to_owned()),
        (_, Some(zip)) => {
            store
                .territory_rep(&connector.workspace_id, zip.territory_key())
                .await?
        }
        _ => None,
    };
    Ok(Ok(Prepared {
        notes: prefixed_notes(connector.notes_prefix.as_deref(), lead.notes.as_deref()),
        source: connector.source(),
        assigned_rep,
        speed_to_lead: connector.speed_to_lead,
        lead,
    }))
}

fn prefixed_notes(prefix: Option<&str>, notes: Option<&str>) -> Option<String> {
    let prefix = prefix.map(str::trim).filter(|p| !p.is_empty());
    match (prefix, notes) {
        (Some(prefix), Some(notes)) => Some(format!("{prefix} {notes}")),
        (Some(prefix), None) => Some(prefix.to_owned()),
        (None, notes) => notes.map(str::to_owned),
    }
}

#[cfg(test)]
mod tests {
    use super::prefixed_notes;

    #[test]
    fn the_notes_prefix_leads_the_notes() {
        assert_eq!(
            prefixed_notes(Some("[Web]"), Some("Call me")).as_deref(),
            Some("[Web] Call me")
        );
        assert_eq!(
            prefixed_notes(Some(" [Web] "), None).as_deref(),
            Some("[Web]")
        );
        assert_eq!(
            prefixed_notes(Some(""), Some("Call me")).as_deref(),
            Some("Call me")
        );
        assert_eq!(prefixed_notes(None, None), None);
    }
}
