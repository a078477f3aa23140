//! A data row as the pipeline takes it (a payload under the header's labels, and an
//! external id), and failed rows back as a CSV to fix and upload again.

use crate::admin::{neutral, restored};
use crate::domain::FailedRow;
use crate::mapping::{Payload, PayloadError};
use sha2::{Digest, Sha256};

/// The columns the failures CSV adds; read back in an upload, they are left out.
pub const ROW_COLUMN: &str = "import_row";
pub const ERROR_COLUMN: &str = "import_error";

/// The longest cell kept on a failed row.
const MAX_CELL_CHARS: usize = 2000;

/// The label of column `index` (0-based): the header's, or `column N` past its end or
/// where it is blank.
fn label(header: &[String], index: usize) -> String {
    header
        .get(index)
        .filter(|label| !label.is_empty())
        .cloned()
        .unwrap_or_else(|| format!("column {}", index + 1))
}

/// The row's non-blank cells under their labels, the failures CSV's own columns left out.
pub fn pairs(header: &[String], cells: &[String]) -> Vec<(String, String)> {
    cells
        .iter()
        .enumerate()
        .map(|(i, cell)| (label(header, i), restored(cell).trim()))
        .filter(|(label, cell)| !cell.is_empty() && label != ROW_COLUMN && label != ERROR_COLUMN)
        .map(|(label, cell)| (label, cell.to_owned()))
        .collect()
}

pub fn payload(pairs: &[(String, String)]) -> Result<Payload, PayloadError> {
    Payload::from_pairs(pairs.iter().cloned())
}

/// The external id of a row that has none of its own: a hash of its labelled values
/// (in any column order), so the same row uploaded again replays.
pub fn row_hash(pairs: &[(String, String)]) -> String {
    let mut lines: Vec<String> = pairs
        .iter()
        .map(|(label, value)| format!("{}={value}", label.to_lowercase()))
        .collect();
    lines.sort();
    let digest = Sha256::digest(lines.join("\n"));
    format!("row-{}", &hex::encode(digest)[..32])
}

/// A failed row as kept: its cells (each capped) and the reason.
pub fn failed_row(row: u64, cells: &[String], reason: String) -> FailedRow {
    FailedRow {
        row,
        cells: cells
            .iter()
            .map(|cell| cell.chars().take(MAX_CELL_CHARS).collect())
            .collect(),
        reason,
    }
}

/// The failed rows as a CSV (UTF-8 with a byte-order mark, for spreadsheets): the
/// file's header and each failed row's cells, then its row number and the reason, no
/// cell a spreadsheet would run as a formula ([`neutral`]; read back, [`pairs`] drops
/// the mark).
pub fn failures_csv(header: &[String], rows: &[FailedRow]) -> String {
    let mut writer = csv::WriterBuilder::new()
        .flexible(true)
        .from_writer(Vec::new());
    let columns = header.iter().map(|label| neutral(label).into_owned());
    let written = writer
        .write_record(columns.chain([ROW_COLUMN, ERROR_COLUMN].map(String::from)))
        .and_then(|()| {
            rows.iter().try_for_each(|row| {
                let mut cells: Vec<String> = row.cells.clone();
                cells.resize(cells.len().max(header.len()), String::new());
                cells.extend([row.row.to_string(), row.reason.clone()]);
                let cells = cells.iter().map(|cell| neutral(cell));
                writer.write_record(cells.map(|cell| cell.into_owned()))
            })
        });
    let bytes = match written.and_then(|()| writer.into_inner().map_err(|e| e.into_error().into()))
    {
        Ok(bytes) => bytes,
        Err(err) => {
            tracing::error!(error = %err, "failures CSV not written");
            Vec::new()
        }
    };
    format!("\u{feff}{}", String::from_utf8_lossy(&bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(values: &[&str]) -> Vec<String> {
        values.iter().map(|v| v.to_string()).collect()
    }

    #[test]
    fn a_row_hash_ignores_column_order_and_blank_cells() {
        let a = pairs(
            &strings(&["Name", "Email"]),
            &strings(&["Ada", "ada@example.com"]),
        );
        let b = pairs(
            &strings(&["email", "phone", "name"]),
            &strings(&["ada@example.com", " ", "Ada"]),
        );
        assert_eq!(row_hash(&a), row_hash(&b));
        let c = pairs(&strings(&["Name"]), &strings(&["Bo"]));
        assert_ne!(row_hash(&a), row_hash(&c));
    }

    #[test]
    fn the_failures_csv_reads_back_as_the_same_rows_without_its_own_columns() {
        let header = strings(&["name", "email"]);
        let failed = [failed_row(
            3,
            &strings(&["=HYPERLINK(\"x\")", "nope"]),
            "customer_email: not an email".into(),
        )];
        let csv = failures_csv(&header, &failed);
        assert_eq!(
            csv,
            "\u{feff}name,email,import_row,import_error\n\"'=HYPERLINK(\"\"x\"\")\",nope,3,customer_email: not an email\n"
        );
        let read_back = pairs(
            &strings(&["name", "email", ROW_COLUMN, ERROR_COLUMN]),
            &strings(&[
                "'=HYPERLINK(\"x\")",
                "ada@example.com",
                "3",
                "customer_email: not an email",
            ]),
        );
        assert_eq!(read_back.len(), 2);
        assert_eq!(
            read_back[0].1, "=HYPERLINK(\"x\")",
            "the failures CSV's mark is dropped"
        );
    }
}
