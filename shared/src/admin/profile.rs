//! A connector profile edited from an admin's JSON: every field checked, every
//! mistake reported under its own name.

use super::form_settings;
use super::input::Fields;
use crate::domain::{Connector, ConnectorStatus, Email, Provider, SigningSecret, Transport};
use crate::mapping::{normalize_label, Field};
use serde_json::Value;

pub(super) const TRANSPORTS: [&str; 4] = ["api", "public_form", "email_inbound", "webhook"];
pub(super) const STATUSES: [&str; 3] = ["draft", "active", "paused"];

/// Provider and transport as given; they must agree (each provider has one transport).
pub(super) fn kind(fields: &mut Fields) -> (Option<Provider>, Option<Transport>) {
    let provider: Option<Provider> = fields.choice("provider", &Provider::ALL.map(Provider::key));
    let transport: Option<Transport> = fields.choice("transport", &TRANSPORTS);
    if let (Some(provider), Some(transport)) = (provider, transport) {
        if provider.transport() != transport {
            fields.error(
                "transport",
                format!(
                    "a {provider} connector uses the {} transport",
                    provider.transport()
                ),
            );
        }
    }
    (provider, transport)
}

/// `draft` → `active` ⇄ `paused`.
pub(super) fn transition(
    fields: &mut Fields,
    from: ConnectorStatus,
    to: ConnectorStatus,
) -> ConnectorStatus {
    use ConnectorStatus::*;
    match (from, to) {
        (a, b) if a == b => to,
        (Draft, Active) | (Active, Paused) | (Paused, Active) => to,
        _ => {
            fields.error(
                "status",
                format!(
                    "a {} connector cannot become {}: draft → active ⇄ paused",
                    from.key(),
                    to.key()
                ),
            );
            from
        }
    }
}

/// Applies every editable field present in `fields` to `connector`.
pub(super) fn edit(fields: &mut Fields, connector: &mut Connector) {
    if let Some(name) = fields.patch_text("display_name", 200) {
        match name {
            Some(name) => connector.display_name = name,
            None => fields.error("display_name", "must not be blank"),
        }
    }
    if let Some(label) = fields.patch_text("source_label", 100) {
        connector.source_label = label;
    }
    if let Some(rep) = fields.patch_text("assigned_rep", 254) {
        match rep.as_deref().map(Email::parse).transpose() {
            Ok(rep) => connector.assigned_rep = rep.map(String::from),
            Err(message) => fields.error("assigned_rep", message),
        }
    }
    if let Some(prefix) = fields.patch_text("notes_prefix", 500) {
        connector.notes_prefix = prefix;
    }
    if let Some(on) = fields.boolean("speed_to_lead") {
        connector.speed_to_lead = on;
    }
    match fields.patch_number("review_threshold") {
        Some(Some(t)) if !(0.0..=1.0).contains(&t) => {
            fields.error("review_threshold", "must be between 0 and 1")
        }
        Some(threshold) => connector.review_threshold = threshold,
        None => {}
    }
    if let Some(aliases) = fields.string_map("field_aliases") {
        connector.field_aliases.clear();
        for (from, to) in aliases {
            let from = from.trim().to_owned();
            match Field::from_name(&normalize_label(&to)) {
                Some(field) if !from.is_empty() => {
                    connector
                        .field_aliases
                        .insert(from, field.name().to_owned());
                }
                Some(_) => fields.error("field_aliases", "an incoming field name is blank"),
                None => fields.error(
                    &format!("field_aliases.{from}"),
                    format!(
                        "'{to}' is not a lead field; use one of: {}",
                        Field::ALL.map(Field::name).join(", ")
                    ),
                ),
            }
        }
    }
    if let Some(mut settings) = fields.object("settings") {
        edit_settings(&mut settings, connector);
        fields.errors.append(&mut settings.errors);
    }
    super::rules::edit(fields, &mut connector.rules);
}

const GENERATED: [&str; 3] = ["connector_key", "form_id", "google_key"];

fn edit_settings(fields: &mut Fields, connector: &mut Connector) {
    let provider = connector.provider;
    for name in GENERATED {
        if fields.any(name).is_some() {
            fields.error(
                name,
                "is generated: use POST /admin/connectors/{id}/regenerate-key for a new one",
            );
        }
    }
    let only = |fields: &mut Fields, name: &str, allowed: &[Provider]| {
        let applies = allowed.contains(&provider);
        if !applies {
            let names: Vec<_> = allowed.iter().map(|p| p.key()).collect();
            fields.error(
                name,
                format!("applies to {} connectors only", names.join(" and ")),
            );
        }
        applies
    };
    let settings = &mut connector.settings;
    if let Some(secret) = fields.patch_text("signing_secret", 512) {
        let vendors: Vec<_> = Provider::ALL
            .into_iter()
            .filter(|p| p.vendor().is_some())
            .collect();
        if only(fields, "signing_secret", &vendors) {
            match secret.as_deref().map(SigningSecret::parse) {
                Some(Ok(secret)) => settings.signing_secret = Some(secret),
                Some(Err(message)) => fields.error("signing_secret", message),
                None => fields.error(
                    "signing_secret",
                    "cannot be cleared: paste another one, or regenerate it",
                ),
            }
        }
    }
    if let Some(page_id) = fields.patch_text("page_id", 64) {
        if only(fields, "page_id", &[Provider::Meta]) {
            match page_id {
                Some(id) if !id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') => {
                    fields.error("page_id", "must be letters, digits and underscores")
                }
                page_id => settings.page_id = page_id,
            }
        }
    }
    if let Some(form) = fields.patch_text("lead_form_id", 128) {
        if only(
            fields,
            "lead_form_id",
            &[Provider::Meta, Provider::GoogleAds],
        ) {
            settings.lead_form_id = form;
        }
    }
    if let Some(origins) = fields.string_list("allowed_origins") {
        if only(fields, "allowed_origins", &[Provider::WebsiteForm]) {
            for bad in origins.iter().filter(|o| !is_origin(o)) {
                fields.error(
                    "allowed_origins",
                    format!("'{bad}' is not an origin like https://example.com"),
                );
            }
            settings.allowed_origins = origins;
        }
    }
    if let Some(url) = fields.patch_text("redirect_url", 2048) {
        // A form's thank-you page; a Meta connector's admin page after Connect Meta.
        if only(
            fields,
            "redirect_url",
            &[Provider::WebsiteForm, Provider::Meta],
        ) {
            match url {
                Some(url) if !is_web_url(&url) => {
                    fields.error("redirect_url", "must be an http(s) URL")
                }
                url => settings.redirect_url = url,
            }
        }
    }
    for name in ["honeypot_field", "form_throttle"] {
        if fields.has(name) && !only(fields, name, &[Provider::WebsiteForm]) {
            fields.any(name);
        }
    }
    form_settings::honeypot(fields, settings);
    form_settings::throttle(fields, settings);
    for name in ["require_spf", "require_dkim"] {
        if !fields.has(name) {
            continue;
        }
        if !only(fields, name, &[Provider::EmailForward]) {
            fields.any(name);
        } else if let Some(on) = fields.boolean(name) {
            match name {
                "require_spf" => settings.require_spf = on,
                _ => settings.require_dkim = on,
            }
        }
    }
    if let Some(senders) = fields.string_list("allowed_senders") {
        if only(fields, "allowed_senders", &[Provider::EmailForward]) {
            for bad in senders.iter().filter(|s| !is_sender(s)) {
                fields.error(
                    "allowed_senders",
                    format!("'{bad}' is neither an address nor a domain like @example.com"),
                );
            }
            settings.allowed_senders = senders;
        }
    }
    for (name, value) in fields.rest() {
        // `null` clears a setting an older version kept; anything else is unknown.
        match value {
            Value::Null => {
                settings.extra.remove(&name);
            }
            _ => fields.error(&name, format!("is not a setting of {provider} connectors")),
        }
    }
}

/// What only an active connector needs.
pub(super) fn check_activation(fields: &mut Fields, connector: &Connector) {
    if !connector.is_active() {
        return;
    }
    if connector.provider == Provider::Meta && connector.settings.page_id.is_none() {
        fields.error(
            "settings.page_id",
            "a Meta connector needs its page id before it can be active",
        );
    }
    if let Some(vendor) = connector.provider.vendor() {
        if connector.settings.signing_secret.is_none() {
            fields.error(
                "settings.signing_secret",
                format!(
                    "{vendor} signs its webhooks with your app's client secret: paste it here \
                     before the connector can be active"
                ),
            );
        }
    }
}

/// An address, or `@` and a domain.
fn is_sender(entry: &str) -> bool {
    match entry.strip_prefix('@') {
        Some(domain) => Email::parse(&format!("x@{domain}")).is_ok(),
        None => Email::parse(entry).is_ok(),
    }
}

fn host_part(url: &str) -> Option<&str> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))?;
    Some(rest.split(['/', '?', '#']).next().unwrap_or_default())
        .filter(|host| !host.is_empty() && !host.contains(char::is_whitespace))
}

fn is_web_url(url: &str) -> bool {
    host_part(url).is_some()
}

/// `scheme://host[:port]`, nothing after.
fn is_origin(origin: &str) -> bool {
    host_part(origin).is_some_and(|host| origin.ends_with(host))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_are_scheme_and_host_only() {
        assert!(is_origin("https://example.com"));
        assert!(is_origin("http://localhost:8080"));
        assert!(!is_origin("https://example.com/form"));
        assert!(!is_origin("example.com"));
        assert!(!is_origin("https://"));
    }
}
