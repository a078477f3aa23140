use aws_sdk_dynamodb::error::{ProvideErrorMetadata, SdkError};

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// What can go wrong talking to the table, sorted by what a caller should do about it.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The table is not there: the deployment ran before its migration.
    #[error("table {table} does not exist: migration required")]
    MigrationRequired { table: String },
    /// DynamoDB could not be reached or is throttling: a retry may succeed.
    #[error("DynamoDB is unavailable")]
    Unavailable(#[source] BoxError),
    /// An item could not be turned into or out of its entity.
    #[error("a stored item does not have the expected shape")]
    Encoding(#[source] serde_dynamo::Error),
    /// A key or an item over DynamoDB's limits: refused before it was sent, and never
    /// worth retrying.
    #[error("over DynamoDB's limits: {0}")]
    OverLimit(String),
    /// What this write was to settle was settled by another request meanwhile (a hold
    /// that lapsed and was taken over, a review decided by someone else).
    #[error("settled by another request meanwhile")]
    Superseded,
    #[error("unexpected DynamoDB error")]
    Unexpected(#[source] BoxError),
}

const RETRYABLE_CODES: [&str; 6] = [
    "ProvisionedThroughputExceededException",
    "ThrottlingException",
    "RequestLimitExceeded",
    "InternalServerError",
    "ServiceUnavailable",
    "TransactionInProgressException",
];

impl StoreError {
    pub(crate) fn from_sdk<E, R>(table: &str, err: SdkError<E, R>) -> Self
    where
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
        R: std::fmt::Debug + Send + Sync + 'static,
    {
        if matches!(
            err,
            SdkError::DispatchFailure(_) | SdkError::TimeoutError(_) | SdkError::ResponseError(_)
        ) {
            return StoreError::Unavailable(Box::new(err));
        }
        match err.code() {
            Some("ResourceNotFoundException") => StoreError::MigrationRequired {
                table: table.to_owned(),
            },
            Some(code) if RETRYABLE_CODES.contains(&code) => StoreError::Unavailable(Box::new(err)),
            _ => StoreError::Unexpected(Box::new(err)),
        }
    }

    /// Whether the same call later could succeed.
    pub fn is_retryable(&self) -> bool {
        matches!(self, StoreError::Unavailable(_))
    }

    /// Whether no retry can ever make this call succeed: the data is over a limit.
    pub fn is_permanent(&self) -> bool {
        matches!(self, StoreError::OverLimit(_))
    }
}
