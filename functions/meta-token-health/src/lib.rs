//! The daily Meta token-health check (an EventBridge schedule): every routed page's token
//! asked about with `debug_token`; a connector whose token no longer works or expires
//! within a week is marked "needs reconnect", and the count of such pages is written as
//! the metric [`METRIC`], which the template alarms on.

use shared::providers::meta::connect::{self, HealthReport};
use shared::providers::meta::{ConnectError, MetaConnect};

/// The CloudWatch namespace and metric of pages waiting to be connected again.
pub const NAMESPACE: &str = "LeadConnectors";
pub const METRIC: &str = "MetaPagesNeedingReconnect";

/// One run: the report, and the metric line (Embedded Metric Format) to print. An
/// error the next run could get past is returned, so Lambda records a failed run.
pub async fn handle(
    connect: &MetaConnect,
    stage: &str,
) -> Result<(HealthReport, String), ConnectError> {
    // Boxed: the check's future is deep enough to overflow the compiler's layout limit.
    let report = Box::pin(connect::check_tokens(connect)).await?;
    tracing::info!(
        pages = report.pages,
        healthy = report.healthy,
        needs_reconnect = report.needs_reconnect,
        unchecked = report.unchecked,
        "Meta page tokens checked"
    );
    let line = shared::telemetry::metric_line(
        NAMESPACE,
        METRIC,
        report.needs_reconnect as f64,
        &[("Stage", stage)],
    );
    Ok((report, line))
}
