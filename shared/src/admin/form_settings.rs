//! The website form's abuse settings as an admin edits them: the honeypot field's name
//! and the submission limits, each checked so that no value can break the form.

use super::input::Fields;
use crate::domain::{FormThrottle, ProviderSettings};
use crate::forms::redirect::REDIRECT_FIELD;
use crate::mapping::Field;
use std::ops::RangeInclusive;

/// The longest window a limit may count over: a week.
const MAX_WINDOW_SECONDS: u64 = 7 * 24 * 3600;
const MAX_LIMIT: u64 = 100_000;

/// `honeypot_field`: a field name a person never fills and a lead never needs; `null`
/// brings back the default.
pub(super) fn honeypot(fields: &mut Fields, settings: &mut ProviderSettings) {
    let Some(name) = fields.patch_text("honeypot_field", 64) else {
        return;
    };
    let Some(name) = name else {
        settings.honeypot_field = None;
        return;
    };
    let well_formed = name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "_-.[]".contains(c));
    if !well_formed {
        fields.error(
            "honeypot_field",
            "must be letters, digits and _ - . [ ] (a form field's name)",
        );
    } else if let Some(field) = Field::from_label(&name) {
        fields.error(
            "honeypot_field",
            format!(
                "'{name}' is read as the lead's {}: every real lead would be set aside",
                field.name()
            ),
        );
    } else if name == REDIRECT_FIELD {
        fields.error("honeypot_field", "is the form's redirect field");
    } else {
        settings.honeypot_field = Some(name);
    }
}

/// `form_throttle`: `{ip_limit, ip_window_seconds, contact_limit,
/// contact_window_seconds}`, any of them (the others keep their values; a limit of 0
/// turns its check off); `null` brings back the defaults.
pub(super) fn throttle(fields: &mut Fields, settings: &mut ProviderSettings) {
    if fields.is_null("form_throttle") {
        fields.any("form_throttle");
        settings.form_throttle = None;
        return;
    }
    let Some(mut limits) = fields.object("form_throttle") else {
        return;
    };
    let mut throttle = settings.form_throttle();
    let set = |limits: &mut Fields, name: &str, range: RangeInclusive<u64>, value: &mut u64| {
        if let Some(number) = limits.patch_integer(name, range) {
            match number {
                Some(number) => *value = number,
                None => limits.error(name, "must be a whole number, not null"),
            }
        }
    };
    let mut ip_limit = u64::from(throttle.ip_limit);
    let mut contact_limit = u64::from(throttle.contact_limit);
    set(&mut limits, "ip_limit", 0..=MAX_LIMIT, &mut ip_limit);
    set(
        &mut limits,
        "ip_window_seconds",
        1..=MAX_WINDOW_SECONDS,
        &mut throttle.ip_window_seconds,
    );
    set(
        &mut limits,
        "contact_limit",
        0..=MAX_LIMIT,
        &mut contact_limit,
    );
    set(
        &mut limits,
        "contact_window_seconds",
        1..=MAX_WINDOW_SECONDS,
        &mut throttle.contact_window_seconds,
    );
    throttle.ip_limit = u32::try_from(ip_limit).unwrap_or(u32::MAX);
    throttle.contact_limit = u32::try_from(contact_limit).unwrap_or(u32::MAX);
    let errors = limits.close();
    if errors.is_empty() {
        settings.form_throttle = Some(throttle).filter(|t| *t != FormThrottle::default());
    }
    fields.errors.extend(errors);
}
