//! JSON logs, one object per line, as CloudWatch Logs Insights reads them.

use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::EnvFilter;

/// Installs the JSON subscriber; `RUST_LOG` sets the level (default `info`).
pub fn init() {
    init_with(std::io::stdout);
}

/// The same subscriber writing to `writer` (tests read the lines back).
pub fn init_with<W>(writer: W)
where
    W: for<'a> MakeWriter<'a> + Send + Sync + 'static,
{
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .json()
        .with_env_filter(filter)
        .with_current_span(false)
        .with_target(false)
        .without_time()
        .with_writer(writer)
        .try_init();
}
