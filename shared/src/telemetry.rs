//! JSON logs, one object per line, as CloudWatch Logs Insights reads them.

use tracing_subscriber::filter::Targets;
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

/// Installs the JSON subscriber; `RUST_LOG` sets the level (default `info`): a level
/// (`debug`), or targets with levels (`shared::pipeline=debug,info`). An unreadable value
/// keeps `info`. (`Targets`, not `EnvFilter`: no span or field filters, and no regex
/// engine for them in every function.)
pub fn init() {
    init_with(std::io::stdout);
}

/// The same subscriber writing to `writer` (tests read the lines back).
pub fn init_with<W>(writer: W)
where
    W: for<'a> MakeWriter<'a> + Send + Sync + 'static,
{
    let filter = std::env::var("RUST_LOG")
        .ok()
        .and_then(|directives| directives.parse::<Targets>().ok())
        .unwrap_or_else(|| Targets::new().with_default(tracing::Level::INFO));
    let _ = tracing_subscriber::fmt()
        .json()
        .with_current_span(false)
        .with_target(false)
        .without_time()
        .with_writer(writer)
        .finish()
        .with(filter)
        .try_init();
}

/// One CloudWatch metric as an Embedded Metric Format log line: written to stdout, it
/// becomes a metric in `namespace` without an API call or an IAM grant.
pub fn metric_line(namespace: &str, name: &str, value: f64, dimensions: &[(&str, &str)]) -> String {
    let mut line = serde_json::json!({
        "_aws": {
            "Timestamp": chrono::Utc::now().timestamp_millis(),
            "CloudWatchMetrics": [{
                "Namespace": namespace,
                "Dimensions": [dimensions.iter().map(|(k, _)| *k).collect::<Vec<_>>()],
                "Metrics": [{"Name": name, "Unit": "Count"}],
            }],
        },
    });
    line[name] = value.into();
    for (key, value) in dimensions {
        line[*key] = (*value).into();
    }
    line.to_string()
}

/// `text` as a log line may show it: every word with an `@` (an email address) becomes
/// `[address]`, and every double-quoted part (where serde and the AWS services quote a
/// submitted or stored value) becomes `"…"`. Field names, codes and ids stay.
pub fn redact(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut quoted = false;
    for (n, part) in text.split('"').enumerate() {
        if n > 0 {
            out.push('"');
        }
        if quoted {
            out.push('…');
        } else {
            let words: Vec<&str> = part
                .split(' ')
                .map(|word| {
                    if word.contains('@') {
                        "[address]"
                    } else {
                        word
                    }
                })
                .collect();
            out.push_str(&words.join(" "));
        }
        quoted = !quoted;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn addresses_and_quoted_values_are_redacted() {
        assert_eq!(
            redact("MessageRejected: Email address is not verified: pat@example.com, lee@x.org"),
            "MessageRejected: Email address is not verified: [address] [address]"
        );
        assert_eq!(
            redact("invalid type: string \"Zelda Quartz\", expected u64 at `ip_limit`"),
            "invalid type: string \"…\", expected u64 at `ip_limit`"
        );
        assert_eq!(
            redact("table leads does not exist"),
            "table leads does not exist"
        );
    }
}
