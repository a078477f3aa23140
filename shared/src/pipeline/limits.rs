//! What the pipeline checks before a delivery's values become part of a key: the
//! external id is in the sort key of its guard item (`EXT#{provider}#{id}`), which
//! DynamoDB caps at 1 KiB.

use crate::domain::FieldError;

/// The longest external id taken, in UTF-8 bytes: ample for every provider's ids, and
/// well inside DynamoDB's sort key with its prefix.
pub const MAX_EXTERNAL_ID_BYTES: usize = 512;
/// How much of a refused external id the import entry shows.
const SHOWN_BYTES: usize = 64;

/// The external id to store (none when blank), or a shortened copy for the import
/// entry and the field error that refuses it.
pub(super) fn external_id(raw: Option<&str>) -> Result<Option<String>, (String, FieldError)> {
    let Some(raw) = raw.filter(|id| !id.trim().is_empty()) else {
        return Ok(None);
    };
    if raw.len() <= MAX_EXTERNAL_ID_BYTES {
        return Ok(Some(raw.to_owned()));
    }
    let mut end = SHOWN_BYTES;
    while !raw.is_char_boundary(end) {
        end -= 1;
    }
    let message = format!(
        "external_id is {} bytes long; at most {MAX_EXTERNAL_ID_BYTES} are taken",
        raw.len()
    );
    Err((
        format!("{}…", &raw[..end]),
        FieldError::new("external_id", message),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_external_id_over_the_limit_is_refused_and_shown_short() {
        assert_eq!(external_id(Some("  ")), Ok(None));
        assert_eq!(external_id(Some("lead-1")), Ok(Some("lead-1".to_owned())));
        let long = "é".repeat(MAX_EXTERNAL_ID_BYTES);
        let (shown, error) = external_id(Some(&long)).unwrap_err();
        assert!(shown.len() <= SHOWN_BYTES + "…".len(), "{shown}");
        assert_eq!(error.field, "external_id");
    }
}
