//! How vendors sign their deliveries, checked over the raw request, in constant time.
//! Each vendor uses one [`Scheme`]; the vendor files cite where it is documented.

use super::Request;
use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;

/// The header that carries the shared secret of vendors that sign nothing.
pub const SECRET_HEADER: &str = "X-Lead-Secret";
/// The query parameter that carries it for vendors that cannot set a header.
pub const SECRET_PARAM: &str = "secret";

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    #[error("no signing secret is set for this connector: no delivery is trusted until one is")]
    Unconfigured,
    #[error("the {0} header is missing")]
    Missing(&'static str),
    #[error("the {0} header is not in the vendor's format")]
    Malformed(&'static str),
    #[error("the {0} signature does not match the request")]
    Mismatch(&'static str),
    #[error("the {0} timestamp is more than {1} seconds from now: a delayed or replayed delivery")]
    Stale(&'static str, i64),
}

/// One way of signing a delivery.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheme {
    /// `sha256=<base64 HMAC-SHA256 of the body>`.
    BodyBase64 { header: &'static str },
    /// `t=<epoch seconds>,<key>=<hex HMAC-SHA256 of "t.body">`, within `tolerance` seconds.
    Timestamped {
        header: &'static str,
        key: &'static str,
        tolerance: i64,
    },
    /// HubSpot v3: base64 HMAC-SHA256 of method + URI + body + timestamp (milliseconds).
    HubSpotV3,
    /// LinkedIn: hex HMAC-SHA256 of `"hmacsha256=" + body`.
    PrefixedBodyHex {
        header: &'static str,
        prefix: &'static str,
    },
    /// No signature: the connector's secret itself, in [`SECRET_HEADER`] or [`SECRET_PARAM`].
    SharedSecret,
}

pub const HUBSPOT_SIGNATURE: &str = "X-HubSpot-Signature-v3";
pub const HUBSPOT_TIMESTAMP: &str = "X-HubSpot-Request-Timestamp";
/// HubSpot refuses requests older than five minutes; so do we.
const HUBSPOT_TOLERANCE: i64 = 5 * 60;

fn mac(secret: &str, parts: &[&[u8]]) -> Hmac<Sha256> {
    // HMAC takes a key of any length; `new_from_slice` never fails for it.
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(secret.as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC accepts keys of any length"));
    for part in parts {
        mac.update(part);
    }
    mac
}

fn digest(secret: &str, parts: &[&[u8]]) -> Vec<u8> {
    mac(secret, parts).finalize().into_bytes().to_vec()
}

fn check(
    secret: &str,
    parts: &[&[u8]],
    sent: &[u8],
    header: &'static str,
) -> Result<(), SignatureError> {
    mac(secret, parts)
        .verify_slice(sent)
        .map_err(|_| SignatureError::Mismatch(header))
}

fn required<'a>(request: &Request<'a>, header: &'static str) -> Result<&'a str, SignatureError> {
    request
        .header(header)
        .map(str::trim)
        .filter(|value| !value.is_empty())
        .ok_or(SignatureError::Missing(header))
}

fn fresh(header: &'static str, sent: i64, now: i64, tolerance: i64) -> Result<(), SignatureError> {
    if now.abs_diff(sent) > tolerance.unsigned_abs() {
        return Err(SignatureError::Stale(header, tolerance));
    }
    Ok(())
}

/// `t=1,v1=ab,v1=cd` → the timestamp and every signature under `key`.
fn timestamped_parts(value: &str, key: &str) -> Option<(i64, Vec<Vec<u8>>)> {
    let mut timestamp = None;
    let mut signatures = Vec::new();
    for element in value.split(',') {
        let (name, part) = element.trim().split_once('=')?;
        if name == "t" {
            timestamp = Some(part.parse().ok()?);
        } else if name == key {
            signatures.push(hex::decode(part).ok()?);
        }
    }
    Some((timestamp?, signatures)).filter(|(_, s)| !s.is_empty())
}

/// HubSpot signs the URI with these escapes decoded (its request-validation docs list them).
fn hubspot_uri(url: &str) -> String {
    const DECODED: [(&str, &str); 12] = [
        ("%3A", ":"),
        ("%2F", "/"),
        ("%3F", "?"),
        ("%40", "@"),
        ("%21", "!"),
        ("%24", "$"),
        ("%27", "'"),
        ("%28", "("),
        ("%29", ")"),
        ("%2A", "*"),
        ("%2C", ","),
        ("%3B", ";"),
    ];
    let mut uri = String::with_capacity(url.len());
    let mut rest = url;
    while let Some(at) = rest.find('%') {
        uri.push_str(&rest[..at]);
        let escape = rest.get(at..at + 3).unwrap_or(&rest[at..]);
        match DECODED.iter().find(|(e, _)| e.eq_ignore_ascii_case(escape)) {
            Some((_, plain)) => uri.push_str(plain),
            None => uri.push_str(escape),
        }
        rest = &rest[at + escape.len()..];
    }
    uri.push_str(rest);
    uri
}

/// Checks `request` against `secret` as `scheme` says, at `now` (epoch seconds).
pub fn verify(
    scheme: Scheme,
    secret: &str,
    request: &Request,
    now: i64,
) -> Result<(), SignatureError> {
    if secret.trim().is_empty() {
        return Err(SignatureError::Unconfigured);
    }
    let body = request.body;
    match scheme {
        Scheme::BodyBase64 { header } => {
            let value = required(request, header)?;
            let sent = value
                .strip_prefix("sha256=")
                .and_then(|b64| BASE64.decode(b64).ok())
                .ok_or(SignatureError::Malformed(header))?;
            check(secret, &[body], &sent, header)
        }
        Scheme::Timestamped {
            header,
            key,
            tolerance,
        } => {
            let value = required(request, header)?;
            let (timestamp, signatures) =
                timestamped_parts(value, key).ok_or(SignatureError::Malformed(header))?;
            fresh(header, timestamp, now, tolerance)?;
            let signed = timestamp.to_string();
            let expected = digest(secret, &[signed.as_bytes(), b".", body]);
            let any: bool = signatures
                .iter()
                .fold(subtle::Choice::from(0), |any, sent| {
                    any | expected.ct_eq(sent)
                })
                .into();
            any.then_some(()).ok_or(SignatureError::Mismatch(header))
        }
        Scheme::HubSpotV3 => {
            let value = required(request, HUBSPOT_SIGNATURE)?;
            let timestamp = required(request, HUBSPOT_TIMESTAMP)?;
            let millis: i64 = timestamp
                .parse()
                .map_err(|_| SignatureError::Malformed(HUBSPOT_TIMESTAMP))?;
            fresh(HUBSPOT_TIMESTAMP, millis / 1000, now, HUBSPOT_TOLERANCE)?;
            let sent = BASE64
                .decode(value)
                .map_err(|_| SignatureError::Malformed(HUBSPOT_SIGNATURE))?;
            let uri = hubspot_uri(request.url);
            let parts = [
                request.method.as_bytes(),
                uri.as_bytes(),
                body,
                timestamp.as_bytes(),
            ];
            check(secret, &parts, &sent, HUBSPOT_SIGNATURE)
        }
        Scheme::PrefixedBodyHex { header, prefix } => {
            let value = required(request, header)?;
            let value = value.strip_prefix(prefix).unwrap_or(value);
            let sent = hex::decode(value).map_err(|_| SignatureError::Malformed(header))?;
            check(secret, &[prefix.as_bytes(), body], &sent, header)
        }
        Scheme::SharedSecret => {
            let sent = request
                .header(SECRET_HEADER)
                .map(str::to_owned)
                .or_else(|| request.query(SECRET_PARAM))
                .ok_or(SignatureError::Missing(SECRET_HEADER))?;
            let equal: bool = sent.trim().as_bytes().ct_eq(secret.as_bytes()).into();
            equal
                .then_some(())
                .ok_or(SignatureError::Mismatch(SECRET_HEADER))
        }
    }
}

/// The headers the vendor would send with `request` at `now`: for tests, sample events
/// and the README's signed `curl`.
pub fn sign(
    scheme: Scheme,
    secret: &str,
    request: &Request,
    now: i64,
) -> Vec<(&'static str, String)> {
    let body = request.body;
    match scheme {
        Scheme::BodyBase64 { header } => {
            let signature = BASE64.encode(digest(secret, &[body]));
            vec![(header, format!("sha256={signature}"))]
        }
        Scheme::Timestamped { header, key, .. } => {
            let signed = now.to_string();
            let signature = hex::encode(digest(secret, &[signed.as_bytes(), b".", body]));
            vec![(header, format!("t={now},{key}={signature}"))]
        }
        Scheme::HubSpotV3 => {
            let millis = now.saturating_mul(1000).to_string();
            let uri = hubspot_uri(request.url);
            let parts = [
                request.method.as_bytes(),
                uri.as_bytes(),
                body,
                millis.as_bytes(),
            ];
            let signature = BASE64.encode(digest(secret, &parts));
            vec![(HUBSPOT_SIGNATURE, signature), (HUBSPOT_TIMESTAMP, millis)]
        }
        Scheme::PrefixedBodyHex { header, prefix } => {
            vec![(
                header,
                hex::encode(digest(secret, &[prefix.as_bytes(), body])),
            )]
        }
        Scheme::SharedSecret => vec![(SECRET_HEADER, secret.to_owned())],
    }
}

/// `Hex(HMAC-SHA256(challenge, secret))`: LinkedIn's endpoint-validation answer.
pub fn hex_hmac(secret: &str, message: &str) -> String {
    hex::encode(digest(secret, &[message.as_bytes()]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hubspot_decodes_only_the_escapes_it_lists() {
        assert_eq!(
            hubspot_uri("https://x.io/h?a=%3a%2F%40&b=%20%25&c=%"),
            "https://x.io/h?a=:/@&b=%20%25&c=%"
        );
    }

    #[test]
    fn timestamped_headers_are_read_with_every_signature() {
        let (t, sigs) = timestamped_parts("t=12,v1=ab,v0=zz,v1=cd", "v1").unwrap_or_default();
        assert_eq!((t, sigs.len()), (12, 2));
        assert!(timestamped_parts("v1=ab", "v1").is_none());
        assert!(timestamped_parts("t=1", "v1").is_none());
        assert!(timestamped_parts("t=x,v1=ab", "v1").is_none());
        assert!(timestamped_parts("t=1,v1=not-hex", "v1").is_none());
    }

    #[test]
    fn freshness_is_checked_both_ways() {
        assert_eq!(fresh("h", 100, 280, 180), Ok(()));
        assert_eq!(
            fresh("h", 100, 281, 180),
            Err(SignatureError::Stale("h", 180))
        );
        assert_eq!(
            fresh("h", 500, 300, 180),
            Err(SignatureError::Stale("h", 180))
        );
        assert!(fresh("h", i64::MIN, i64::MAX, 180).is_err());
    }
}
