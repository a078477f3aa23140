//! Meta connectors marked "needs reconnect" by the daily token-health check: a page
//! whose token no longer works holds its leads back (Meta redelivers them until the
//! reconnect), one whose token expires within a week still takes them.

use super::Check;
use crate::target::Target;

const NAME: &str = "Meta pages";
const FIX: &str =
    "connect Meta again: POST /admin/connectors/{id}/meta/authorize, then open the url";

pub async fn reconnects(target: &Target) -> Check {
    let store = &target.store;
    let (mut pages, mut held, mut expiring) = (0, Vec::new(), Vec::new());
    let mut cursor: Option<String> = None;
    loop {
        let page = match store.routed_meta_pages(100, cursor.as_deref()).await {
            Ok(Ok(page)) => page,
            Ok(Err(err)) => return Check::unknown(NAME, &err),
            Err(err) => return Check::unknown(NAME, &err),
        };
        for routed in page.items {
            let connector = match store
                .connector(&routed.workspace_id, &routed.connector_id)
                .await
            {
                Ok(Some(connector)) => connector,
                Ok(None) => continue,
                Err(err) => return Check::unknown(NAME, &err),
            };
            pages += 1;
            let Some(mark) = connector.needs_reconnect else {
                continue;
            };
            let line = format!(
                "connector {} (workspace {}): {}",
                connector.id, connector.workspace_id, mark.reason
            );
            match mark.holds_leads() {
                true => held.push(line),
                false => expiring.push(line),
            }
        }
        cursor = page.cursor;
        if cursor.is_none() {
            break;
        }
    }
    if !held.is_empty() {
        let detail = format!("leads held back until the reconnect: {}", held.join("; "));
        return Check::fail(NAME, detail, FIX);
    }
    if !expiring.is_empty() {
        return Check::warn(NAME, expiring.join("; "), FIX);
    }
    Check::ok(
        NAME,
        format!("{pages} routed page(s), none needs reconnecting"),
    )
}
