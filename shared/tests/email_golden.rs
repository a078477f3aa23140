//! Every `tests/golden/<name>.eml` is parsed and compared with `<name>.json`:
//! the standard fields listed there must match exactly (`null` = absent), the listed
//! custom fields must match, confidence must sit within its bounds, and the listed
//! reasons must be given.

use serde_json::{Map, Value};
use shared::email::{parse_email, ParsedEmail};
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

const MIN_GOLDEN_FILES: usize = 53;

const STANDARD_FIELDS: [&str; 10] = [
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
];

fn golden_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden")
}

fn golden_emails() -> Vec<PathBuf> {
    let mut emails: Vec<PathBuf> = fs::read_dir(golden_dir())
        .expect("tests/golden exists")
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "eml"))
        .collect();
    emails.sort();
    emails
}

fn aliases_of(expected: &Value) -> BTreeMap<String, String> {
    expected["aliases"]
        .as_object()
        .map(|aliases| {
            aliases
                .iter()
                .map(|(from, to)| (from.clone(), to.as_str().unwrap_or_default().to_owned()))
                .collect()
        })
        .unwrap_or_default()
}

fn mismatches_of(parsed: &ParsedEmail, expected: &Value) -> Vec<String> {
    let mut problems = Vec::new();
    let candidate = serde_json::to_value(&parsed.candidate).expect("candidate serialises");
    let wanted = expected["candidate"]
        .as_object()
        .cloned()
        .unwrap_or_default();
    for field in STANDARD_FIELDS {
        if let Some(want) = wanted.get(field) {
            if candidate[field] != *want {
                problems.push(format!(
                    "{field}: expected {want}, got {}",
                    candidate[field]
                ));
            }
        }
    }
    let custom = wanted.get("custom_fields").and_then(Value::as_object);
    for (label, want) in custom.unwrap_or(&Map::new()) {
        let got = &candidate["custom_fields"][label];
        if got != want {
            problems.push(format!(
                "custom field {label:?}: expected {want}, got {got}"
            ));
        }
    }
    for label in expected["absent_custom_fields"]
        .as_array()
        .into_iter()
        .flatten()
    {
        let label = label.as_str().unwrap_or_default();
        if parsed.candidate.custom_fields.contains_key(label) {
            problems.push(format!("custom field {label:?} should not be there"));
        }
    }
    let min = expected["min_confidence"].as_f64().unwrap_or(0.0);
    let max = expected["max_confidence"].as_f64().unwrap_or(1.0);
    if !(min..=max).contains(&parsed.confidence) {
        problems.push(format!(
            "confidence {} outside {min}..={max} (reasons {:?})",
            parsed.confidence, parsed.reasons
        ));
    }
    for reason in expected["reasons"].as_array().into_iter().flatten() {
        let reason = reason.as_str().unwrap_or_default();
        if !parsed.reasons.iter().any(|r| r == reason) {
            problems.push(format!(
                "reason {reason:?} missing from {:?}",
                parsed.reasons
            ));
        }
    }
    for reason in expected["absent_reasons"].as_array().into_iter().flatten() {
        let reason = reason.as_str().unwrap_or_default();
        if parsed.reasons.iter().any(|r| r == reason) {
            problems.push(format!("reason {reason:?} should not be given"));
        }
    }
    for (key, got) in [("sender", &parsed.sender), ("subject", &parsed.subject)] {
        if let Some(want) = expected[key].as_str() {
            if got.as_deref() != Some(want) {
                problems.push(format!("{key}: expected {want:?}, got {got:?}"));
            }
        }
    }
    for text in expected["preview_contains"]
        .as_array()
        .into_iter()
        .flatten()
    {
        let text = text.as_str().unwrap_or_default();
        if !parsed.preview.contains(text) {
            problems.push(format!("preview lacks {text:?}"));
        }
    }
    problems
}

#[test]
fn every_golden_email_parses_to_its_expected_lead() {
    let emails = golden_emails();
    let mut report = Vec::new();
    if emails.len() < MIN_GOLDEN_FILES {
        report.push(format!("only {} golden emails", emails.len()));
    }
    for email in &emails {
        let name = email.file_name().unwrap_or_default().to_string_lossy();
        let expected_path = email.with_extension("json");
        let expected: Value = match fs::read_to_string(&expected_path)
            .map_err(|e| e.to_string())
            .and_then(|text| serde_json::from_str(&text).map_err(|e| e.to_string()))
        {
            Ok(expected) => expected,
            Err(error) => {
                report.push(format!("{name}: cannot read expected json: {error}"));
                continue;
            }
        };
        let raw = fs::read(email).expect("golden email is readable");
        let parsed = parse_email(&raw, &aliases_of(&expected));
        for problem in mismatches_of(&parsed, &expected) {
            report.push(format!("{name}: {problem}"));
        }
    }
    assert!(report.is_empty(), "\n{}\n", report.join("\n"));
}

#[test]
fn previews_are_bounded_and_cut_on_a_character_boundary() {
    for email in golden_emails() {
        let raw = fs::read(&email).expect("golden email is readable");
        let parsed = parse_email(&raw, &BTreeMap::new());
        assert!(parsed.preview.chars().count() <= shared::email::MAX_PREVIEW_CHARS);
    }
}
