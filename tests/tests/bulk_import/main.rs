//! Bulk import of past leads against a real AWS API (moto): a CSV through the
//! pipeline in chunks with the right counts, a re-upload that replays, a stop
//! mid-file that resumes without a duplicate, and the failed rows back as a CSV.
//!
//! `make test` imports a file of 200 rows; `BULK_ROWS=10000 cargo test -p e2e --test
//! bulk_import -- --nocapture` the 10 000 (slow on moto: BENCHMARKS.md).

mod counts;
mod failures;
mod resume;

/// The rows of the counted file: `BULK_ROWS`, or 200.
fn rows() -> usize {
    std::env::var("BULK_ROWS")
        .ok()
        .and_then(|rows| rows.parse().ok())
        .unwrap_or(200)
}
