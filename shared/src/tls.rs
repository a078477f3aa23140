//! The one TLS stack: rustls with ring and the system's roots, for the AWS SDK's HTTP
//! client ([`crate::aws`]) and reqwest's (the Graph API, forwarding) alike.
//!
//! ring, not aws-lc-rs (the SDK's default): a lead door's zip is about 0.3 MiB smaller
//! with it (BENCHMARKS.md), and every AWS endpoint this project calls offers the
//! key exchanges ring has (X25519, P-256); what aws-lc-rs adds is the post-quantum hybrid
//! (X25519MLKEM768), which no endpoint here needs.

use std::sync::{Arc, OnceLock};

/// The client configuration every connection of the process uses, built on first use:
/// the system's roots are read then, not at start (a cold start that never calls out
/// does not pay for them), and once per process.
pub fn config() -> Arc<rustls::ClientConfig> {
    static CONFIG: OnceLock<Arc<rustls::ClientConfig>> = OnceLock::new();
    CONFIG.get_or_init(|| Arc::new(build_config())).clone()
}

fn build_config() -> rustls::ClientConfig {
    let found = rustls_native_certs::load_native_certs();
    let mut roots = rustls::RootCertStore::empty();
    let (added, ignored) = roots.add_parsable_certificates(found.certs);
    if !found.errors.is_empty() || ignored > 0 {
        tracing::warn!(added, ignored, errors = ?found.errors, "some of the system's root certificates could not be read");
    }
    if roots.is_empty() {
        tracing::error!("no root certificate found: every HTTPS connection will fail");
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("ring supports rustls's default protocol versions")
        .with_root_certificates(roots)
        .with_no_client_auth()
}

/// A reqwest client builder on [`config`]. Every reqwest client of this crate starts here.
pub fn client_builder() -> reqwest::ClientBuilder {
    reqwest::Client::builder().use_preconfigured_tls(config().as_ref().clone())
}

#[cfg(test)]
mod tests {
    #[test]
    fn one_configuration_for_every_client() {
        assert!(std::sync::Arc::ptr_eq(&super::config(), &super::config()));
        assert!(super::client_builder().build().is_ok());
    }

    #[test]
    fn the_systems_roots_are_read() {
        assert!(!super::config().alpn_protocols.contains(&b"h2".to_vec()));
        // This machine, like Lambda's images, has a CA bundle: a config with no root would
        // fail every connection, so the test fails too.
        let roots = rustls_native_certs::load_native_certs().certs;
        assert!(!roots.is_empty());
    }
}
