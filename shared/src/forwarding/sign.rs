//! The signature a destination checks: `X-Lead-Signature: t=<unix>,v1=<hex>`, the hex
//! HMAC-SHA256 of `"<t>.<body>"` under the destination's signing secret, one `v1=` per
//! secret valid now (the new one and, during a rotation's grace period, the old one).

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

/// The header's name.
pub const SIGNATURE_HEADER: &str = "X-Lead-Signature";

/// The hex HMAC-SHA256 of `"<timestamp>.<body>"` under `secret`.
pub fn signature(secret: &str, timestamp: i64, body: &str) -> String {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes any key length");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// The header's value: `t=<timestamp>` and a `v1=` for each secret.
pub fn header(secrets: &[&str], timestamp: i64, body: &str) -> String {
    let mut value = format!("t={timestamp}");
    for secret in secrets {
        value.push_str(",v1=");
        value.push_str(&signature(secret, timestamp, body));
    }
    value
}

/// A new signing secret: `whsec_` and 32 random characters, used as given (its bytes
/// are the HMAC key).
pub fn new_secret() -> String {
    crate::domain::random_token("whsec_")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signature_is_the_hmac_of_the_timestamp_a_dot_and_the_body() {
        // printf '1700000000.{"a":1}' | openssl dgst -sha256 -hmac whsec_test
        assert_eq!(
            signature("whsec_test", 1_700_000_000, r#"{"a":1}"#),
            "38877139021993b830af32feea6e18a8da83eb2f6e49ee50bd9e4cf4ca4d3789"
        );
        let value = header(&["new", "old"], 7, "{}");
        let parts: Vec<&str> = value.split(',').collect();
        assert_eq!(parts[0], "t=7");
        assert_eq!(parts[1], format!("v1={}", signature("new", 7, "{}")));
        assert_eq!(parts[2], format!("v1={}", signature("old", 7, "{}")));
    }
}
