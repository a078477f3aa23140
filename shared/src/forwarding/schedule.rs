//! When attempts happen: the queue's messages, the growing delays between retries
//! (about 24 hours in all), and waits longer than SQS's largest delay made of hops.

use crate::domain::{DeliveryId, LeadDelivery, WorkspaceId};
use serde::{Deserialize, Serialize};

/// The waits before each retry, in seconds: 30 s, 2 min, 10 min, 30 min, 1 h, 2 h, 4 h,
/// 8 h, 8 h (23 h 42 min in all); then the delivery fails.
pub const RETRY_DELAYS: [i64; 9] = [30, 120, 600, 1800, 3600, 7200, 14_400, 28_800, 28_800];
/// SQS's largest `DelaySeconds`: a longer wait is a chain of messages this long.
pub const MAX_HOP_SECONDS: i64 = 900;

/// One queued attempt of one delivery, due at `not_before` (epoch seconds).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AttemptMessage {
    pub workspace_id: WorkspaceId,
    pub delivery_id: DeliveryId,
    /// The attempt's number (1 for the delivery's first).
    pub attempt: u32,
    pub not_before: i64,
}

impl AttemptMessage {
    /// The next attempt of `delivery`, due at `not_before`.
    pub fn next(delivery: &LeadDelivery, not_before: i64) -> Self {
        Self {
            workspace_id: delivery.workspace_id.clone(),
            delivery_id: delivery.id.clone(),
            attempt: delivery.attempts + 1,
            not_before,
        }
    }
}

/// How long the queue should hold a message that is due at `not_before`: `None` when
/// it is due at `now`, else the wait, at most `max_hop` seconds (one hop).
pub fn hop(not_before: i64, now: i64, max_hop: i64) -> Option<i32> {
    let wait = not_before - now;
    (wait > 0).then(|| wait.min(max_hop).clamp(0, MAX_HOP_SECONDS) as i32)
}

/// The wait after the `tries`-th failed attempt of a round, or `None` when the round
/// has run out of retries.
pub fn retry_after(delays: &[i64], tries: u32) -> Option<i64> {
    delays.get(tries.checked_sub(1)? as usize).copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_last_about_a_day_and_long_waits_are_hops_of_at_most_fifteen_minutes() {
        let total: i64 = RETRY_DELAYS.iter().sum();
        assert!((22 * 3600..=25 * 3600).contains(&total), "{total}s");
        assert_eq!(retry_after(&RETRY_DELAYS, 1), Some(30));
        assert_eq!(retry_after(&RETRY_DELAYS, 9), Some(28_800));
        assert_eq!(retry_after(&RETRY_DELAYS, 10), None);
        assert_eq!(hop(100, 100, MAX_HOP_SECONDS), None);
        assert_eq!(hop(130, 100, MAX_HOP_SECONDS), Some(30));
        assert_eq!(hop(100_000, 100, MAX_HOP_SECONDS), Some(900));
        assert_eq!(hop(100_000, 100, 0), Some(0));
    }
}
