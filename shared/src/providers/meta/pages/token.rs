//! A page access token, never shown, and why page tokens could not be used.

use crate::secrets::SecretError;
use std::fmt;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// A page access token. Shown as `[redacted]`; [`PageToken::expose`] gives it to the one
/// call that sends it to Meta.
#[derive(Clone, PartialEq, Eq)]
pub struct PageToken(String);

/// Why the page tokens could not be read or written. No variant carries a token.
#[derive(Debug, thiserror::Error)]
pub enum PageTokenError {
    #[error(transparent)]
    Read(#[from] SecretError),
    #[error("the Meta page tokens {secret_id} could not be written")]
    Write {
        secret_id: String,
        retryable: bool,
        #[source]
        source: BoxError,
    },
    /// Secrets Manager holds at most 64 KiB a secret.
    #[error("the Meta page tokens {secret_id} would exceed Secrets Manager's 64 KiB: remove pages first")]
    TooLarge { secret_id: String },
}

impl PageTokenError {
    pub fn is_retryable(&self) -> bool {
        match self {
            PageTokenError::Read(err) => err.is_retryable(),
            PageTokenError::Write { retryable, .. } => *retryable,
            PageTokenError::TooLarge { .. } => false,
        }
    }
}

impl PageToken {
    pub(super) fn new(token: &str) -> Self {
        Self(token.to_owned())
    }

    /// The token itself, for the request that sends it to Meta.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for PageToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PageToken([redacted])")
    }
}

impl fmt::Display for PageToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::providers::meta::NewPage;

    #[test]
    fn a_token_is_never_shown() {
        let token = PageToken("EAAG-secret-token".into());
        let page = NewPage {
            page_id: "1".into(),
            name: None,
            token: "EAAG-secret-token".into(),
            expires_at: None,
        };
        for shown in [
            format!("{token:?}"),
            format!("{token}"),
            format!("{page:?}"),
        ] {
            assert!(!shown.contains("EAAG"), "{shown}");
        }
        assert_eq!(token.expose(), "EAAG-secret-token");
    }
}
