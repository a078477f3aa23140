//! The one TLS stack. The AWS SDK's HTTP client is rustls with aws-lc-rs; reqwest (the
//! Graph API, forwarding) is built without a crypto provider of its own (its default
//! would be ring, a second one) and takes the process's, installed here: aws-lc-rs.

/// A reqwest client builder whose TLS is rustls with aws-lc-rs and the system's roots.
/// Every reqwest client of this crate starts here: reqwest without a provider panics
/// when none is installed.
pub fn client_builder() -> reqwest::ClientBuilder {
    // Err only when a provider is already installed (by an earlier call, or a test's).
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
    reqwest::Client::builder()
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_client_builds_with_the_sdks_provider() {
        assert!(super::client_builder().build().is_ok());
        assert!(rustls::crypto::CryptoProvider::get_default().is_some());
    }
}
