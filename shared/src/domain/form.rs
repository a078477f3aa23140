//! Website-form settings a connector may tune: its abuse controls.

use serde::{Deserialize, Serialize};

/// The hidden field name a website form carries when the connector names none.
pub const DEFAULT_HONEYPOT_FIELD: &str = "_hp";

/// How many submissions one sender may make, per fixed window. A limit of 0 turns
/// that check off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct FormThrottle {
    /// Submissions per IP address per window (spam bursts).
    pub ip_limit: u32,
    pub ip_window_seconds: u64,
    /// Submissions per email address or phone number per window (repeated abuse of
    /// one person's contact details).
    pub contact_limit: u32,
    pub contact_window_seconds: u64,
}

impl Default for FormThrottle {
    fn default() -> Self {
        Self {
            ip_limit: 10,
            ip_window_seconds: 60,
            contact_limit: 3,
            contact_window_seconds: 3600,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unset_limits_take_the_defaults() {
        let throttle: FormThrottle = serde_json::from_str(r#"{"ip_limit": 2}"#).unwrap();
        assert_eq!(throttle.ip_limit, 2);
        assert_eq!(throttle.ip_window_seconds, 60);
        assert_eq!(throttle.contact_limit, 3);
        assert_eq!(throttle.contact_window_seconds, 3600);
    }
}
