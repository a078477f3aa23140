//! Compliance certificates a lead may carry as proof of consent: a TrustedForm
//! certificate URL (`xxTrustedFormCertUrl`) and a Jornaya LeadiD (`universal_leadid`).
//! Each has one way in, [`parse`](TrustedFormCert::parse), which checks its format
//! (neither is claimed or verified with its issuer here).

use super::contact::string_newtype;
use serde::{Deserialize, Serialize};
use std::fmt;

/// `https://cert.trustedform.com/{certificate id}`: the only host TrustedForm serves
/// certificates from (ActiveProspect's docs: never send anything to another one); the
/// id's format varies with how the certificate was issued, up to 255 characters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct TrustedFormCert(String);

const TRUSTEDFORM_ORIGIN: &str = "https://cert.trustedform.com/";

impl TrustedFormCert {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let raw = raw.trim();
        let invalid = || {
            format!(
                "'{raw}' is not a TrustedForm certificate URL: expected \
                 {TRUSTEDFORM_ORIGIN}<certificate id>"
            )
        };
        let origin = raw.get(..TRUSTEDFORM_ORIGIN.len()).ok_or_else(invalid)?;
        if !origin.eq_ignore_ascii_case(TRUSTEDFORM_ORIGIN) {
            return Err(invalid());
        }
        let id = &raw[TRUSTEDFORM_ORIGIN.len()..];
        let id_ok = (1..=255).contains(&id.len())
            && id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
        if !id_ok {
            return Err(invalid());
        }
        Ok(Self(format!("{TRUSTEDFORM_ORIGIN}{id}")))
    }
}

/// A Jornaya (Verisk) LeadiD token: 36 hexadecimal characters as
/// `XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX`, kept upper-case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct JornayaLeadId(String);

impl JornayaLeadId {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let token = raw.trim();
        let groups: Vec<&str> = token.split('-').collect();
        let shaped = groups.iter().map(|g| g.len()).eq([8, 4, 4, 4, 12])
            && groups
                .iter()
                .all(|g| g.chars().all(|c| c.is_ascii_hexdigit()));
        if !shaped {
            return Err(format!(
                "'{token}' is not a Jornaya LeadiD: expected 36 hexadecimal characters as \
                 XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX"
            ));
        }
        Ok(Self(token.to_ascii_uppercase()))
    }
}

string_newtype!(TrustedFormCert);
string_newtype!(JornayaLeadId);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trustedform_urls_must_be_certificates_on_trustedforms_host() {
        let cert = "https://cert.trustedform.com/eb9fc4dd9bed9ad451a5648946cf4bf09b5bb947";
        assert_eq!(
            TrustedFormCert::parse(&format!(" {cert} "))
                .unwrap()
                .as_ref(),
            cert
        );
        assert_eq!(
            TrustedFormCert::parse("HTTPS://CERT.TRUSTEDFORM.COM/abc")
                .unwrap()
                .as_ref(),
            "https://cert.trustedform.com/abc"
        );
        for bad in [
            "",
            "http://cert.trustedform.com/eb9f",
            "https://cert.trustedform.com/",
            "https://cert.trustedform.com.evil.example/eb9f",
            "https://cert.trustedform.com@evil.example/eb9f",
            "https://ping.trustedform.com/eb9f",
            "https://cert.trustedform.com/eb9f/claim",
            "https://cert.trustedform.com/eb9f?x=1",
            "cert.trustedform.com/eb9f",
        ] {
            assert!(TrustedFormCert::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn jornaya_leadids_are_guids_kept_upper_case() {
        assert_eq!(
            JornayaLeadId::parse("6d2c1b0e-3f4a-4b5c-9d8e-7f6a5b4c3d2e")
                .unwrap()
                .as_ref(),
            "6D2C1B0E-3F4A-4B5C-9D8E-7F6A5B4C3D2E"
        );
        for bad in [
            "",
            "6d2c1b0e3f4a4b5c9d8e7f6a5b4c3d2e",
            "6d2c1b0e-3f4a-4b5c-9d8e-7f6a5b4c3d2",
            "zd2c1b0e-3f4a-4b5c-9d8e-7f6a5b4c3d2e",
        ] {
            assert!(JornayaLeadId::parse(bad).is_err(), "{bad}");
        }
    }
}
