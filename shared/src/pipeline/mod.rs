//! The one intake path every door shares: validate → apply the connector's defaults →
//! assign → de-duplicate and store in one transaction → log. Every attempt, whatever
//! its outcome, ends up in the import log, and its [`Outcome`] says which.

mod attempt;
mod defaults;
mod limits;
mod options;
mod outcome;
mod reading;
mod retention;
mod review;
pub mod rules;

pub use attempt::{attempt, fail, fail_settling, ignore, ignore_settling, record, Delivery};
pub use defaults::{prepare, Prepared};
pub use limits::MAX_EXTERNAL_ID_BYTES;
pub use options::{Aftercare, Options};
pub use outcome::{inactive_reason, Acknowledgement, Outcome, Receipt};
pub use reading::{email_doubt, read_email, settle, Reading};
pub use review::{approve, hold_for_review, hold_for_review_as, needs_review, Doubt};

use crate::domain::{
    ClientId, Connector, FieldError, ImportRecord, ImportStatus, Lead, LeadCandidate, LeadId,
    OutsideRules,
};
use crate::store::{NewLead, Settles, Store, StoreError, Stored};
use retention::{expiring, payload_expiring};

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
