//! A connector's rules over a valid lead (seed 002): a certificate it must carry, the
//! places and products it may be for, and how many a day the connector takes. The
//! first rule a lead breaks is named in the reason of its `failed` entry, or of its
//! hold when the connector sends such leads to review.

use crate::clock::Clock;
use crate::domain::{state_code, CertificateKind, Connector, SourceRules, ValidLead};
use crate::store::{CapDay, Store, StoreError};
use serde::Serialize;

/// The rule a lead falls outside of, and why, in words a person can act on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Breach {
    /// The rule's name under `rules` (`allowed_states`, `daily_cap`, …).
    pub rule: &'static str,
    /// The lead field that breaks it, when one does.
    #[serde(skip)]
    pub field: Option<&'static str>,
    pub reason: String,
}

impl Breach {
    fn new(rule: &'static str, field: Option<&'static str>, detail: String) -> Self {
        Breach {
            rule,
            field,
            reason: format!("outside the rule {rule}: {detail}"),
        }
    }
}

/// The first rule `lead` breaks, apart from the daily cap (which needs the store).
pub fn breach(rules: &SourceRules, lead: &ValidLead) -> Option<Breach> {
    certificate(rules, lead)
        .or_else(|| place(rules, lead))
        .or_else(|| product(rules, lead))
}

fn certificate(rules: &SourceRules, lead: &ValidLead) -> Option<Breach> {
    let required = rules.required_certificate?;
    let (trustedform, jornaya) = (
        lead.trustedform_cert_url.is_some(),
        lead.jornaya_leadid.is_some(),
    );
    let (held, wanted, field) = match required {
        CertificateKind::Trustedform => (
            trustedform,
            "a TrustedForm certificate URL (xxTrustedFormCertUrl)",
            "trustedform_cert_url",
        ),
        CertificateKind::Jornaya => (
            jornaya,
            "a Jornaya LeadiD (universal_leadid)",
            "jornaya_leadid",
        ),
        CertificateKind::Any => (
            trustedform || jornaya,
            "a TrustedForm certificate URL (xxTrustedFormCertUrl) or a Jornaya LeadiD \
             (universal_leadid)",
            "trustedform_cert_url",
        ),
    };
    (!held).then(|| {
        let detail = format!(
            "this source requires {wanted}, and the lead carries no valid one; send it with \
             the lead"
        );
        Breach::new("required_certificate", Some(field), detail)
    })
}

/// Inside the allowed states or ZIP prefixes; with both, inside either.
fn place(rules: &SourceRules, lead: &ValidLead) -> Option<Breach> {
    let (states, prefixes) = (&rules.allowed_states, &rules.allowed_zip_prefixes);
    if states.is_empty() && prefixes.is_empty() {
        return None;
    }
    let state = lead
        .state
        .as_deref()
        .map(|s| state_code(s).map_or_else(|| s.trim().to_uppercase(), str::to_owned));
    let zip = lead.zip.as_ref().map(|zip| zip.as_ref().to_uppercase());
    let in_state = state
        .as_deref()
        .is_some_and(|state| states.iter().any(|allowed| allowed == state));
    let in_zip = zip.as_deref().is_some_and(|zip| {
        prefixes
            .iter()
            .any(|prefix| zip.starts_with(&prefix.to_uppercase()))
    });
    if in_state || in_zip {
        return None;
    }
    let (rule, field) = match (states.is_empty(), prefixes.is_empty()) {
        (false, true) => ("allowed_states", "state"),
        (true, false) => ("allowed_zip_prefixes", "zip"),
        _ => ("allowed_states", "state"),
    };
    let sent = match (&state, &zip) {
        (None, None) => "the lead has no state or ZIP".to_owned(),
        (state, zip) => {
            let parts: Vec<String> = [
                state.as_ref().map(|s| format!("state '{s}'")),
                zip.as_ref().map(|z| format!("ZIP '{z}'")),
            ]
            .into_iter()
            .flatten()
            .collect();
            format!("{} is outside this source's area", parts.join(" and "))
        }
    };
    let mut area = Vec::new();
    if !states.is_empty() {
        area.push(format!("states {}", states.join(", ")));
    }
    if !prefixes.is_empty() {
        area.push(format!("ZIP prefixes {}", prefixes.join(", ")));
    }
    let detail = format!("{sent} (allowed: {})", area.join("; "));
    Some(Breach::new(rule, Some(field), detail))
}

fn product(rules: &SourceRules, lead: &ValidLead) -> Option<Breach> {
    let allowed = &rules.allowed_products;
    if allowed.is_empty() {
        return None;
    }
    let normalized = |text: &str| {
        text.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase()
    };
    let allowed_set: Vec<String> = allowed.iter().map(|a| normalized(a)).collect();
    let interest = lead.service_interest.as_deref().unwrap_or_default();
    let whole = std::iter::once(interest);
    let matches = whole
        .chain(interest.split(','))
        .map(normalized)
        .any(|part| !part.is_empty() && allowed_set.contains(&part));
    if matches {
        return None;
    }
    let sent = match interest.trim() {
        "" => "the lead names no product (service_interest)".to_owned(),
        interest => format!("service_interest '{interest}' is not an allowed product"),
    };
    let detail = format!("{sent} (allowed: {})", allowed.join(", "));
    Some(Breach::new(
        "allowed_products",
        Some("service_interest"),
        detail,
    ))
}

/// The counter of the connector's current UTC day, kept two days past its end.
fn cap_day<'a>(clock: &Clock, connector: &'a Connector) -> CapDay<'a> {
    let now = clock.now();
    let midnight = now.date_naive().and_hms_opt(0, 0, 0).unwrap_or_default();
    CapDay {
        workspace_id: &connector.workspace_id,
        connector_id: &connector.id,
        day: now.format("%Y-%m-%d").to_string(),
        expires_at: midnight.and_utc().timestamp() + 3 * 24 * 60 * 60,
    }
}

fn cap_breach(cap: u32, day: &str) -> Breach {
    let detail = format!(
        "this source already sent its {cap} lead(s) for {day} (UTC); the count starts again \
         at midnight UTC"
    );
    Breach::new("daily_cap", None, detail)
}

/// What the daily cap says of one more lead.
#[derive(Debug)]
pub enum Slot {
    /// No cap.
    Unlimited,
    /// Counted: give it back with [`release`] if no lead is made.
    Taken,
    /// The day's cap is reached.
    Full(Breach),
}

/// Counts one more lead against the connector's daily cap, if it has one.
pub async fn take_slot(store: &Store, connector: &Connector) -> Result<Slot, StoreError> {
    let Some(cap) = connector.rules.daily_cap else {
        return Ok(Slot::Unlimited);
    };
    let day = cap_day(store.clock(), connector);
    if store.take_cap_slot(&day, cap).await? {
        return Ok(Slot::Taken);
    }
    Ok(Slot::Full(cap_breach(cap, &day.day)))
}

/// Gives back a slot [`take_slot`] counted for a lead that was not made.
pub async fn release(store: &Store, connector: &Connector) -> Result<(), StoreError> {
    store
        .release_cap_slot(&cap_day(store.clock(), connector))
        .await
}

/// The rule one more such lead would break now, the daily cap included; nothing is
/// counted (Test Import).
pub async fn would_breach(
    store: &Store,
    connector: &Connector,
    lead: &ValidLead,
) -> Result<Option<Breach>, StoreError> {
    if let Some(breach) = breach(&connector.rules, lead) {
        return Ok(Some(breach));
    }
    let Some(cap) = connector.rules.daily_cap else {
        return Ok(None);
    };
    let day = cap_day(store.clock(), connector);
    let count = store.cap_count(&day).await?;
    Ok((count >= u64::from(cap)).then(|| cap_breach(cap, &day.day)))
}

#[cfg(test)]
mod tests;
