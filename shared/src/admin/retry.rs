//! Re-running failed imports: a `failed` entry's stored payload through its provider's
//! preset and the connector's current mapping, once (`POST /admin/imports/{id}/retry`),
//! or every failed entry a filter names (`POST /admin/imports/retry`).
//!
//! Single use: the old entry is claimed for its retry with one conditional write that
//! names the new entry, before the pipeline runs; a second retry finds the claim (409).
//! The external id still makes one lead however often a payload is re-run.

use super::input::Fields;
use super::leads::time;
use super::{presets, AdminContext, AdminError};
use crate::domain::{Connector, ImportId, ImportRecord, ImportStatus, Provider, Transport};
use crate::pipeline::{self, Acknowledgement, Delivery, Reading};
use crate::store::{RetrySelection, Settles};
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeMap;

/// How long a claim stands before another retry may take it over when the entry it
/// names was never written (its retry stopped in between): longer than any run.
const CLAIM_LAPSES_AFTER: chrono::Duration = chrono::Duration::minutes(15);

/// A retry's outcome: the new entry, and the failed one it re-ran.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Retried {
    pub retry_of: ImportId,
    #[serde(flatten)]
    pub outcome: Acknowledgement,
}

/// `POST /admin/imports/{id}/retry`.
pub async fn retry_import(
    ctx: &AdminContext<'_>,
    import_id: &ImportId,
) -> Result<Retried, AdminError> {
    let entry = ctx
        .store
        .import(ctx.workspace_id, import_id)
        .await?
        .ok_or(AdminError::NotFound("import"))?;
    Box::pin(retry(ctx, entry, None)).await
}

fn refuse(reason: impl Into<String>) -> AdminError {
    AdminError::Conflict(reason.into())
}

/// Re-runs `entry`; `retention` is the workspace's, when the caller read it already.
async fn retry(
    ctx: &AdminContext<'_>,
    entry: ImportRecord,
    retention: Option<u32>,
) -> Result<Retried, AdminError> {
    let replacing = unclaimed(ctx, &entry).await?;
    let entry = ctx.store.with_payload(entry).await?;
    if entry.payload_truncated || entry.payload.trim().is_empty() {
        return Err(refuse(
            "the entry's payload was not kept whole (empty, cut at 16 KiB or past the workspace's retention): it cannot be re-run",
        ));
    }
    let mut connector = connector_for(ctx, &entry).await?;
    connector.workspace_retention_days = retention;
    let content_type = entry.origin.content_type.as_deref();
    let fallback_id = entry.external_id.as_deref();
    let reading = presets::read(&connector, &entry.payload, content_type, fallback_id);
    if let Reading::Unreadable(reason) = &reading {
        return Err(refuse(format!(
            "the stored payload cannot be re-run: {reason}"
        )));
    }
    let delivery = Delivery {
        raw: &entry.payload,
        origin: entry.origin.clone(),
    };
    let mut new = pipeline::record(ctx.store.clock(), &connector, &delivery);
    new.retry_of = Some(entry.id.clone());
    let new_id = new.id.clone();
    let store = ctx.store;
    let claimed = store.claim_retry(ctx.workspace_id, &entry.id, &new_id, replacing.as_ref());
    if !claimed.await? {
        return Err(refuse(
            "this entry was re-run meanwhile: a retry is single-use",
        ));
    }
    match pipeline::settle(store, &connector, reading, new, Settles::Nothing).await {
        Ok(outcome) => Ok(Retried {
            retry_of: entry.id,
            outcome: Acknowledgement::from(&outcome),
        }),
        Err(err) => {
            // Nothing was written under the new entry: the claim is given back.
            let released = store.release_retry(ctx.workspace_id, &entry.id, &new_id);
            if let Err(release) = released.await {
                tracing::warn!(error = %release, "retry claim not released; it lapses on its own");
            }
            Err(err.into())
        }
    }
}

/// Refuses an entry that is not failed or was re-run; answers the claim of a retry that
/// stopped before writing its entry, which may be taken over once it lapsed.
async fn unclaimed(
    ctx: &AdminContext<'_>,
    entry: &ImportRecord,
) -> Result<Option<ImportId>, AdminError> {
    if entry.status != ImportStatus::Failed {
        return Err(refuse(format!(
            "only a failed entry can be re-run; this one is {}",
            entry.status.key()
        )));
    }
    let Some(retry) = &entry.retried_by else {
        return Ok(None);
    };
    let claimed_at = entry.retried_at.as_deref().map(|at| time("retried_at", at));
    let lapsed = claimed_at
        .and_then(Result::ok)
        .is_some_and(|at| at + CLAIM_LAPSES_AFTER < ctx.store.clock().now());
    if lapsed && ctx.store.import(ctx.workspace_id, retry).await?.is_none() {
        return Ok(Some(retry.clone()));
    }
    Err(refuse(format!(
        "this entry was already re-run as import {retry}: a retry is single-use"
    )))
}

/// The connector a retry runs on: the entry's own, else the one its door would find
/// now (the active email-forward connector, the API connector its `connector_key`
/// names). It must be active.
async fn connector_for(
    ctx: &AdminContext<'_>,
    entry: &ImportRecord,
) -> Result<Connector, AdminError> {
    let (store, ws) = (ctx.store, ctx.workspace_id);
    let connector = match (&entry.connector_id, entry.provider) {
        (Some(id), _) => store.connector(ws, id).await?.ok_or_else(|| {
            refuse("the entry's connector was deleted: its payload cannot be re-run")
        })?,
        (None, Some(Provider::EmailForward)) => store
            .active_connector(ws, Provider::EmailForward, Transport::EmailInbound)
            .await?
            .ok_or_else(|| {
                refuse("no email-forward connector is active: activate one, then re-run")
            })?,
        (None, Some(Provider::Api)) => {
            let key = crate::api::payload(entry.payload.as_bytes())
                .ok()
                .and_then(|mut payload| payload.take("connector_key"));
            crate::api::connector(store, ws, key)
                .await?
                .map_err(|problem| refuse(format!("{problem}: the entry cannot be re-run")))?
        }
        _ => return Err(refuse("the entry names no connector: it cannot be re-run")),
    };
    if !connector.is_active() {
        return Err(refuse(format!(
            "the connector is {}: activate it, then re-run",
            connector.status.key()
        )));
    }
    Ok(connector)
}

/// One entry a bulk retry could not re-run, and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Skipped {
    pub import_id: ImportId,
    pub reason: String,
}

/// What a bulk retry did with one page of failed entries.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BulkRetry {
    /// Entries re-run.
    pub retried: u64,
    /// Re-run entries by the outcome of their retry.
    pub outcomes: BTreeMap<&'static str, u64>,
    pub items: Vec<Retried>,
    pub skipped: Vec<Skipped>,
    /// More failed entries to look at: send it back as `cursor`.
    pub cursor: Option<String>,
}

/// `POST /admin/imports/retry` with `{"connector_id", "since", "reason", "limit",
/// "cursor"}` (all optional): re-runs up to `limit` (1 to 100, default 25) failed,
/// never re-run entries, newest first, of that connector, received since then, whose
/// reason contains that text.
pub async fn retry_imports(ctx: &AdminContext<'_>, body: Value) -> Result<BulkRetry, AdminError> {
    let mut fields = Fields::new(body)?;
    let connector_id = fields.text("connector_id", 64);
    let since = fields.text("since", 64);
    let reason = fields.text("reason", 500);
    let limit = fields.patch_number("limit").flatten();
    let cursor = fields.text("cursor", 2048);
    let limit = match limit {
        None => 25,
        Some(n) if n.fract() == 0.0 && (1.0..=100.0).contains(&n) => n as i32,
        Some(_) => {
            fields.error("limit", "must be a whole number from 1 to 100");
            25
        }
    };
    let from = match since.as_deref().map(|raw| time("since", raw)) {
        Some(Ok(at)) => Some(ImportId::first_at(at)),
        Some(Err(err)) => {
            fields.error("since", err.to_string());
            None
        }
        None => None,
    };
    fields.finish()?;
    let selection = RetrySelection {
        connector_id: connector_id.map(Into::into),
        from,
        reason,
    };
    let page = ctx
        .store
        .retryable_imports(ctx.workspace_id, &selection, limit, cursor.as_deref())
        .await??;
    let mut answer = BulkRetry {
        retried: 0,
        outcomes: ImportStatus::ALL.map(|s| (s.key(), 0)).into(),
        items: Vec::new(),
        skipped: Vec::new(),
        cursor: page.cursor,
    };
    // One read of the workspace's retention for the whole page.
    let workspace = ctx.store.workspace(ctx.workspace_id).await?;
    let retention = workspace.map(|w| w.settings.retention_days);
    for entry in page.items {
        let import_id = entry.id.clone();
        match Box::pin(retry(ctx, entry, retention)).await {
            Ok(retried) => {
                answer.retried += 1;
                *answer
                    .outcomes
                    .entry(retried.outcome.status.key())
                    .or_default() += 1;
                answer.items.push(retried);
            }
            Err(AdminError::Conflict(reason)) => answer.skipped.push(Skipped { import_id, reason }),
            Err(err) => return Err(err),
        }
    }
    Ok(answer)
}
