//! The daily health check of every routed Meta page's token: a token Meta calls invalid,
//! one missing from the workspace's store, or one that stops reading leads within
//! [`EXPIRY_WARNING`] marks its connector "needs reconnect" (the Meta door then answers
//! 5xx for its leads, so Meta keeps them); a healthy one clears an old mark.

use super::{ConnectError, MetaConnect};
use crate::clock;
use crate::domain::NeedsReconnect;
use crate::http::chain;
use crate::providers::meta::login::MetaApp;
use crate::store::RoutedPage;
use serde::Serialize;

/// A token that stops working sooner than this needs a new login now.
pub const EXPIRY_WARNING: i64 = 7 * 24 * 60 * 60;
const BATCH: i32 = 100;

/// What one check found, page by page counted.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct HealthReport {
    pub pages: usize,
    pub healthy: usize,
    /// Pages whose connector needs reconnecting now (newly marked or still marked).
    pub needs_reconnect: usize,
    /// Pages that could not be checked this time (Meta, the token store or the table
    /// unavailable).
    pub unchecked: usize,
}

enum Verdict {
    Healthy,
    /// Why, and until when the token still works (`None`: it no longer does).
    Reconnect(String, Option<i64>),
    Unchecked,
}

/// Checks every routed Meta page's token and marks or clears its connector.
/// The Meta secret is read at the first routed page: a deployment that routes none (Meta
/// never set up, its secret still the template's placeholder) has nothing to check. A
/// page whose connector cannot be read or marked is counted unchecked; the others are
/// still checked.
pub async fn check_tokens(connect: &MetaConnect) -> Result<HealthReport, ConnectError> {
    let mut report = HealthReport::default();
    let mut secrets = None;
    let mut cursor: Option<String> = None;
    loop {
        let page = connect
            .store
            .routed_meta_pages(BATCH, cursor.as_deref())
            .await?
            .map_err(|bad| crate::store::StoreError::Unexpected(bad.to_string().into()))?;
        if !page.items.is_empty() {
            let secrets = match secrets {
                Some(ref secrets) => secrets,
                None => secrets.insert(connect.secrets().await?),
            };
            let app = MetaConnect::app(secrets)?;
            for routed in &page.items {
                if let Err(err) = check_page(connect, app, routed, &mut report).await {
                    let page_id = &routed.page_id;
                    tracing::warn!(page_id, error = %chain(&err), "page not checked");
                    report.pages += 1;
                    report.unchecked += 1;
                }
            }
        }
        cursor = page.cursor;
        if cursor.is_none() {
            return Ok(report);
        }
    }
}

/// Checks one page and counts it, unless its connector is gone; an error leaves it to
/// the caller to count.
async fn check_page(
    connect: &MetaConnect,
    app: MetaApp<'_>,
    routed: &RoutedPage,
    report: &mut HealthReport,
) -> Result<(), ConnectError> {
    let (workspace_id, connector_id) = (&routed.workspace_id, &routed.connector_id);
    let Some(connector) = connect.store.connector(workspace_id, connector_id).await? else {
        return Ok(());
    };
    let mark = match verdict(connect, app, routed).await {
        Verdict::Unchecked => {
            report.pages += 1;
            report.unchecked += 1;
            return Ok(());
        }
        Verdict::Healthy => None,
        Verdict::Reconnect(reason, works_until) => {
            tracing::warn!(
                %workspace_id,
                %connector_id,
                page_id = routed.page_id,
                reason,
                "Meta page needs reconnecting"
            );
            Some(NeedsReconnect {
                page_id: routed.page_id.clone(),
                reason,
                since: connect.store.clock().stamp(),
                works_until: works_until.map(clock::stamp_epoch),
            })
        }
    };
    let unchanged = match (&connector.needs_reconnect, &mark) {
        (Some(old), Some(new)) => old.reason == new.reason && old.works_until == new.works_until,
        (None, None) => true,
        _ => false,
    };
    if !unchanged {
        let store = &connect.store;
        store
            .mark_reconnect(workspace_id, connector_id, mark.as_ref())
            .await?;
    }
    report.pages += 1;
    match mark {
        None => report.healthy += 1,
        Some(_) => report.needs_reconnect += 1,
    }
    Ok(())
}

async fn verdict(connect: &MetaConnect, app: MetaApp<'_>, routed: &RoutedPage) -> Verdict {
    let page_id = routed.page_id.as_str();
    let token = match connect
        .meta
        .tokens
        .token(&routed.workspace_id, page_id)
        .await
    {
        Ok(Some(token)) => token,
        Ok(None) => {
            let reason =
                format!("the workspace holds no page token for page {page_id}: connect Meta again");
            return Verdict::Reconnect(reason, None);
        }
        Err(err) => {
            tracing::warn!(page_id, error = %chain(&err), "page token unreadable: not checked");
            return Verdict::Unchecked;
        }
    };
    let info = match connect.meta.graph.debug_token(app, token.expose()).await {
        Ok(info) => info,
        Err(err) if err.is_expired_token() => {
            let reason =
                format!("Meta no longer accepts the token of page {page_id}: connect Meta again");
            return Verdict::Reconnect(reason, None);
        }
        Err(err) => {
            tracing::warn!(page_id, error = %chain(&err), "debug_token failed: not checked");
            return Verdict::Unchecked;
        }
    };
    let now = connect.store.clock().epoch();
    match info.ends_at() {
        Some(ends_at) if info.is_valid && ends_at > now && ends_at <= now + EXPIRY_WARNING => {
            let reason = format!(
                "the token of page {page_id} stops reading leads at {}: connect Meta again \
                 before then",
                clock::stamp_epoch(ends_at)
            );
            Verdict::Reconnect(reason, Some(ends_at))
        }
        Some(ends_at) if ends_at <= now => Verdict::Reconnect(
            format!("the token of page {page_id} has expired: connect Meta again"),
            None,
        ),
        _ if !info.is_valid => Verdict::Reconnect(
            format!(
                "Meta says the token of page {page_id} is no longer valid (expired, revoked or \
                 the password changed): connect Meta again"
            ),
            None,
        ),
        _ => Verdict::Healthy,
    }
}
