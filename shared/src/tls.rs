//! The one TLS stack: rustls with ring and the system's roots, for the AWS SDK's HTTP
//! client ([`crate::aws`]) and reqwest's (the Graph API, forwarding) alike.
//!
//! ring, not aws-lc-rs (the SDK's default): the smaller of the two in a function (183 KiB
//! of api-intake's code against aws-lc's 387 KiB, and a fraction of its tables), and every
//! endpoint this project calls offers what ring has (TLS 1.2 and 1.3, X25519, P-256).
//! What aws-lc-rs would add is the post-quantum hybrid key exchange (X25519MLKEM768) and
//! a FIPS mode, neither asked of this project.

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
    fn the_system_has_roots_to_read() {
        // This machine, like Lambda's images, has a CA bundle: without one every HTTPS
        // connection would fail (aws::http's tests connect with a test CA instead).
        let roots = rustls_native_certs::load_native_certs().certs;
        assert!(!roots.is_empty());
    }
}
