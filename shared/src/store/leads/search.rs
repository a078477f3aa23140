//! Finding leads: newest first, by time, by client (an email or phone's contact item
//! names the client) or by the start of a name, each one `Query` on an index, narrowed
//! by connector, source and rep.

use super::super::keys;
use super::super::page::{Filter, Source};
use super::super::{BadCursor, Page, Store, StoreError};
use super::contacts::ContactIndex;
use crate::domain::{ClientId, ConnectorId, Email, Lead, PhoneE164, WorkspaceId};

/// Which leads a search walks, newest first (by name: in name order).
#[derive(Debug, Clone, PartialEq)]
pub enum LeadsBy {
    /// Every lead of the workspace.
    Time,
    /// The leads of one client.
    Client(ClientId),
    /// Leads whose name key ([`crate::domain::name_key`]) starts with this.
    NamePrefix(String),
}

/// A search: where to walk and what to keep. Times are stamps as the store writes them
/// (`since` included, `until` excluded).
#[derive(Debug, Clone, PartialEq)]
pub struct LeadQuery {
    pub by: LeadsBy,
    pub since: Option<String>,
    pub until: Option<String>,
    pub connector_id: Option<ConnectorId>,
    pub source: Option<String>,
    pub assigned_rep: Option<String>,
}

impl LeadQuery {
    pub fn all() -> Self {
        Self {
            by: LeadsBy::Time,
            since: None,
            until: None,
            connector_id: None,
            source: None,
            assigned_rep: None,
        }
    }
}

/// A contact a lead can be found by.
#[derive(Debug, Clone, PartialEq)]
pub enum Contact {
    Email(Email),
    Phone(PhoneE164),
}

/// Before every stamp and after every stamp, for an open end of a time range.
const FIRST: &str = "0";
const LAST: &str = "~";

impl Store {
    /// The client an email or phone belongs to, if any lead ever had it.
    pub async fn client_by_contact(
        &self,
        workspace_id: &WorkspaceId,
        contact: &Contact,
    ) -> Result<Option<ClientId>, StoreError> {
        let key = match contact {
            Contact::Email(email) => keys::contact_email(workspace_id, email),
            Contact::Phone(phone) => keys::contact_phone(workspace_id, phone),
        };
        let index: Option<ContactIndex> = self.get(&key).await?;
        Ok(index.map(|index| index.client_id))
    }

    /// One page of the leads `query` finds. The time range is part of the key condition
    /// (by name: a filter), the rest a filter on the same `Query`: a page can hold fewer
    /// than `limit` leads while a cursor remains.
    pub async fn leads_where(
        &self,
        workspace_id: &WorkspaceId,
        query: &LeadQuery,
        limit: i32,
        cursor: Option<&str>,
    ) -> Result<Result<Page<Lead>, BadCursor>, StoreError> {
        let mut filter = Filter::default();
        let range = || {
            let from = query.since.clone().unwrap_or_else(|| FIRST.to_owned());
            // `until` is excluded: every key at that stamp (`{until}#{id}`) sorts after it.
            let to = query.until.clone().unwrap_or_else(|| LAST.to_owned());
            (from, to)
        };
        let timed = query.since.is_some() || query.until.is_some();
        let source = match &query.by {
            LeadsBy::Time => Source::index(keys::leads_index(workspace_id)),
            LeadsBy::Client(client_id) => Source::of(
                &keys::BY_CLIENT,
                keys::client_leads_index(workspace_id, client_id),
            ),
            LeadsBy::NamePrefix(prefix) => {
                if let Some(since) = &query.since {
                    filter = filter.at_least("created_at", since);
                }
                if let Some(until) = &query.until {
                    filter = filter.before("created_at", until);
                }
                Source::of(&keys::BY_NAME, keys::lead_names_index(workspace_id))
                    .starting(prefix)
                    .ascending()
            }
        };
        let source = match (&query.by, timed) {
            (LeadsBy::NamePrefix(_), _) | (_, false) => source,
            (_, true) => {
                let (from, to) = range();
                source.between(from, to)
            }
        };
        let equals = [
            ("connector_id", query.connector_id.as_deref()),
            ("source", query.source.as_deref()),
            ("assigned_rep", query.assigned_rep.as_deref()),
        ];
        for (attribute, value) in equals {
            if let Some(value) = value {
                filter = filter.equals(attribute, value);
            }
        }
        self.page_where(source, filter.given(), limit, cursor).await
    }
}
