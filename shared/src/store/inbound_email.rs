//! Inbound emails: one state item per SES message id, so that SES or SQS delivering
//! the same message twice never makes two leads, and a delivery that stopped halfway
//! is taken over once its lock lapses. Settled messages expire (TTL).

use super::claim::{Check, ClaimItem, ClaimKind, Hold};
use super::keys;
use super::settle::{EmailSettle, EMAIL_SETTLED, EMAIL_STATE, EMAIL_WORKING};
use super::{n, Item, Store, StoreError};
use crate::domain::ImportStatus;
use serde::Deserialize;

/// Whether this delivery may work on the message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EmailClaim {
    /// This delivery holds the message now.
    Claimed,
    /// Settled before, or handed on to a later delivery (a retry scheduled after this
    /// one): nothing to do here.
    Done,
    /// Another delivery holds it and its lock has not lapsed: this delivery must come
    /// again later (it may be the one that stopped halfway).
    Held,
}

const WAITING: &str = "waiting_for_body";

/// A message's state: held by the delivery working on it, for at most its lock.
const MESSAGE: ClaimKind = ClaimKind {
    entity: "inbound_email",
    state: EMAIL_STATE,
    held: EMAIL_WORKING,
};

#[derive(Deserialize)]
struct State {
    state: String,
    #[serde(default)]
    attempt: u32,
}

impl Store {
    fn inbound_email(&self, message_id: &str) -> Result<ClaimItem<'_>, StoreError> {
        let key = keys::inbound_email(message_id);
        key.checked("inbound email")?;
        Ok(self.claim(&MESSAGE, key))
    }

    /// Claims a message for delivery `attempt` (0 for SES's own, n for the n-th retry):
    /// a new message, the retry this store scheduled last (waiting at that attempt), or
    /// a message whose holder at this attempt or an earlier one stopped and let its lock
    /// lapse by `now`.
    pub async fn claim_email(
        &self,
        message_id: &str,
        attempt: u32,
        now: i64,
        lock_seconds: i64,
    ) -> Result<EmailClaim, StoreError> {
        let email = self.inbound_email(message_id)?;
        let claimed = if attempt == 0 {
            let hold = Hold::Lapsing {
                now,
                seconds: lock_seconds,
                ttl_seconds: None,
                check: Check {
                    expression: "attempt = :attempt",
                    values: vec![(":attempt", n(0))],
                },
            };
            let attributes = Item::from([("attempt".to_owned(), n(0))]);
            email.take(hold, attributes).await?
        } else {
            let check = Check {
                expression: "attempt <= :attempt",
                values: vec![(":attempt", n(attempt))],
            };
            let set = ("attempt", n(attempt));
            email.retake(now, lock_seconds, WAITING, check, set).await?
        };
        if claimed {
            return Ok(EmailClaim::Claimed);
        }
        Ok(match email.read::<State>().await? {
            None if attempt == 0 => EmailClaim::Held,
            None => EmailClaim::Done,
            Some(state) if state.state == EMAIL_SETTLED || state.attempt > attempt => {
                EmailClaim::Done
            }
            Some(state) if state.state == MESSAGE.held => EmailClaim::Held,
            Some(_) => EmailClaim::Done,
        })
    }

    /// Marks a claimed message as waiting for retry `next_attempt`.
    pub async fn email_waiting(
        &self,
        message_id: &str,
        next_attempt: u32,
    ) -> Result<(), StoreError> {
        let attempt = ("attempt", n(next_attempt));
        self.inbound_email(message_id)?
            .settle(WAITING, vec![attempt])
            .await
    }

    /// Records what became of a message that left no import entry (no workspace took
    /// it); later deliveries of it are done with. One with an entry is settled in the
    /// entry's transaction ([`super::Settles::Email`]).
    pub async fn settle_email(
        &self,
        email: &EmailSettle,
        status: ImportStatus,
    ) -> Result<(), StoreError> {
        let settled = self.settle_email_item(email, status)?;
        self.transact(vec![settled]).await?.passed()?;
        Ok(())
    }

    /// Lets a failed attempt be retried by the same delivery (its claim is dropped).
    pub async fn release_email(&self, message_id: &str, attempt: u32) -> Result<(), StoreError> {
        let check = Check {
            expression: "attempt = :attempt",
            values: vec![(":attempt", n(attempt))],
        };
        self.inbound_email(message_id)?.lapse(check).await
    }
}
