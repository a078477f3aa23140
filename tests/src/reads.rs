//! What a test app's workspace holds: its import log, leads and raw items, read
//! straight from the table.

use crate::TestApp;
use shared::domain::{ImportRecord, ImportStatus, Lead};
use shared::store::Page;

/// Every item of a paged list, following its cursor to the end.
async fn every_page<T>(mut page: impl AsyncFnMut(Option<String>) -> Page<T>) -> Vec<T> {
    let mut all = Vec::new();
    let mut cursor = None;
    loop {
        let next = page(cursor).await;
        all.extend(next.items);
        cursor = next.cursor;
        if cursor.is_none() {
            return all;
        }
    }
}

impl TestApp {
    /// The workspace's whole import log with each entry's payload, newest first.
    pub async fn import_log(&self) -> Vec<ImportRecord> {
        let log = every_page(async |cursor: Option<String>| {
            self.store
                .imports(self.workspace_id(), None, 100, cursor.as_deref())
                .await
                .expect("import log")
                .expect("cursor")
        })
        .await;
        let mut whole = Vec::with_capacity(log.len());
        for entry in log {
            whole.push(self.store.with_payload(entry).await.expect("payload read"));
        }
        whole
    }

    /// The status of every entry of the import log, newest first.
    pub async fn import_statuses(&self) -> Vec<ImportStatus> {
        let log = self.import_log().await;
        log.iter().map(|entry| entry.status).collect()
    }

    /// The entries of the import log that failed, newest first.
    pub async fn failed_imports(&self) -> Vec<ImportRecord> {
        let log = self.import_log().await;
        let failed = log.into_iter().filter(|r| r.status == ImportStatus::Failed);
        failed.collect()
    }

    /// The workspace's leads, newest first.
    pub async fn leads(&self) -> Vec<Lead> {
        every_page(async |cursor: Option<String>| {
            self.store
                .leads(self.workspace_id(), 100, cursor.as_deref())
                .await
                .expect("leads")
                .expect("cursor")
        })
        .await
    }

    /// The external ids of the workspace's leads, newest first.
    pub async fn lead_external_ids(&self) -> Vec<String> {
        let leads = self.leads().await;
        leads.into_iter().filter_map(|l| l.external_id).collect()
    }

    /// How many items the workspace's partition holds.
    pub async fn item_count(&self) -> usize {
        let items = self.store.workspace_items(self.workspace_id()).await;
        items.expect("items").len()
    }

    /// The workspace's stored items whose sort key starts with `prefix`.
    pub async fn items(&self, prefix: &str) -> Vec<shared::store::Item> {
        self.store
            .workspace_items(self.workspace_id())
            .await
            .expect("items")
            .into_iter()
            .filter(|item| {
                item.get("sk")
                    .and_then(|v| v.as_s().ok())
                    .is_some_and(|sk| sk.starts_with(prefix))
            })
            .collect()
    }
}

/// A stored lead's contact fields as the text they were normalised to.
pub trait LeadContacts {
    fn email(&self) -> Option<&str>;
    fn phone(&self) -> Option<&str>;
    fn zip_code(&self) -> Option<&str>;
}

impl LeadContacts for Lead {
    fn email(&self) -> Option<&str> {
        self.customer_email.as_ref().map(AsRef::as_ref)
    }

    fn phone(&self) -> Option<&str> {
        self.customer_phone.as_ref().map(AsRef::as_ref)
    }

    fn zip_code(&self) -> Option<&str> {
        self.zip.as_ref().map(AsRef::as_ref)
    }
}
