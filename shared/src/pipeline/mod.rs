//! The one intake path every door shares: validate → apply the connector's defaults →
//! assign → de-duplicate and store in one transaction → log. Every attempt, whatever
//! its outcome, ends up in the import log, and its [`Outcome`] says which.

mod defaults;
mod limits;
mod outcome;
mod reading;
mod retention;
mod review;
pub mod rules;

pub use defaults::{prepare, Prepared};
pub use limits::MAX_EXTERNAL_ID_BYTES;
pub use outcome::{inactive_reason, Acknowledgement, Outcome, Receipt};
pub use reading::{email_doubt, read_email, settle, Reading};
pub use review::{approve, hold_for_review, hold_for_review_as, needs_review, Doubt};

use crate::clock::Clock;
use crate::domain::{ClientId, ImportId, LeadId, WorkspaceId};
use crate::domain::{
    Connector, FieldError, ImportRecord, ImportStatus, Lead, LeadCandidate, OutsideRules, Provider,
    RequestOrigin,
};
use crate::store::{NewLead, Settles, Store, StoreError, Stored};
use retention::{expiring, payload_expiring};

/// What a door received, kept in the import log as it arrived.
#[derive(Debug, Clone, Default)]
pub struct Delivery<'a> {
    pub raw: &'a str,
    pub origin: RequestOrigin,
}

/// A new import-log entry for one attempt on `connector`.
pub fn record(clock: &Clock, connector: &Connector, delivery: &Delivery) -> ImportRecord {
    let mut record = attempt(
        clock,
        &connector.workspace_id,
        Some(connector.provider),
        delivery,
    );
    record.connector_id = Some(connector.id.clone());
    record.source = Some(connector.source());
    record
}

/// A new import-log entry for an attempt that reached a workspace but no connector.
/// Its status is `failed` until the attempt settles otherwise.
pub fn attempt(
    clock: &Clock,
    workspace_id: &WorkspaceId,
    provider: Option<Provider>,
    delivery: &Delivery,
) -> ImportRecord {
    let (payload, payload_truncated) = ImportRecord::capped_payload(delivery.raw);
    ImportRecord {
        id: ImportId::at(clock),
        workspace_id: workspace_id.clone(),
        connector_id: None,
        provider,
        status: ImportStatus::Failed,
        external_id: None,
        lead_id: None,
        client_id: None,
        review_id: None,
        source: provider.map(|provider| provider.key().to_owned()),
        reason: None,
        errors: Vec::new(),
        warnings: Vec::new(),
        payload,
        payload_truncated,
        origin: delivery.origin.clone(),
        received_at: clock.stamp(),
        retry_of: None,
        retried_by: None,
        retried_at: None,
        expires_at: None,
        payload_expires_at: None,
    }
}

/// Logs an attempt that cannot make a lead, with its reason (and field errors).
pub async fn fail(
    store: &Store,
    record: ImportRecord,
    reason: impl Into<String>,
    errors: Vec<FieldError>,
) -> Result<Outcome, StoreError> {
    fail_settling(store, record, reason, errors, &Settles::Nothing).await
}

/// [`fail`], settling `settles` (an inbound email) in the same write.
pub async fn fail_settling(
    store: &Store,
    record: ImportRecord,
    reason: impl Into<String>,
    errors: Vec<FieldError>,
    settles: &Settles,
) -> Result<Outcome, StoreError> {
    let (record, reason) = settled(record, ImportStatus::Failed, reason.into());
    let record = ImportRecord { errors, ..record };
    let record = expiring(store, record).await?;
    store.log_settling(&record, settles, None).await?;
    Ok(Outcome::Failed {
        import_id: record.id,
        reason,
        errors: record.errors,
    })
}

/// Logs an attempt that makes no lead on purpose (a test lead, a honeypot, another
/// form's lead), with its reason.
pub async fn ignore(
    store: &Store,
    record: ImportRecord,
    reason: impl Into<String>,
) -> Result<Outcome, StoreError> {
    ignore_settling(store, record, reason, &Settles::Nothing).await
}

/// [`ignore`], settling `settles` (an inbound email) in the same write.
pub async fn ignore_settling(
    store: &Store,
    record: ImportRecord,
    reason: impl Into<String>,
    settles: &Settles,
) -> Result<Outcome, StoreError> {
    let (record, reason) = settled(record, ImportStatus::Ignored, reason.into());
    let record = expiring(store, record).await?;
    store.log_settling(&record, settles, None).await?;
    Ok(Outcome::Ignored {
        import_id: record.id,
        reason,
    })
}

fn settled(
    mut record: ImportRecord,
    status: ImportStatus,
    reason: String,
) -> (ImportRecord, String) {
    record.status = status;
    record.reason = Some(reason.clone());
    (record, reason)
}

/// What a stored lead sets going besides itself: speed-to-lead (when its connector has
/// it on) and forwarding to the workspace's destinations. A live delivery starts both;
/// a bulk import of past leads neither, unless asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Aftercare {
    pub speed_to_lead: bool,
    pub forward: bool,
}

impl Aftercare {
    pub const LIVE: Aftercare = Aftercare {
        speed_to_lead: true,
        forward: true,
    };
}

/// What an import settles and sets going besides its lead and entry.
#[derive(Debug, Clone)]
pub struct Options {
    /// What the attempt's own transaction settles besides (the request's
    /// `Idempotency-Key`, the inbound email it came from, a held review): an outcome, its
    /// entry and that are written together or not at all.
    pub settles: Settles,
    /// What a stored lead sets going (a bulk import's row may start neither).
    pub aftercare: Aftercare,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            settles: Settles::Nothing,
            aftercare: Aftercare::LIVE,
        }
    }
}

impl Options {
    /// A live attempt that settles `settles` in its own transaction.
    pub fn settling(settles: Settles) -> Self {
        Self {
            settles,
            ..Self::default()
        }
    }

    /// An attempt that settles nothing and sets going only what `aftercare` says.
    pub fn with_aftercare(aftercare: Aftercare) -> Self {
        Self {
            aftercare,
            ..Self::default()
        }
    }
}

/// Takes one candidate through the whole pipeline on `connector`, its rules included.
/// Only an active connector creates leads; on any other the attempt is logged as
/// [`Outcome::Inactive`].
pub async fn import(
    store: &Store,
    connector: &Connector,
    candidate: LeadCandidate,
    delivery: &Delivery<'_>,
) -> Result<Outcome, StoreError> {
    let entry = record(store.clock(), connector, delivery);
    import_as(store, connector, candidate, entry, Options::default()).await
}

/// [`import`] under an entry made beforehand (a retry's, whose id its old entry names;
/// a held review's), with what it settles and sets going.
pub async fn import_as(
    store: &Store,
    connector: &Connector,
    candidate: LeadCandidate,
    entry: ImportRecord,
    options: Options,
) -> Result<Outcome, StoreError> {
    let Options { settles, aftercare } = options;
    let mut entry = if settles.settles_held_entry() {
        // A held entry keeps the payload it was held with.
        entry
    } else {
        payload_expiring(store, connector, entry).await?
    };
    match limits::external_id(candidate.external_id.as_deref()) {
        Ok(external_id) => entry.external_id = external_id,
        Err((shown, error)) => {
            entry.external_id = Some(shown);
            let reason = error.message.clone();
            return fail_settling(store, entry, reason, vec![error], &settles).await;
        }
    }

    if !connector.is_active() {
        let status = connector.status;
        let reason = inactive_reason(status);
        let failed = fail_settling(store, entry, reason, Vec::new(), &settles).await?;
        let import_id = failed.import_id().clone();
        return Ok(Outcome::Inactive { import_id, status });
    }

    let screened = !connector.rules.is_empty();
    let held = screened.then(|| candidate.clone());
    let prepared = match prepare(store, connector, candidate).await? {
        Ok(prepared) => prepared,
        Err(errors) => {
            let reason = summary(&errors);
            return fail_settling(store, entry, reason, errors, &settles).await;
        }
    };
    let mut counted = false;
    if screened {
        let breach = match rules::breach(&connector.rules, &prepared.lead) {
            Some(breach) => Some(breach),
            None => match rules::take_slot(store, connector).await? {
                rules::Slot::Full(breach) => Some(breach),
                rules::Slot::Taken => {
                    counted = true;
                    None
                }
                rules::Slot::Unlimited => None,
            },
        };
        if let Some(breach) = breach {
            // A redelivery of a lead made before the rules (or the day's cap) said no
            // is still that lead: it replays below.
            let known = match &prepared.lead.external_id {
                Some(id) => store
                    .lead_for_external_id(
                        &connector.workspace_id,
                        connector.provider,
                        id,
                        (
                            prepared.lead.customer_email.as_ref(),
                            prepared.lead.customer_phone.as_ref(),
                        ),
                    )
                    .await?
                    .is_some(),
                None => false,
            };
            if !known {
                return outside_rules(store, connector, held, breach, entry, &settles).await;
            }
        }
    }
    let created_at = entry.received_at.clone();
    let stored = store_lead(
        store,
        connector,
        prepared,
        entry,
        &created_at,
        settles,
        aftercare,
    )
    .await;
    if counted && !matches!(stored, Ok(Outcome::Imported(_))) {
        // No lead was made: the day's count is given back (a crash here keeps it taken,
        // which errs toward fewer leads, never more than the cap).
        rules::release(store, connector).await?;
    }
    stored
}

/// Stores a prepared lead with its import entry and what it settles: imported, or
/// replayed when its external id was seen before (then the entry names the earlier
/// lead). A lead over DynamoDB's limits is a failed attempt, never a retry; for a held
/// entry (a review approval) that is the caller's to answer, as the error.
async fn store_lead(
    store: &Store,
    connector: &Connector,
    prepared: Prepared,
    mut entry: ImportRecord,
    created_at: &str,
    settles: Settles,
    aftercare: Aftercare,
) -> Result<Outcome, StoreError> {
    entry.warnings = prepared.lead.warnings.clone();
    let lead = prepared.into_lead(connector, &entry, created_at, aftercare);
    let mut settled = entry.clone();
    settled.status = ImportStatus::Imported;
    settled.lead_id = Some(lead.id.clone());
    let new = NewLead {
        lead: lead.clone(),
        import: settled,
        intake_category: connector.provider.key().to_owned(),
        settles: settles.clone(),
    };
    let (lead_id, client_id) = match store.create_lead(new).await {
        Ok(Stored::Created(created)) => {
            let mut receipt = Receipt::of(&lead, ImportStatus::Imported, &entry.id);
            receipt.client_id = created.client_id;
            return Ok(Outcome::Imported(receipt));
        }
        Ok(Stored::Duplicate { lead_id, client_id }) => (lead_id, client_id),
        Err(err) if err.is_permanent() && !settles.settles_held_entry() => {
            let reason = format!("the lead cannot be stored: {err}");
            return fail_settling(store, entry, reason, Vec::new(), &settles).await;
        }
        Err(err) => return Err(err),
    };
    entry.status = ImportStatus::Replayed;
    entry.lead_id = Some(lead_id.clone());
    entry.client_id = Some(client_id.clone());
    entry.reason = Some(match entry.reason.take() {
        Some(why) => format!("{why}: {}", outcome::REPLAYED),
        None => outcome::REPLAYED.to_owned(),
    });
    let receipt = Receipt {
        status: ImportStatus::Replayed,
        lead_id,
        client_id,
        import_id: entry.id.clone(),
        assigned_rep: lead.assigned_rep,
        source: lead.source,
    };
    let entry = expiring(store, entry).await?;
    store.log_settling(&entry, &settles, Some(&receipt)).await?;
    Ok(Outcome::Replayed(receipt))
}

/// A lead outside the connector's rules: `failed` with the rule in the reason, or held
/// for a person when the connector says so.
async fn outside_rules(
    store: &Store,
    connector: &Connector,
    candidate: Option<LeadCandidate>,
    breach: rules::Breach,
    entry: ImportRecord,
    settles: &Settles,
) -> Result<Outcome, StoreError> {
    match (connector.rules.outside_rules, candidate) {
        (OutsideRules::Review, Some(candidate)) => {
            let doubt = Doubt::outside_rules(&breach.reason, &entry.payload);
            hold_for_review_as(store, connector, candidate, doubt, entry, settles).await
        }
        _ => {
            let errors = breach
                .field
                .map(|field| vec![FieldError::new(field, breach.reason.clone())])
                .unwrap_or_default();
            fail_settling(store, entry, breach.reason, errors, settles).await
        }
    }
}

/// One line a person can read: `customer_name: a customer name is required; …`.
pub fn summary(errors: &[FieldError]) -> String {
    errors
        .iter()
        .map(|e| format!("{}: {}", e.field, e.message))
        .collect::<Vec<_>>()
        .join("; ")
}

impl Prepared {
    fn into_lead(
        self,
        connector: &Connector,
        entry: &ImportRecord,
        created_at: &str,
        aftercare: Aftercare,
    ) -> Lead {
        let lead = self.lead;
        Lead {
            id: LeadId::new(),
            workspace_id: connector.workspace_id.clone(),
            customer_name: lead.customer_name,
            customer_email: lead.customer_email,
            customer_phone: lead.customer_phone,
            service_address: lead.service_address,
            city: lead.city,
            state: lead.state,
            zip: lead.zip,
            service_interest: lead.service_interest,
            notes: self.notes,
            external_id: lead.external_id,
            trustedform_cert_url: lead.trustedform_cert_url,
            jornaya_leadid: lead.jornaya_leadid,
            source: self.source,
            provider: connector.provider,
            assigned_rep: self.assigned_rep,
            speed_to_lead: connector.speed_to_lead && aftercare.speed_to_lead,
            forward: aftercare.forward,
            connector_id: connector.id.clone(),
            client_id: ClientId::new(),
            import_id: entry.id.clone(),
            custom_fields: lead.custom_fields,
            created_at: created_at.to_owned(),
            followups: Vec::new(),
        }
    }
}
