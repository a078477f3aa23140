//! Inbound emails: one state item per SES message id, so that SES or SQS delivering
//! the same message twice never makes two leads.

use super::claim::{Check, ClaimItem, ClaimKind, Hold};
use super::keys;
use super::{n, s, Item, Store, StoreError};

/// Whether this delivery may work on the message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EmailClaim {
    /// This delivery holds the message now.
    Claimed,
    /// Another delivery has it, or it was settled already: nothing to do.
    Taken,
}

const WAITING: &str = "waiting_for_body";
const SETTLED: &str = "settled";

/// A message's state: held by the delivery working on it, for at most its lock.
const MESSAGE: ClaimKind = ClaimKind {
    entity: "inbound_email",
    state: "state",
    held: "working",
};

/// The condition that the message is at delivery `attempt`.
fn at_attempt(attempt: u32) -> Check<'static> {
    Check {
        expression: "attempt = :attempt",
        values: vec![(":attempt", n(attempt))],
    }
}

impl Store {
    fn inbound_email(&self, message_id: &str) -> ClaimItem<'_> {
        self.claim(&MESSAGE, keys::inbound_email(message_id))
    }

    /// Claims a message for `attempt`: the first delivery of a new message (attempt 0),
    /// or the retry this store scheduled last (state waiting, same attempt number). A
    /// claim left working past `now` by a delivery that died may be taken over.
    pub async fn claim_email(
        &self,
        message_id: &str,
        attempt: u32,
        now: i64,
        lock_seconds: i64,
    ) -> Result<EmailClaim, StoreError> {
        let email = self.inbound_email(message_id);
        let claimed = if attempt == 0 {
            let hold = Hold::Lapsing {
                now,
                seconds: lock_seconds,
                ttl_seconds: None,
                check: at_attempt(0),
            };
            let attributes = Item::from([("attempt".to_owned(), n(0))]);
            email.take(hold, attributes).await?
        } else {
            let check = at_attempt(attempt);
            email.retake(now, lock_seconds, WAITING, check).await?
        };
        Ok(if claimed {
            EmailClaim::Claimed
        } else {
            EmailClaim::Taken
        })
    }

    /// Marks a claimed message as waiting for retry `next_attempt`.
    pub async fn email_waiting(
        &self,
        message_id: &str,
        next_attempt: u32,
    ) -> Result<(), StoreError> {
        let attempt = ("attempt", n(next_attempt));
        self.inbound_email(message_id)
            .settle(WAITING, vec![attempt])
            .await
    }

    /// Records what became of a message; later deliveries of it are ignored.
    pub async fn settle_email(&self, message_id: &str, outcome: &str) -> Result<(), StoreError> {
        let outcome = ("outcome", s(outcome));
        self.inbound_email(message_id)
            .settle(SETTLED, vec![outcome])
            .await
    }

    /// Lets a failed attempt be retried by the same delivery (its claim is dropped).
    pub async fn release_email(&self, message_id: &str, attempt: u32) -> Result<(), StoreError> {
        self.inbound_email(message_id)
            .lapse(at_attempt(attempt))
            .await
    }
}
