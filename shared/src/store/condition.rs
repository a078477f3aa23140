//! One way to read a refused write: whose condition failed, item by item, and whether a
//! concurrent transaction was in the way. Every conditional write of the store is read
//! here, whatever its operation (`PutItem`, `UpdateItem`, `DeleteItem`,
//! `TransactWriteItems`).

use super::{Store, StoreError};
use aws_sdk_dynamodb::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_dynamodb::operation::delete_item::DeleteItemError;
use aws_sdk_dynamodb::operation::put_item::PutItemError;
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::operation::update_item::UpdateItemError;

/// Why one item of a refused write was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Reason {
    /// Its condition failed.
    Condition,
    /// Another transaction was writing it.
    Conflict,
    /// Nothing (another item was refused), or a reason no caller answers (throttling,
    /// validation).
    Other,
}

/// The error of an operation that takes a condition.
pub(super) trait ConditionalWrite:
    ProvideErrorMetadata + std::error::Error + Send + Sync + 'static
{
    /// Why the write was refused, one reason per item (one for a single-item write);
    /// `None` when it was not refused but failed.
    fn reasons(&self) -> Option<Vec<Reason>>;
}

macro_rules! single_item_writes {
    ($($error:ty),*) => {$(
        impl ConditionalWrite for $error {
            fn reasons(&self) -> Option<Vec<Reason>> {
                self.is_conditional_check_failed_exception()
                    .then(|| vec![Reason::Condition])
            }
        }
    )*};
}

single_item_writes!(PutItemError, UpdateItemError, DeleteItemError);

impl ConditionalWrite for TransactWriteItemsError {
    fn reasons(&self) -> Option<Vec<Reason>> {
        let TransactWriteItemsError::TransactionCanceledException(cancelled) = self else {
            return None;
        };
        let reasons = cancelled.cancellation_reasons().iter();
        Some(
            reasons
                .map(|reason| match reason.code() {
                    Some("ConditionalCheckFailed") => Reason::Condition,
                    Some("TransactionConflict") => Reason::Conflict,
                    _ => Reason::Other,
                })
                .collect(),
        )
    }
}

/// A write DynamoDB refused, with the reason of each item and the refusal as an error
/// for a caller that has no answer to it.
#[derive(Debug)]
pub(super) struct Refused {
    reasons: Vec<Reason>,
    error: StoreError,
}

impl Refused {
    /// Whether the condition of the item at `index` (in the order written; `0` for a
    /// single-item write) failed.
    pub(super) fn failed(&self, index: usize) -> bool {
        self.reasons.get(index) == Some(&Reason::Condition)
    }

    /// Whether any item's condition failed.
    pub(super) fn any_failed(&self) -> bool {
        self.reasons.contains(&Reason::Condition)
    }

    /// Whether a concurrent transaction on the same items was in the way.
    pub(super) fn conflict(&self) -> bool {
        self.reasons.contains(&Reason::Conflict)
    }

    pub(super) fn into_error(self) -> StoreError {
        self.error
    }
}

/// What became of a conditional write that did not fail outright.
#[derive(Debug)]
pub(super) enum Written<O> {
    Done(O),
    Refused(Refused),
}

impl<O> Written<O> {
    /// The output, or `None` when a condition refused the write; a refusal for any other
    /// reason (a conflicting transaction) is an error.
    pub(super) fn passed(self) -> Result<Option<O>, StoreError> {
        match self {
            Written::Done(output) => Ok(Some(output)),
            Written::Refused(refused) if refused.any_failed() => Ok(None),
            Written::Refused(refused) => Err(refused.into_error()),
        }
    }
}

impl Store {
    /// Reads the answer of a conditional write: done, refused (and why), or an error.
    pub(super) fn written<O, E, R>(
        &self,
        result: Result<O, SdkError<E, R>>,
    ) -> Result<Written<O>, StoreError>
    where
        E: ConditionalWrite,
        R: std::fmt::Debug + Send + Sync + 'static,
    {
        let err = match result {
            Ok(output) => return Ok(Written::Done(output)),
            Err(err) => err,
        };
        match err.as_service_error().and_then(ConditionalWrite::reasons) {
            Some(reasons) => Ok(Written::Refused(Refused {
                reasons,
                error: self.error(err),
            })),
            None => Err(self.error(err)),
        }
    }
}
