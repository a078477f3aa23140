//! The retry queue's messages and their growing delays.

use super::Arrival;
use serde::{Deserialize, Serialize};

/// Retries before giving up: delays 2, 4, … 512 s, about 17 minutes in all.
pub const DEFAULT_MAX_ATTEMPTS: u32 = 9;
/// SQS's largest `DelaySeconds`.
const MAX_DELAY: i32 = 900;

/// The delay before retry `attempt` (1-based): 2, 4, 8, … capped at 900 seconds.
pub fn delay_seconds(attempt: u32) -> i32 {
    2i32.saturating_pow(attempt.min(10)).min(MAX_DELAY)
}

/// What the retry queue carries: enough to deliver the message again.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RetryMessage {
    pub message_id: String,
    pub recipients: Vec<String>,
    /// SES's verdicts the connector may require, carried to every retry.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spf_verdict: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dkim_verdict: Option<String>,
    pub attempt: u32,
}

impl RetryMessage {
    pub fn next(arrival: &Arrival) -> Self {
        Self {
            message_id: arrival.message_id.clone(),
            recipients: arrival.recipients.clone(),
            spf_verdict: arrival.spf_verdict.clone(),
            dkim_verdict: arrival.dkim_verdict.clone(),
            attempt: arrival.attempt + 1,
        }
    }

    pub fn into_arrival(self) -> Arrival {
        Arrival {
            message_id: self.message_id,
            recipients: self.recipients,
            spam_verdict: None,
            virus_verdict: None,
            spf_verdict: self.spf_verdict,
            dkim_verdict: self.dkim_verdict,
            attempt: self.attempt,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_double_and_stop_at_the_sqs_maximum() {
        let delays: Vec<_> = (1..=11).map(delay_seconds).collect();
        assert_eq!(delays, [2, 4, 8, 16, 32, 64, 128, 256, 512, 900, 900]);
        let total: i32 = (1..=DEFAULT_MAX_ATTEMPTS).map(delay_seconds).sum();
        assert!(
            (840..=1200).contains(&total),
            "about 15 minutes in all: {total}s"
        );
    }
}
