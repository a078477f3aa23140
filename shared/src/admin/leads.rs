//! Finding leads: `GET /admin/leads`, newest first, narrowed by connector, source, rep
//! and creation time, and searched by `q` (an email or a phone number exactly, through
//! the contact index, else the start of a name).

use super::records::LeadView;
use super::{AdminContext, AdminError, Listing, PageRequest};
use crate::clock::stamp;
use crate::domain::{name_key, Email, PhoneE164};
use crate::store::{BadCursor, Contact, LeadQuery, LeadsBy, Page};
use chrono::{DateTime, NaiveDate, Utc};

/// The query parameters of `GET /admin/leads`, as sent.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LeadSearch {
    pub connector_id: Option<String>,
    pub source: Option<String>,
    pub assigned_rep: Option<String>,
    pub since: Option<String>,
    pub until: Option<String>,
    pub q: Option<String>,
}

/// A page of the leads `search` finds, as `GET /admin/leads/{id}` shows each.
pub async fn leads(
    ctx: &AdminContext<'_>,
    search: &LeadSearch,
    page: PageRequest,
) -> Result<Listing<LeadView>, AdminError> {
    let found = find(ctx, search, page.limit, page.cursor.as_deref()).await?;
    Ok(Listing::of(found, LeadView::from))
}

/// One page of what `search` finds (`limit` at most 100): empty when `q` is an email or
/// phone no lead of the workspace ever had.
pub(super) async fn find(
    ctx: &AdminContext<'_>,
    search: &LeadSearch,
    limit: i32,
    cursor: Option<&str>,
) -> Result<Page<crate::domain::Lead>, AdminError> {
    let Some(query) = query(ctx, search).await? else {
        return match cursor {
            Some(_) => Err(BadCursor.into()),
            None => Ok(Page {
                items: Vec::new(),
                cursor: None,
            }),
        };
    };
    Ok(ctx
        .store
        .leads_where(ctx.workspace_id, &query, limit, cursor)
        .await??)
}

/// What `q` is: an email (it has an `@`), a phone number (it reads as a valid one), or
/// the start of a name.
#[derive(Debug, Clone, PartialEq)]
enum Term {
    Contact(Contact),
    NamePrefix(String),
}

fn term(q: &str) -> Result<Term, AdminError> {
    if q.contains('@') {
        return Email::parse(q)
            .map(|email| Term::Contact(Contact::Email(email)))
            .map_err(|message| AdminError::BadRequest(format!("q: {message}")));
    }
    let digits = q.chars().filter(char::is_ascii_digit).count();
    if digits >= 7 {
        if let Ok(phone) = PhoneE164::parse(q) {
            return Ok(Term::Contact(Contact::Phone(phone)));
        }
    }
    let key = name_key(q);
    if key.is_empty() {
        return Err(AdminError::BadRequest(
            "q must hold a name, an email address or a phone number".to_owned(),
        ));
    }
    Ok(Term::NamePrefix(key))
}

/// The store query `search` stands for; `None` when `q` is a contact no lead has.
async fn query(
    ctx: &AdminContext<'_>,
    search: &LeadSearch,
) -> Result<Option<LeadQuery>, AdminError> {
    let since = given(&search.since)
        .map(|raw| time("since", raw))
        .transpose()?;
    let until = given(&search.until)
        .map(|raw| time("until", raw))
        .transpose()?;
    if let (Some(since), Some(until)) = (since, until) {
        if since > until {
            return Err(AdminError::BadRequest(
                "since must not be after until".to_owned(),
            ));
        }
    }
    let by = match given(&search.q).map(term).transpose()? {
        None => LeadsBy::Time,
        Some(Term::NamePrefix(prefix)) => LeadsBy::NamePrefix(prefix),
        Some(Term::Contact(contact)) => {
            let client = ctx
                .store
                .client_by_contact(ctx.workspace_id, &contact)
                .await?;
            match client {
                Some(client_id) => LeadsBy::Client(client_id),
                None => return Ok(None),
            }
        }
    };
    Ok(Some(LeadQuery {
        by,
        since: since.map(stamp),
        until: until.map(stamp),
        connector_id: given(&search.connector_id).map(Into::into),
        source: given(&search.source).map(str::to_owned),
        assigned_rep: given(&search.assigned_rep).map(str::to_lowercase),
    }))
}

fn given(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

/// A time as a query parameter gives it: RFC 3339 (`2026-11-01T09:00:00Z`) or a day
/// (`2026-11-01`, its first instant in UTC).
pub(super) fn time(name: &str, raw: &str) -> Result<DateTime<Utc>, AdminError> {
    if let Ok(at) = DateTime::parse_from_rfc3339(raw) {
        return Ok(at.to_utc());
    }
    NaiveDate::parse_from_str(raw, "%Y-%m-%d")
        .ok()
        .and_then(|day| day.and_hms_opt(0, 0, 0))
        .map(|at| at.and_utc())
        .ok_or_else(|| {
            AdminError::BadRequest(format!(
                "{name} must be a date (2026-11-01) or an RFC 3339 time (2026-11-01T09:00:00Z)"
            ))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn q_is_an_email_a_phone_in_any_format_or_a_name() {
        let phone = |raw| match term(raw).unwrap() {
            Term::Contact(Contact::Phone(phone)) => phone.to_string(),
            other => panic!("{raw}: {other:?}"),
        };
        assert_eq!(phone("(717) 555-0123"), "+17175550123");
        assert_eq!(phone("717.555.0123"), "+17175550123");
        assert_eq!(phone("+1 717 555 0123"), "+17175550123");
        assert!(matches!(
            term("PAT@Example.com").unwrap(),
            Term::Contact(Contact::Email(email)) if email.as_ref() == "pat@example.com"
        ));
        assert_eq!(
            term("  O'Brien ").unwrap(),
            Term::NamePrefix("o brien".into())
        );
        assert!(term("pat@").is_err());
        assert!(term("?!").is_err());
    }

    #[test]
    fn times_are_days_or_rfc_3339() {
        assert_eq!(
            stamp(time("since", "2026-11-01").unwrap()),
            "2026-11-01T00:00:00.000Z"
        );
        assert_eq!(
            stamp(time("until", "2026-11-01T09:30:00+01:00").unwrap()),
            "2026-11-01T08:30:00.000Z"
        );
        assert!(time("since", "yesterday").is_err());
    }
}
