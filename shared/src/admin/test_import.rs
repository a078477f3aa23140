//! Run Test Import: a sample goes through mapping, validation, defaults and
//! assignment exactly as a delivery would, and the answer says what would happen.
//! Nothing is written: the external-id check is a read.

use super::input::Fields;
use super::{presets, AdminContext, AdminError};
use crate::domain::{
    Connector, ConnectorId, ConnectorStatus, Email, FieldError, JornayaLeadId, LeadCandidate,
    LeadId, OutsideRules, PhoneE164, Provider, TrustedFormCert, Zip,
};
use crate::mapping::{self, Payload};
use crate::pipeline::rules::{self, Breach};
use crate::pipeline::{self, Prepared, Reading};
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Would {
    Imported,
    Replayed,
    Failed,
    ReviewRequired,
    /// No lead on purpose, as the door would log it (a Google test lead, a honeypot).
    Ignored,
}

/// The lead that would be stored, with the connector's defaults applied.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LeadPreview {
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
    pub trustedform_cert_url: Option<TrustedFormCert>,
    pub jornaya_leadid: Option<JornayaLeadId>,
    pub source: String,
    pub assigned_rep: Option<String>,
    pub speed_to_lead: bool,
    pub custom_fields: BTreeMap<String, String>,
}

impl From<Prepared> for LeadPreview {
    fn from(prepared: Prepared) -> Self {
        let lead = prepared.lead;
        Self {
            customer_name: lead.customer_name,
            customer_email: lead.customer_email,
            customer_phone: lead.customer_phone,
            service_address: lead.service_address,
            city: lead.city,
            state: lead.state,
            zip: lead.zip,
            service_interest: lead.service_interest,
            notes: prepared.notes,
            external_id: lead.external_id,
            trustedform_cert_url: lead.trustedform_cert_url,
            jornaya_leadid: lead.jornaya_leadid,
            source: prepared.source,
            assigned_rep: prepared.assigned_rep,
            speed_to_lead: prepared.speed_to_lead,
            custom_fields: lead.custom_fields,
        }
    }
}

/// What the email parser read from a raw message.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EmailReading {
    pub confidence: f64,
    pub review_threshold: Option<f64>,
    pub reasons: Vec<String>,
    pub sender: Option<String>,
    pub subject: Option<String>,
    pub message_id: Option<String>,
    pub preview: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TestImport {
    pub would: Would,
    pub reason: Option<String>,
    pub connector_status: ConnectorStatus,
    /// The mapped fields, before validation.
    pub candidate: LeadCandidate,
    pub lead: Option<LeadPreview>,
    pub source: String,
    pub notes: Option<String>,
    pub assigned_rep: Option<String>,
    /// The lead an earlier delivery with the same external id created.
    pub existing_lead_id: Option<LeadId>,
    /// The connector's rule the lead would break, and why.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule: Option<Breach>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
    /// Values that would be kept as custom fields because they do not validate.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<FieldError>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notices: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<EmailReading>,
}

/// `{"payload": {...}}`, or for email-forward connectors `{"raw_email": "..."}`.
pub async fn test_import(
    ctx: &AdminContext<'_>,
    connector_id: &ConnectorId,
    body: Value,
) -> Result<TestImport, AdminError> {
    let connector = ctx
        .store
        .connector(ctx.workspace_id, connector_id)
        .await?
        .ok_or(AdminError::NotFound("connector"))?;
    let mut fields = Fields::new(body)?;
    let payload = fields.any("payload");
    let raw_email = fields.any("raw_email");
    fields.finish()?;
    let json = match (payload, raw_email) {
        (Some(payload @ Value::Object(_)), None) => payload,
        (Some(_), None) => return Err(AdminError::field("payload", "must be a JSON object")),
        (None, Some(_)) if connector.provider != Provider::EmailForward => {
            return Err(AdminError::field(
                "raw_email",
                "applies to email_forward connectors; send a payload instead",
            ))
        }
        (None, Some(Value::String(raw))) => {
            let (candidate, email) = read_email(&connector, &raw);
            return evaluate(ctx, &connector, candidate, Some(email)).await;
        }
        (None, Some(_)) => {
            return Err(AdminError::field(
                "raw_email",
                "must be the raw RFC 822 message as a string",
            ))
        }
        (Some(_), Some(_)) => {
            return Err(AdminError::field(
                "payload",
                "send either payload or raw_email, not both",
            ))
        }
        (None, None) => {
            return Err(AdminError::field(
                "payload",
                "is required: the sample the provider would send",
            ))
        }
    };
    if connector.provider == Provider::EmailForward {
        let payload = Payload::from_json(&json)
            .map_err(|err| AdminError::field("payload", err.to_string()))?;
        let candidate = mapping::map(&payload, &connector.field_aliases);
        return evaluate(ctx, &connector, candidate, None).await;
    }
    // Meta `field_data`, Google `user_column_data`, API and form fields: each through
    // its provider's preset, as a live delivery.
    let raw = json.to_string();
    match presets::read(&connector, &raw, Some("application/json"), None) {
        Reading::Lead(candidate) => evaluate(ctx, &connector, candidate, None).await,
        Reading::Email(candidate, _) => evaluate(ctx, &connector, candidate, None).await,
        Reading::NotALead(reason) => Ok(not_a_lead(&connector, Would::Ignored, reason)),
        Reading::Unreadable(reason) => Ok(not_a_lead(&connector, Would::Failed, reason)),
    }
}

/// The answer for a sample that makes no lead before validation.
fn not_a_lead(connector: &Connector, would: Would, reason: String) -> TestImport {
    TestImport {
        would,
        reason: Some(reason),
        ..answer(connector, LeadCandidate::default(), None)
    }
}

/// What a sample would do before it is validated: nothing yet.
fn answer(
    connector: &Connector,
    candidate: LeadCandidate,
    email: Option<EmailReading>,
) -> TestImport {
    let mut notices = Vec::new();
    if !connector.is_active() {
        notices.push(format!(
            "the connector is {}: live deliveries are refused until it is active",
            connector.status.key()
        ));
    }
    TestImport {
        would: Would::Failed,
        reason: None,
        connector_status: connector.status,
        candidate,
        lead: None,
        source: connector.source(),
        notes: None,
        assigned_rep: None,
        existing_lead_id: None,
        rule: None,
        errors: Vec::new(),
        warnings: Vec::new(),
        notices,
        email,
    }
}

/// The parser's reading of a raw message, with the message id as the external id when
/// the body names none (as the email door does).
fn read_email(connector: &Connector, raw: &str) -> (LeadCandidate, EmailReading) {
    let parsed = crate::email::parse_email(raw.as_bytes(), &connector.field_aliases);
    let message_id = parsed.message_id.clone();
    let (candidate, doubt) = pipeline::email_doubt(parsed, None);
    let reading = EmailReading {
        confidence: doubt.confidence,
        review_threshold: connector.review_threshold,
        reasons: doubt.reasons,
        sender: doubt.sender,
        subject: doubt.subject,
        message_id,
        preview: doubt.preview,
    };
    (candidate, reading)
}

async fn evaluate(
    ctx: &AdminContext<'_>,
    connector: &Connector,
    candidate: LeadCandidate,
    email: Option<EmailReading>,
) -> Result<TestImport, AdminError> {
    let held = email
        .as_ref()
        .is_some_and(|email| pipeline::needs_review(connector, email.confidence));
    let mut answer = answer(connector, candidate.clone(), email);
    let prepared = match pipeline::prepare(ctx.store, connector, candidate).await? {
        Ok(prepared) => prepared,
        Err(errors) if held => {
            answer.would = Would::ReviewRequired;
            answer.reason = Some(held_reason(&answer));
            answer.errors = errors;
            return Ok(answer);
        }
        Err(errors) => {
            answer.reason = Some(pipeline::summary(&errors));
            answer.errors = errors;
            return Ok(answer);
        }
    };
    let lead = &prepared.lead;
    if let Some(external_id) = &lead.external_id {
        let contact = (lead.customer_email.as_ref(), lead.customer_phone.as_ref());
        answer.existing_lead_id = ctx
            .store
            .lead_for_external_id(ctx.workspace_id, connector.provider, external_id, contact)
            .await?;
    }
    answer.would = match answer.existing_lead_id {
        Some(_) => {
            answer.reason = Some("external id seen before: the earlier lead stands".to_owned());
            Would::Replayed
        }
        None => Would::Imported,
    };
    if held {
        answer.would = Would::ReviewRequired;
        answer.reason = Some(held_reason(&answer));
    } else if answer.existing_lead_id.is_none() {
        let breach = rules::would_breach(ctx.store, connector, &prepared.lead).await?;
        if let Some(breach) = breach {
            answer.would = match connector.rules.outside_rules {
                OutsideRules::Review => Would::ReviewRequired,
                OutsideRules::Fail => Would::Failed,
            };
            answer.reason = Some(breach.reason.clone());
            answer.rule = Some(breach);
        }
    }
    answer.warnings = prepared.lead.warnings.clone();
    answer.notes = prepared.notes.clone();
    answer.assigned_rep = prepared.assigned_rep.clone();
    answer.lead = Some(LeadPreview::from(prepared));
    Ok(answer)
}

/// Why a parse would wait for a person; approving it would give `lead`.
fn held_reason(answer: &TestImport) -> String {
    let Some(email) = &answer.email else {
        return "held for review".to_owned();
    };
    let mut reason = format!(
        "confidence {:.2} below the review threshold {:.2}",
        email.confidence,
        email.review_threshold.unwrap_or_default()
    );
    if !email.reasons.is_empty() {
        reason.push_str(&format!(": {}", email.reasons.join(", ")));
    }
    reason
}
