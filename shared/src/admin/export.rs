//! Leads as CSV (`GET /admin/leads?format=csv`): RFC 4180 through the `csv` crate, a
//! header row, one row per lead, custom fields as columns, and no cell a spreadsheet
//! would run as a formula.
//!
//! One answer holds at most [`MAX_ROWS`] leads: Lambda answers are not streamed, so a
//! longer selection continues under the cursor the answer names. The rows of one
//! answer are read before its first line is written, so its columns are the standard
//! ones and then every custom field any of its leads carries (sorted by name).

use super::leads::{find, LeadSearch};
use super::{AdminContext, AdminError};
use crate::domain::Lead;
use crate::store::StoreError;
use std::borrow::Cow;
use std::collections::BTreeSet;

/// The most leads one CSV answer holds (and the default).
pub const MAX_ROWS: usize = 1000;
/// The most `Query` pages one answer reads, so that a rare filter over a large log
/// still answers in time (short, with a cursor).
const MAX_READS: usize = 20;

/// One CSV answer and the cursor of the rest of the selection, if any.
#[derive(Debug, Clone, PartialEq)]
pub struct CsvExport {
    pub body: String,
    pub cursor: Option<String>,
}

const STANDARD: [&str; 19] = [
    "id",
    "created_at",
    "customer_name",
    "customer_email",
    "customer_phone",
    "service_address",
    "city",
    "state",
    "zip",
    "service_interest",
    "notes",
    "external_id",
    "source",
    "provider",
    "assigned_rep",
    "connector_id",
    "client_id",
    "import_id",
    "speed_to_lead",
];

fn standard_cells(lead: &Lead) -> [String; 19] {
    let text = |value: &Option<String>| value.clone().unwrap_or_default();
    fn shown<T: ToString>(value: &Option<T>) -> String {
        value.as_ref().map(ToString::to_string).unwrap_or_default()
    }
    [
        lead.id.to_string(),
        lead.created_at.clone(),
        lead.customer_name.clone(),
        shown(&lead.customer_email),
        shown(&lead.customer_phone),
        text(&lead.service_address),
        text(&lead.city),
        text(&lead.state),
        shown(&lead.zip),
        text(&lead.service_interest),
        text(&lead.notes),
        text(&lead.external_id),
        lead.source.clone(),
        lead.provider.key().to_owned(),
        text(&lead.assigned_rep),
        lead.connector_id.to_string(),
        lead.client_id.to_string(),
        lead.import_id.to_string(),
        lead.speed_to_lead.to_string(),
    ]
}

/// The rows one answer may hold: `limit` (1 to [`MAX_ROWS`]) or all it can.
pub fn rows(limit: Option<&str>) -> Result<usize, AdminError> {
    match limit.map(str::trim).filter(|l| !l.is_empty()) {
        None => Ok(MAX_ROWS),
        Some(raw) => raw
            .parse()
            .ok()
            .filter(|rows| (1..=MAX_ROWS).contains(rows))
            .ok_or_else(|| {
                AdminError::BadRequest(format!(
                    "limit must be a number from 1 to {MAX_ROWS} for CSV"
                ))
            }),
    }
}

/// Up to `rows` leads of `search` (from `cursor`) as one CSV document.
pub async fn leads_csv(
    ctx: &AdminContext<'_>,
    search: &LeadSearch,
    rows: usize,
    cursor: Option<String>,
) -> Result<CsvExport, AdminError> {
    let rows = rows.clamp(1, MAX_ROWS);
    let mut leads = Vec::new();
    let mut cursor = cursor;
    for read in 0..MAX_READS {
        let room = (rows - leads.len()).min(100) as i32;
        let page = find(ctx, search, room, cursor.as_deref()).await?;
        leads.extend(page.items);
        cursor = page.cursor;
        if leads.len() >= rows || cursor.is_none() || read + 1 == MAX_READS {
            break;
        }
    }
    let body =
        write(&leads).map_err(|err| AdminError::Store(StoreError::Unexpected(err.into())))?;
    Ok(CsvExport { body, cursor })
}

/// The document: a header row, then one row per lead.
fn write(leads: &[Lead]) -> Result<String, csv::Error> {
    let custom: BTreeSet<&str> = leads
        .iter()
        .flat_map(|lead| lead.custom_fields.keys().map(String::as_str))
        .collect();
    let mut out = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    let header = STANDARD
        .iter()
        .map(|name| Cow::Borrowed(*name))
        .chain(custom.iter().map(|name| column(name)));
    out.write_record(header.map(|name| neutral(&name).into_owned()))?;
    for lead in leads {
        let standard = standard_cells(lead).into_iter();
        let fields = custom.iter().map(|name| {
            let value = lead.custom_fields.get(*name);
            value.cloned().unwrap_or_default()
        });
        let cells: Vec<String> = standard
            .chain(fields)
            .map(|cell| neutral(&cell).into_owned())
            .collect();
        out.write_record(&cells)?;
    }
    let bytes = out
        .into_inner()
        .map_err(|err| csv::Error::from(err.into_error()))?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// A custom field's column: its label, marked when a standard column has that name (a
/// value kept because it did not validate keeps its field's name).
fn column(label: &str) -> Cow<'_, str> {
    if STANDARD.contains(&label) {
        Cow::Owned(format!("{label} (custom)"))
    } else {
        Cow::Borrowed(label)
    }
}

/// A cell no spreadsheet runs as a formula: one that starts with `=`, `+`, `-`, `@`, a
/// tab or a carriage return gets a leading `'`, unless it is a plain number (`+1717…`,
/// `-5`), which no spreadsheet can run.
pub fn neutral(cell: &str) -> Cow<'_, str> {
    let risky = cell.starts_with(['=', '+', '-', '@', '\t', '\r']);
    if risky && !is_number(cell) {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

/// A cell as it was before [`neutral`]: a file written with it and read back (a bulk
/// import's failures CSV, fixed and uploaded again) has its own values.
pub fn restored(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if neutral(rest) != rest => rest,
        _ => cell,
    }
}

fn is_number(cell: &str) -> bool {
    let unsigned = cell.strip_prefix(['+', '-']).unwrap_or(cell);
    let (whole, fraction) = unsigned.split_once('.').unwrap_or((unsigned, "0"));
    let digits = |part: &str| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit());
    digits(whole) && digits(fraction)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_cells_are_neutralised_and_numbers_left_alone() {
        for risky in [
            "=HYPERLINK(\"http://x\")",
            "+cmd|' /C calc'!A0",
            "-2+3",
            "@SUM(A1)",
            "\t=1",
            "\r=1",
        ] {
            assert_eq!(neutral(risky), format!("'{risky}"), "{risky:?}");
            assert_eq!(restored(&neutral(risky)), risky, "{risky:?}");
        }
        for plain in ["+17175550123", "-5", "12.5", "Pat", "a=b", ""] {
            assert_eq!(neutral(plain), plain, "{plain:?}");
            assert_eq!(restored(plain), plain, "{plain:?}");
        }
    }
}
