//! The checks, each one AWS question and its reading.

use super::Check;
use crate::target::Target;
use aws_sdk_dynamodb::types::{ContinuousBackupsStatus, TimeToLiveStatus};
use aws_sdk_ses::types::VerificationStatus;

pub async fn table(target: &Target) -> Vec<Check> {
    let client = aws_sdk_dynamodb::Client::new(&target.config);
    let name = target.store.table();
    let described = match client.describe_table().table_name(name).send().await {
        Ok(described) => described,
        Err(err)
            if err
                .as_service_error()
                .is_some_and(|e| e.is_resource_not_found_exception()) =>
        {
            let fix = "deploy the stack, or name the right table with --table";
            return vec![Check::fail("table", format!("{name} does not exist"), fix)];
        }
        Err(err) => return vec![Check::unknown("table", &err)],
    };
    let mut checks = Vec::new();
    let table = described.table();
    let status = table
        .and_then(|t| t.table_status())
        .map(|s| s.as_str().to_owned());
    let stream = table.and_then(|t| t.stream_specification());
    let streaming = stream.is_some_and(|s| s.stream_enabled());
    let view = stream
        .and_then(|s| s.stream_view_type())
        .map(|v| v.as_str().to_owned());
    match (status.as_deref(), streaming) {
        (Some("ACTIVE"), true) => checks.push(Check::ok(
            "table",
            format!("{name} is ACTIVE, stream {}", view.unwrap_or_default()),
        )),
        (_, false) => checks.push(Check::fail(
            "table",
            format!("{name} has no stream: speed-to-lead never runs"),
            "deploy template.yaml's table (StreamSpecification NEW_IMAGE)",
        )),
        (status, _) => checks.push(Check::warn(
            "table",
            format!("{name} is {}", status.unwrap_or("in an unknown state")),
            "wait for the stack to finish",
        )),
    }
    if table.and_then(|t| t.deletion_protection_enabled()) == Some(false) {
        checks.push(Check::warn(
            "table deletion protection",
            "off",
            format!("aws dynamodb update-table --table-name {name} --deletion-protection-enabled"),
        ));
    }
    checks.push(match client.describe_time_to_live().table_name(name).send().await {
        Ok(ttl) => {
            let ttl = ttl.time_to_live_description();
            let on = ttl.and_then(|t| t.time_to_live_status()) == Some(&TimeToLiveStatus::Enabled);
            let attribute = ttl.and_then(|t| t.attribute_name()).unwrap_or_default();
            if on {
                Check::ok("time to live", format!("on {attribute}"))
            } else {
                Check::warn(
                    "time to live",
                    "off: idempotency records, claims and throttle windows never expire",
                    format!("aws dynamodb update-time-to-live --table-name {name} --time-to-live-specification Enabled=true,AttributeName=expires_at"),
                )
            }
        }
        Err(err) => Check::unknown("time to live", &err),
    });
    checks.push(match client.describe_continuous_backups().table_name(name).send().await {
        Ok(backups) => {
            let pitr = backups
                .continuous_backups_description()
                .and_then(|d| d.point_in_time_recovery_description())
                .and_then(|p| p.point_in_time_recovery_status());
            if pitr.is_some_and(|s| s.as_str() == "ENABLED") {
                Check::ok("point-in-time recovery", "on")
            } else {
                let on = backups.continuous_backups_description().map(|d| d.continuous_backups_status());
                let detail = match on {
                    Some(ContinuousBackupsStatus::Enabled) => "backups on, point-in-time recovery off",
                    _ => "off: a deleted lead cannot be restored",
                };
                Check::warn(
                    "point-in-time recovery",
                    detail,
                    format!("aws dynamodb update-continuous-backups --table-name {name} --point-in-time-recovery-specification PointInTimeRecoveryEnabled=true"),
                )
            }
        }
        Err(err) => Check::unknown("point-in-time recovery", &err),
    });
    checks
}

/// The active receipt rule set must be the stack's (an account has one active set).
pub async fn receipt_rule_set(target: &Target) -> Vec<Check> {
    let name = "SES receipt rule set";
    if target.stack.is_none() {
        return vec![Check::needs_stack(name)];
    }
    let Some(ours) = target.output("InboundEmailRuleSetName") else {
        return vec![Check::ok(
            name,
            "inbound email is off (no InboundEmailDomain)",
        )];
    };
    let client = aws_sdk_ses::Client::new(&target.config);
    let active = match client.describe_active_receipt_rule_set().send().await {
        Ok(active) => active.metadata().and_then(|m| m.name()).map(str::to_owned),
        Err(err) => return vec![Check::unknown(name, &err)],
    };
    let activate = format!("aws ses set-active-receipt-rule-set --rule-set-name {ours}");
    vec![match active.as_deref() {
        Some(active) if active == ours => Check::ok(name, format!("{ours} is active")),
        Some(other) => Check::fail(
            name,
            format!("{other} is active, not {ours}: no lead email reaches this stack"),
            format!("move {other}'s rules into {ours} (or retire them), then {activate}"),
        ),
        None => Check::fail(
            name,
            format!("no rule set is active; {ours} is not"),
            activate,
        ),
    }]
}

/// The inbound domain and the sender's domain: verified, with DKIM.
pub async fn identities(target: &Target) -> Vec<Check> {
    if target.stack.is_none() {
        return vec![Check::needs_stack("SES identities")];
    }
    let sender = target
        .output("SenderAddress")
        .and_then(|s| s.rsplit_once('@'))
        .map(|(_, d)| d);
    let domains: Vec<(&str, &str)> = [
        ("inbound domain", target.output("InboundEmailDomain")),
        ("sender domain", sender),
    ]
    .into_iter()
    .filter_map(|(what, domain)| Some((what, domain?)))
    .collect();
    let client = aws_sdk_ses::Client::new(&target.config);
    let mut checks = Vec::new();
    for (what, domain) in domains {
        let name = format!("SES {what} {domain}");
        let verified = client
            .get_identity_verification_attributes()
            .identities(domain)
            .send()
            .await;
        checks.push(match verified {
            Ok(answer) => match answer.verification_attributes().get(domain).map(|a| a.verification_status()) {
                Some(VerificationStatus::Success) => Check::ok(&name, "verified"),
                Some(VerificationStatus::Pending) => Check::warn(&name, "verification pending", "publish the TXT/DKIM records SES gave you and wait"),
                _ => Check::fail(&name, "not a verified identity", format!("aws ses verify-domain-identity --domain {domain} (then publish its DNS records)")),
            },
            Err(err) => Check::unknown(&name, &err),
        });
        let dkim = client
            .get_identity_dkim_attributes()
            .identities(domain)
            .send()
            .await;
        let name = format!("SES DKIM {domain}");
        checks.push(match dkim {
            Ok(answer) => match answer.dkim_attributes().get(domain) {
                Some(a)
                    if a.dkim_enabled()
                        && a.dkim_verification_status() == &VerificationStatus::Success =>
                {
                    Check::ok(&name, "enabled and verified")
                }
                _ => Check::warn(
                    &name,
                    "not enabled or not verified: mail may land in spam",
                    format!(
                        "aws ses verify-domain-dkim --domain {domain} (publish the three CNAMEs)"
                    ),
                ),
            },
            Err(err) => Check::unknown(&name, &err),
        });
    }
    checks
}

/// Production access, from SES v2's account (the exact answer), with the send quota.
pub async fn sandbox(target: &Target) -> Check {
    let name = "SES sending";
    let quota = aws_sdk_ses::Client::new(&target.config)
        .get_send_quota()
        .send()
        .await;
    let quota = match quota {
        Ok(q) => format!(
            "{} of {} sent in 24 h, {} a second",
            q.sent_last24_hours(),
            q.max24_hour_send(),
            q.max_send_rate()
        ),
        Err(_) => "quota unknown".to_owned(),
    };
    match aws_sdk_sesv2::Client::new(&target.config).get_account().send().await {
        Ok(account) if account.production_access_enabled() => Check::ok(name, format!("production access; {quota}")),
        Ok(_) => Check::warn(
            name,
            format!("the account is in the SES sandbox: mail goes only to verified addresses; {quota}"),
            "request production access (SES console → Account dashboard → Request production access)",
        ),
        Err(err) => Check::unknown(name, &err),
    }
}
