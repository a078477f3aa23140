//! Fixed-window rate limits on atomic DynamoDB counters: `window = now / seconds`,
//! one counter per window, the item expiring by TTL after the window ends.

use crate::store::{Store, StoreError};
use sha2::{Digest, Sha256};

/// One limit on one subject: at most `limit` hits per `window_seconds`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    /// What is counted (`form-ip`, `form-email`, …).
    pub scope: &'static str,
    /// Who is counted, in a form that carries no personal data.
    pub value: String,
    pub limit: u32,
    pub window_seconds: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Allowed,
    /// Over the limit until the window ends, `retry_after` seconds from now.
    Limited {
        retry_after: u64,
    },
}

/// The fixed window that holds the instant `now` (epoch seconds).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub index: u64,
    /// Epoch seconds at which the next window starts.
    pub ends_at: u64,
}

impl Window {
    pub fn at(now: u64, window_seconds: u64) -> Self {
        let seconds = window_seconds.max(1);
        let index = now / seconds;
        Self {
            index,
            ends_at: index.saturating_add(1).saturating_mul(seconds),
        }
    }

    /// Whole seconds until the window ends, at least one.
    pub fn remaining(&self, now: u64) -> u64 {
        self.ends_at.saturating_sub(now).max(1)
    }
}

/// The SHA-256 (hex) of a value, so that keys and logs never hold an email or phone.
pub fn fingerprint(value: &str) -> String {
    hex::encode(Sha256::digest(value.as_bytes()))
}

/// Counts one hit of `rule` at `now` (epoch seconds). A rule whose limit is 0 is off.
pub async fn hit(store: &Store, rule: &Rule, now: u64) -> Result<Verdict, StoreError> {
    if rule.limit == 0 {
        return Ok(Verdict::Allowed);
    }
    let window = Window::at(now, rule.window_seconds);
    // Kept one window past its end: TTL deletion is lazy and the key is never reused.
    let expires_at = window.ends_at.saturating_add(rule.window_seconds);
    let count = store
        .throttle_hit(rule.scope, &rule.value, window.index, expires_at)
        .await?;
    Ok(if count > u64::from(rule.limit) {
        Verdict::Limited {
            retry_after: window.remaining(now),
        }
    } else {
        Verdict::Allowed
    })
}

/// Takes back one hit of `rule` counted at `now`, when what was counted turned out not
/// to matter (a replay, a refusal). A window already gone stays gone.
pub async fn release(store: &Store, rule: &Rule, now: u64) -> Result<(), StoreError> {
    if rule.limit == 0 {
        return Ok(());
    }
    let window = Window::at(now, rule.window_seconds);
    store
        .throttle_release(rule.scope, &rule.value, window.index)
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_are_fixed_and_say_how_long_until_they_end() {
        let window = Window::at(125, 60);
        assert_eq!(window.index, 2);
        assert_eq!(window.ends_at, 180);
        assert_eq!(window.remaining(125), 55);
        assert_eq!(Window::at(120, 60).index, 2);
        assert_eq!(Window::at(179, 60).remaining(179), 1);
    }

    #[test]
    fn a_zero_length_window_does_not_divide_by_zero() {
        assert_eq!(Window::at(5, 0).index, 5);
        assert_eq!(Window::at(5, 0).remaining(5), 1);
    }

    #[test]
    fn fingerprints_hide_the_value() {
        let print = fingerprint("pat@example.com");
        assert_eq!(print.len(), 64);
        assert!(!print.contains("pat"));
        assert_eq!(print, fingerprint("pat@example.com"));
    }
}
