//! A connector's rules (seed 002) edited from an admin's JSON, each mistake under its
//! own name (`rules.allowed_states`, …). A field present replaces that rule; `null`
//! clears it; `"rules": null` clears them all.

use super::input::Fields;
use crate::domain::{state_code, CertificateKind, OutsideRules, SourceRules};

/// At most this many entries in one list.
const MAX_ENTRIES: usize = 200;
/// The largest daily cap (a day of a busy source, with room).
const MAX_DAILY_CAP: u64 = 1_000_000;

pub(super) fn edit(fields: &mut Fields, rules: &mut SourceRules) {
    if fields.is_null("rules") {
        fields.any("rules");
        *rules = SourceRules::default();
        return;
    }
    let Some(mut input) = fields.object("rules") else {
        return;
    };
    if let Some(states) = list(&mut input, "allowed_states") {
        rules.allowed_states = states
            .iter()
            .filter_map(|state| match state_code(state) {
                Some(code) => Some(code.to_owned()),
                None => {
                    let message = format!("'{state}' is not a US state: use its two-letter code");
                    input.error("allowed_states", message);
                    None
                }
            })
            .collect();
        dedup(&mut rules.allowed_states);
    }
    if let Some(prefixes) = list(&mut input, "allowed_zip_prefixes") {
        rules.allowed_zip_prefixes = prefixes
            .iter()
            .filter_map(|prefix| {
                let shaped = (1..=10).contains(&prefix.len())
                    && prefix.chars().all(|c| c.is_ascii_alphanumeric());
                if !shaped {
                    let message = format!(
                        "'{prefix}' is not the start of a ZIP or postal code (1 to 10 letters \
                         or digits)"
                    );
                    input.error("allowed_zip_prefixes", message);
                }
                shaped.then(|| prefix.to_ascii_uppercase())
            })
            .collect();
        dedup(&mut rules.allowed_zip_prefixes);
    }
    if let Some(products) = list(&mut input, "allowed_products") {
        for long in products.iter().filter(|p| p.chars().count() > 200) {
            let message = format!("'{long}' is longer than 200 characters");
            input.error("allowed_products", message);
        }
        rules.allowed_products = products;
        dedup(&mut rules.allowed_products);
    }
    if let Some(cap) = input.patch_integer("daily_cap", 1..=MAX_DAILY_CAP) {
        rules.daily_cap = cap.and_then(|cap| u32::try_from(cap).ok());
    }
    if let Some(kind) = input.patch_choice("required_certificate", &CertificateKind::KEYS) {
        rules.required_certificate = kind;
    }
    if let Some(outside) = input.patch_choice("outside_rules", &OutsideRules::KEYS) {
        rules.outside_rules = outside.unwrap_or_default();
    }
    input.finish_into(fields);
}

/// A list of non-blank strings (`null` clears it), at most [`MAX_ENTRIES`].
fn list(input: &mut Fields, name: &str) -> Option<Vec<String>> {
    let values = input.string_list(name)?;
    let values: Vec<String> = values.into_iter().filter(|v| !v.is_empty()).collect();
    if values.len() > MAX_ENTRIES {
        input.error(name, format!("must have at most {MAX_ENTRIES} entries"));
        return None;
    }
    Some(values)
}

fn dedup(values: &mut Vec<String>) {
    let mut seen = std::collections::BTreeSet::new();
    values.retain(|value| seen.insert(value.to_lowercase()));
}
