//! What an intake attempt settles in the same transaction as its outcome, beside its own
//! import entry: the `Idempotency-Key` record of the request (completed with the lead's
//! receipt, so that a retry after a crash replays the lead instead of making another),
//! the inbound email being worked on (so that its redelivery finds it settled), or the
//! held review an approval decides. An outcome, its entry and what it settles are
//! written together or not at all: no crash can leave one without the other.

use super::keys;
use super::{attribute, s, Store, StoreError};
use crate::domain::{ImportRecord, ImportStatus, Receipt, ReviewId, ReviewStatus, WorkspaceId};
use aws_sdk_dynamodb::types::TransactWriteItem;
use std::collections::HashMap;

/// The attribute an idempotency record's state is in, and its values.
pub(super) const IDEMPOTENCY_STATE: &str = "status";
pub(super) const IDEMPOTENCY_HELD: &str = "in_progress";
pub(super) const IDEMPOTENCY_COMPLETED: &str = "completed";
/// The token of the request holding an idempotency record.
pub(super) const HOLDER: &str = "holder";
/// Where a completed record keeps the lead's receipt.
pub(super) const RECEIPT: &str = "receipt";

/// The request that holds an `Idempotency-Key` now, as its token says: only it may
/// complete the key's record.
#[derive(Debug, Clone, PartialEq)]
pub struct IdempotencyHold {
    pub workspace_id: WorkspaceId,
    pub key: String,
    pub holder: String,
}

/// The attribute an inbound email's state is in, and its values.
pub(super) const EMAIL_STATE: &str = "state";
pub(super) const EMAIL_WORKING: &str = "working";
pub(super) const EMAIL_SETTLED: &str = "settled";

/// The inbound email a delivery holds: settled with the attempt's outcome, gone (TTL)
/// at `expires_at`.
#[derive(Debug, Clone, PartialEq)]
pub struct EmailSettle {
    pub message_id: String,
    pub expires_at: i64,
}

/// An approval of a held review: the review item is decided, and the held import entry
/// becomes the lead's entry (no second entry for one lead).
#[derive(Debug, Clone, PartialEq)]
pub struct ReviewApproval {
    pub review_id: ReviewId,
    pub decided_at: String,
}

/// What else an attempt's transaction settles.
#[derive(Debug, Clone, Default, PartialEq)]
pub enum Settles {
    /// Nothing: the attempt's entry is new.
    #[default]
    Nothing,
    /// The request's `Idempotency-Key`: completed with the receipt.
    Idempotency(IdempotencyHold),
    /// A held review, approved with this lead; the entry is the held one.
    Review(ReviewApproval),
    /// The inbound email the attempt came from: settled with the attempt's status,
    /// whatever it is.
    Email(EmailSettle),
}

impl Settles {
    /// Whether the attempt's entry is one held before (settled in place) rather than new:
    /// it keeps the payload it was held with, and a lead that cannot be stored is the
    /// holder's to answer, not a failed entry.
    pub fn settles_held_entry(&self) -> bool {
        matches!(self, Settles::Review(_))
    }
}

impl Store {
    /// The transaction item that settles `settles` for an attempt logged as `record`
    /// (with the lead of `receipt`, when it made or found one), if any. Its condition
    /// fails when another request settled it first. A key's record and a review are
    /// settled only by a lead; a refusal settles a key afterwards, as its answer.
    pub(super) fn settle_item(
        &self,
        settles: &Settles,
        record: &ImportRecord,
        receipt: Option<&Receipt>,
    ) -> Result<Option<TransactWriteItem>, StoreError> {
        match (settles, receipt) {
            (Settles::Idempotency(hold), Some(receipt)) => {
                self.complete_idempotency(hold, receipt).map(Some)
            }
            (Settles::Review(approval), Some(receipt)) => self
                .approve_held_review(&record.workspace_id, approval, receipt)
                .map(Some),
            (Settles::Email(email), _) => self.settle_email_item(email, record.status).map(Some),
            _ => Ok(None),
        }
    }

    /// The inbound email settled with `status`, if the delivery still works on it.
    pub(super) fn settle_email_item(
        &self,
        email: &EmailSettle,
        status: ImportStatus,
    ) -> Result<TransactWriteItem, StoreError> {
        let key = keys::inbound_email(&email.message_id);
        self.tx_update(&key, |update| {
            update
                .update_expression(format!(
                    "SET #state = :settled, outcome = :outcome, {} = :expires",
                    keys::EXPIRES_AT
                ))
                .condition_expression("#state = :working")
                .expression_attribute_names("#state", EMAIL_STATE)
                .set_expression_attribute_values(Some(HashMap::from([
                    (":settled".to_owned(), s(EMAIL_SETTLED)),
                    (":working".to_owned(), s(EMAIL_WORKING)),
                    (":outcome".to_owned(), s(status.key())),
                    (":expires".to_owned(), super::n(email.expires_at)),
                ])))
        })
    }

    fn complete_idempotency(
        &self,
        hold: &IdempotencyHold,
        receipt: &Receipt,
    ) -> Result<TransactWriteItem, StoreError> {
        let key = keys::idempotency(&hold.workspace_id, &hold.key);
        let receipt = attribute(receipt)?;
        self.tx_update(&key, |update| {
            update
                .update_expression(format!(
                    "SET #state = :completed, {RECEIPT} = :receipt REMOVE locked_until"
                ))
                .condition_expression(format!("#state = :held AND {HOLDER} = :holder"))
                .expression_attribute_names("#state", IDEMPOTENCY_STATE)
                .set_expression_attribute_values(Some(HashMap::from([
                    (":completed".to_owned(), s(IDEMPOTENCY_COMPLETED)),
                    (":held".to_owned(), s(IDEMPOTENCY_HELD)),
                    (":holder".to_owned(), s(&hold.holder)),
                    (":receipt".to_owned(), receipt),
                ])))
        })
    }

    /// Decides a review `approved` with the receipt's lead: from pending, or from an
    /// approval that never got its lead (a crash between the two in earlier versions).
    fn approve_held_review(
        &self,
        workspace_id: &WorkspaceId,
        approval: &ReviewApproval,
        receipt: &Receipt,
    ) -> Result<TransactWriteItem, StoreError> {
        let key = keys::review(workspace_id, &approval.review_id);
        self.tx_update(&key, |update| {
            update
                .update_expression("SET #status = :approved, decided_at = :at, lead_id = :lead")
                .condition_expression(
                    "#status = :pending OR (#status = :approved AND attribute_not_exists(lead_id))",
                )
                .expression_attribute_names("#status", "status")
                .set_expression_attribute_values(Some(HashMap::from([
                    (":approved".to_owned(), s(ReviewStatus::Approved.key())),
                    (":pending".to_owned(), s(ReviewStatus::Pending.key())),
                    (":at".to_owned(), s(&approval.decided_at)),
                    (":lead".to_owned(), s(&receipt.lead_id)),
                ])))
        })
    }
}
