//! Who may send leads to an email connector: SES's SPF and DKIM verdicts, when the
//! connector requires them, and its sender allowlist. A forwarding address is public, so
//! a connector that only takes mail from its own form plug-in can say so.

use super::Arrival;
use crate::domain::ProviderSettings;

/// Why `arrival` (From `sender`, as `Name <address>` or a bare address) must not make a
/// lead under `settings`, or `None` when it may.
pub(super) fn refusal(
    settings: &ProviderSettings,
    arrival: &Arrival,
    sender: Option<&str>,
) -> Option<String> {
    let checks = [
        ("SPF", settings.require_spf, &arrival.spf_verdict),
        ("DKIM", settings.require_dkim, &arrival.dkim_verdict),
    ];
    for (check, required, verdict) in checks {
        let passed = verdict
            .as_deref()
            .is_some_and(|v| v.eq_ignore_ascii_case("PASS"));
        if required && !passed {
            let verdict = verdict.as_deref().unwrap_or("none");
            return Some(format!(
                "{check} verdict {verdict}: the connector requires PASS"
            ));
        }
    }
    if settings.allowed_senders.is_empty() {
        return None;
    }
    let address = sender.map(address_of).unwrap_or_default();
    let allowed = settings
        .allowed_senders
        .iter()
        .any(|entry| sender_matches(entry, &address));
    (!allowed).then(|| "the sender is not on the connector's allowed senders".to_owned())
}

/// The address of `Name <address>`, lower-cased.
fn address_of(mailbox: &str) -> String {
    let address = match mailbox.rsplit_once('<') {
        Some((_, rest)) => rest.trim_end().trim_end_matches('>'),
        None => mailbox,
    };
    address.trim().to_lowercase()
}

/// `entry` is an address (equal, ignoring case) or `@domain` (the address's domain).
pub fn sender_matches(entry: &str, address: &str) -> bool {
    let entry = entry.trim().to_lowercase();
    match entry.strip_prefix('@') {
        Some(domain) => address
            .rsplit_once('@')
            .is_some_and(|(local, d)| !local.is_empty() && d == domain),
        None => !address.is_empty() && entry == address,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn arrival(spf: &str, dkim: &str) -> Arrival {
        Arrival {
            message_id: "m".into(),
            recipients: vec![],
            spam_verdict: None,
            virus_verdict: None,
            spf_verdict: Some(spf.into()),
            dkim_verdict: Some(dkim.into()),
            attempt: 0,
        }
    }

    #[test]
    fn required_verdicts_must_pass() {
        let mut settings = ProviderSettings::default();
        assert_eq!(refusal(&settings, &arrival("FAIL", "FAIL"), None), None);
        settings.require_dkim = true;
        assert_eq!(refusal(&settings, &arrival("FAIL", "PASS"), None), None);
        let reason = refusal(&settings, &arrival("PASS", "GRAY"), None).unwrap();
        assert_eq!(reason, "DKIM verdict GRAY: the connector requires PASS");
        settings.require_spf = true;
        assert!(refusal(&settings, &arrival("FAIL", "PASS"), None).is_some());
    }

    #[test]
    fn the_allowlist_takes_addresses_and_domains() {
        let settings = ProviderSettings {
            allowed_senders: vec!["forms@site.example".into(), "@crm.example".into()],
            ..ProviderSettings::default()
        };
        let ok = arrival("PASS", "PASS");
        for sender in ["WordPress <Forms@Site.example>", "bot@crm.example"] {
            assert_eq!(refusal(&settings, &ok, Some(sender)), None, "{sender}");
        }
        for sender in [
            Some("x@site.example"),
            Some("bot@evil-crm.example"),
            Some("crm.example <bot@evil.example>"),
            None,
        ] {
            assert!(refusal(&settings, &ok, sender).is_some(), "{sender:?}");
        }
    }
}
