//! The secret a vendor connector's deliveries are signed with: generated here or pasted
//! from the vendor, shown once, never in a log.

use super::random_token;
use serde::{Deserialize, Serialize};
use std::fmt;

/// A vendor connector's signing secret. Its `Debug` never shows it; [`expose`] is the
/// one way to read it (to check a signature, or to show it once).
///
/// [`expose`]: SigningSecret::expose
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SigningSecret(String);

impl SigningSecret {
    /// The shortest secret an admin may paste.
    pub const MIN_LEN: usize = 16;

    /// A fresh secret (about 190 bits), in characters every vendor's settings accept.
    pub fn generate() -> Self {
        Self(random_token("lc_whsec_"))
    }

    /// A secret pasted from a vendor: at least [`Self::MIN_LEN`] visible characters.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let secret = raw.trim();
        if secret.chars().count() < Self::MIN_LEN {
            return Err(format!(
                "must be at least {} characters: paste the whole secret",
                Self::MIN_LEN
            ));
        }
        if secret.chars().any(char::is_control) {
            return Err("must not contain control characters".to_owned());
        }
        Ok(Self(secret.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for SigningSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SigningSecret([redacted])")
    }
}
