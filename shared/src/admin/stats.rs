//! Source performance (`GET /admin/stats`): deliveries by outcome and leads per day,
//! grouped by day, connector or source, counted from the import log. Its entries are
//! keyed by time-ordered ids, so a time range is one `Query` of a key range.

use super::leads::time;
use super::{AdminContext, AdminError};
use crate::clock::stamp;
use crate::domain::{ConnectorId, ImportId, ImportStatus};
use crate::store::ImportLine;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::Serialize;
use std::collections::BTreeMap;

/// The longest range one report covers.
pub const MAX_DAYS: i64 = 366;
/// The range when none is given: the last 30 days.
const DEFAULT_DAYS: i64 = 30;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum GroupBy {
    Day,
    Connector,
    Source,
}

/// Deliveries and what became of them.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Tally {
    /// Every attempt, whatever its outcome (a retry is an attempt of its own).
    pub deliveries: u64,
    /// Leads created (`imported`).
    pub leads: u64,
    pub by_status: BTreeMap<&'static str, u64>,
}

impl Default for Tally {
    fn default() -> Self {
        Self {
            deliveries: 0,
            leads: 0,
            by_status: ImportStatus::ALL.map(|s| (s.key(), 0)).into(),
        }
    }
}

impl Tally {
    fn count(&mut self, status: ImportStatus) {
        self.deliveries += 1;
        self.leads += u64::from(status == ImportStatus::Imported);
        *self.by_status.entry(status.key()).or_default() += 1;
    }
}

/// One group: a day (`2026-11-29`), a connector id or a source label.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Group {
    pub key: String,
    /// The connector's display name (by connector).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(flatten)]
    pub tally: Tally,
    /// Leads created per day, days without leads left out (by connector and source).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub leads_per_day: Option<BTreeMap<String, u64>>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    pub since: String,
    pub until: String,
    pub group_by: GroupBy,
    pub totals: Tally,
    pub groups: Vec<Group>,
}

/// `?since&until&group_by`: the range (days or RFC 3339 times; `since` included,
/// `until` excluded; by default the 30 days up to now), grouped by `day` (every day of
/// the range, in UTC), `connector` or `source`.
pub async fn stats(
    ctx: &AdminContext<'_>,
    since: Option<&str>,
    until: Option<&str>,
    group_by: Option<&str>,
) -> Result<Report, AdminError> {
    let group_by = match group_by.map(str::trim).unwrap_or("day") {
        "day" | "" => GroupBy::Day,
        "connector" => GroupBy::Connector,
        "source" => GroupBy::Source,
        _ => {
            return Err(AdminError::BadRequest(
                "group_by must be one of: day, connector, source".to_owned(),
            ))
        }
    };
    let until = match given(until) {
        Some(raw) => time("until", raw)?,
        None => ctx.store.clock().now(),
    };
    let since = match given(since) {
        Some(raw) => time("since", raw)?,
        None => until - Duration::days(DEFAULT_DAYS),
    };
    if since >= until || until - since > Duration::days(MAX_DAYS) {
        return Err(AdminError::BadRequest(format!(
            "since must be before until, at most {MAX_DAYS} days apart"
        )));
    }
    let (from, to) = (ImportId::first_at(since), ImportId::last_before(until));
    let lines = ctx.store.import_lines(ctx.workspace_id, &from, &to).await?;
    let mut groups = tally(&lines, group_by);
    match group_by {
        GroupBy::Day => every_day(&mut groups, since, until),
        GroupBy::Connector => name_connectors(ctx, &mut groups).await?,
        GroupBy::Source => {}
    }
    let mut totals = Tally::default();
    for line in &lines {
        totals.count(line.status);
    }
    Ok(Report {
        since: stamp(since),
        until: stamp(until),
        group_by,
        totals,
        groups: groups.into_values().collect(),
    })
}

fn day(received_at: &str) -> String {
    received_at.get(..10).unwrap_or(received_at).to_owned()
}

fn tally(lines: &[ImportLine], group_by: GroupBy) -> BTreeMap<String, Group> {
    let mut groups: BTreeMap<String, Group> = BTreeMap::new();
    for line in lines {
        let key = match group_by {
            GroupBy::Day => day(&line.received_at),
            GroupBy::Connector => line
                .connector_id
                .as_ref()
                .map_or("none".to_owned(), ToString::to_string),
            GroupBy::Source => line
                .source
                .clone()
                .or_else(|| line.provider.map(|p| p.key().to_owned()))
                .unwrap_or_else(|| "unknown".to_owned()),
        };
        let group = groups.entry(key.clone()).or_insert_with(|| Group {
            key,
            name: None,
            tally: Tally::default(),
            leads_per_day: (group_by != GroupBy::Day).then(BTreeMap::new),
        });
        group.tally.count(line.status);
        if let (Some(days), ImportStatus::Imported) = (&mut group.leads_per_day, line.status) {
            *days.entry(day(&line.received_at)).or_default() += 1;
        }
    }
    groups
}

/// Every day of the range has its group, with zeros where nothing came.
fn every_day(groups: &mut BTreeMap<String, Group>, since: DateTime<Utc>, until: DateTime<Utc>) {
    let last = (until - Duration::milliseconds(1)).date_naive();
    let days = since.date_naive().iter_days().take_while(|d| *d <= last);
    for date in days {
        let key = NaiveDate::format(&date, "%Y-%m-%d").to_string();
        groups.entry(key.clone()).or_insert_with(|| Group {
            key,
            name: None,
            tally: Tally::default(),
            leads_per_day: None,
        });
    }
}

async fn name_connectors(
    ctx: &AdminContext<'_>,
    groups: &mut BTreeMap<String, Group>,
) -> Result<(), AdminError> {
    for group in groups.values_mut() {
        let id = ConnectorId::from(group.key.as_str());
        if group.key != "none" {
            let connector = ctx.store.connector(ctx.workspace_id, &id).await?;
            group.name = connector.map(|c| c.display_name);
        }
    }
    Ok(())
}

fn given(raw: Option<&str>) -> Option<&str> {
    raw.map(str::trim).filter(|raw| !raw.is_empty())
}
