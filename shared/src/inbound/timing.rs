//! How long things take for the email door, set from one another in one place. The
//! template's values (the function's timeout, the queues' visibility timeout and
//! receive count) must equal these: `tests/tests/contract.rs` checks them.
//!
//! A delivery holds a message for [`LOCK_SECONDS`], past the function's timeout (so a
//! delivery still running is never taken over) and short of every redelivery: Lambda's
//! first retry of a failed SES invocation comes about a minute later, and a queue
//! message comes back after the visibility timeout. A redelivery that finds the message
//! still held fails again until the lock has lapsed, then takes the message over.

/// `Timeout` of `EmailInboundFunction` in `template.yaml`.
pub const FUNCTION_TIMEOUT_SECONDS: i64 = 30;
/// How long one delivery may hold a message before another may take it over.
pub const LOCK_SECONDS: i64 = FUNCTION_TIMEOUT_SECONDS + 10;
/// When Lambda retries a failed asynchronous invocation (SES's): after about a minute,
/// then two more.
pub const ASYNC_RETRY_DELAY_SECONDS: i64 = 60;
/// `VisibilityTimeout` of the email queues in `template.yaml`: six times the function's
/// timeout, as AWS advises for an SQS event source.
pub const VISIBILITY_TIMEOUT_SECONDS: i64 = 6 * FUNCTION_TIMEOUT_SECONDS;
/// `maxReceiveCount` of the email queues' redrive policy in `template.yaml`: the
/// delivery that fails on this receive is logged `failed` with its reason instead of
/// being redelivered.
pub const MAX_RECEIVES: u32 = 5;
/// `MaximumRetryAttempts` of the SES-invoked function's asynchronous invocations.
pub const ASYNC_RETRIES: i64 = 2;
/// A settled message's record is kept this long (then DynamoDB's TTL removes it):
/// longer than any redelivery can come, SQS's longest retention.
pub const SETTLED_TTL_SECONDS: i64 = 14 * 24 * 60 * 60;
/// SQS's longest visibility timeout.
const MAX_VISIBILITY_SECONDS: i64 = 12 * 60 * 60;

const _: () = assert!(LOCK_SECONDS > FUNCTION_TIMEOUT_SECONDS);
const _: () = assert!(LOCK_SECONDS < ASYNC_RETRY_DELAY_SECONDS);
const _: () = assert!(LOCK_SECONDS < VISIBILITY_TIMEOUT_SECONDS);

/// How long a queue message that failed on its `receives`-th receive stays invisible
/// before it comes back: the visibility timeout, doubling with each receive.
pub fn backoff_seconds(receives: u32) -> i32 {
    let doubled =
        VISIBILITY_TIMEOUT_SECONDS.saturating_mul(1 << receives.clamp(1, 10).saturating_sub(1));
    doubled.min(MAX_VISIBILITY_SECONDS) as i32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_from_the_visibility_timeout_and_stays_within_sqs_limits() {
        let delays: Vec<_> = (1..=MAX_RECEIVES).map(backoff_seconds).collect();
        assert_eq!(delays, [180, 360, 720, 1440, 2880]);
        assert_eq!(backoff_seconds(40), 12 * 60 * 60);
    }
}
