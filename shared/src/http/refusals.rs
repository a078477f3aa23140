//! Every use case's refusal as the HTTP answer it is: the one place a refusal gets its
//! status code and problem.

use super::ApiError;
#[cfg(feature = "admin")]
use crate::admin::AdminError;
use crate::api::{ApiRefusal, ConnectorProblem};
use crate::auth::AuthError;
use crate::domain::FieldError;
use crate::forms::{DecodeError, FormRefusal, Refused};
#[cfg(feature = "admin")]
use crate::providers::meta::ConnectError;
use crate::providers::vendors::VendorRefusal;
use crate::providers::WebhookError;
use crate::store::StoreError;

impl From<StoreError> for ApiError {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::MigrationRequired { .. } => ApiError::MigrationRequired(err),
            StoreError::Unavailable(_) => ApiError::Unavailable(Box::new(err)),
            // The request's data is over DynamoDB's limits: the client's to change.
            StoreError::OverLimit(_) => ApiError::validation(err.to_string(), Vec::new()),
            StoreError::Superseded => ApiError::Conflict(
                "another request settled this meanwhile; read it again".to_owned(),
            ),
            other => ApiError::Unexpected(Box::new(other)),
        }
    }
}

impl From<AuthError> for ApiError {
    fn from(err: AuthError) -> Self {
        match err {
            AuthError::Missing => ApiError::Unauthorized(
                "send an API key as `Authorization: Bearer <key>`".to_owned(),
            ),
            AuthError::Invalid => ApiError::Unauthorized("the API key is not valid".to_owned()),
            AuthError::Forbidden(scope) => {
                ApiError::Forbidden(format!("the API key lacks the `{scope}` scope"))
            }
            AuthError::Store(err) => err.into(),
        }
    }
}

impl From<ApiRefusal> for ApiError {
    fn from(refusal: ApiRefusal) -> Self {
        match refusal {
            ApiRefusal::Store(err) => err.into(),
            other => api_refusal(&other),
        }
    }
}

/// The problem of an API refusal, read without taking it (it is also kept for replays).
pub(super) fn api_refusal(refusal: &ApiRefusal) -> ApiError {
    let detail = refusal.to_string();
    match refusal {
        ApiRefusal::BadIdempotencyKey(_) | ApiRefusal::Malformed { .. } => {
            ApiError::BadRequest(detail)
        }
        ApiRefusal::InProgress => ApiError::Conflict(detail),
        ApiRefusal::KeyReused => ApiError::validation(detail, Vec::new()),
        ApiRefusal::Connector {
            problem: ConnectorProblem::NotApi(_),
            ..
        } => ApiError::Forbidden(detail),
        ApiRefusal::Connector { .. } => {
            let errors = vec![FieldError::new("connector_key", detail.clone())];
            ApiError::validation(detail, errors)
        }
        // Never kept: a failure a retry could fix frees the key instead.
        ApiRefusal::Store(_) => ApiError::Unavailable(detail.into()),
    }
}

impl From<DecodeError> for ApiError {
    fn from(err: DecodeError) -> Self {
        let detail = err.to_string();
        match err {
            DecodeError::UnsupportedType(_) => ApiError::UnsupportedMediaType(detail),
            DecodeError::NotUtf8
            | DecodeError::Json(_)
            | DecodeError::NotAnObject
            | DecodeError::Multipart(_) => ApiError::BadRequest(detail),
            DecodeError::TooManyFields => ApiError::validation(detail, Vec::new()),
            DecodeError::TooLong(field) => {
                let errors = vec![FieldError::new(&field, detail.clone())];
                ApiError::validation(detail, errors)
            }
        }
    }
}

impl From<FormRefusal> for ApiError {
    fn from(refusal: FormRefusal) -> Self {
        let detail = refusal.to_string();
        match refusal {
            FormRefusal::UnknownForm => ApiError::NotFound(detail),
            FormRefusal::TooLarge { limit } => ApiError::PayloadTooLarge { limit },
            FormRefusal::Origin(_) | FormRefusal::Inactive(_) => ApiError::Forbidden(detail),
            FormRefusal::Undecodable(err) => err.into(),
            FormRefusal::Throttled { retry_after, .. } => ApiError::TooManyRequests { retry_after },
            FormRefusal::Store(err) => err.into(),
        }
    }
}

impl From<Refused> for ApiError {
    fn from(refused: Refused) -> Self {
        match (ApiError::from(refused.refusal), refused.import_id) {
            (ApiError::Validation { detail, errors, .. }, Some(import_id)) => {
                ApiError::Validation {
                    detail,
                    errors,
                    import_id: Some(import_id),
                }
            }
            (error, _) => error,
        }
    }
}

impl From<WebhookError> for ApiError {
    fn from(err: WebhookError) -> Self {
        match err {
            WebhookError::Unauthorized(message) => ApiError::Unauthorized(message),
            WebhookError::BadRequest(message) => ApiError::BadRequest(message),
            WebhookError::NotFound(message) => ApiError::NotFound(message),
            WebhookError::Store(err) => err.into(),
            other => ApiError::Unavailable(Box::new(other)),
        }
    }
}

impl From<VendorRefusal> for ApiError {
    fn from(refusal: VendorRefusal) -> Self {
        let detail = refusal.to_string();
        match refusal {
            VendorRefusal::UnknownVendor(_) | VendorRefusal::UnknownConnector(_) => {
                ApiError::NotFound(detail)
            }
            VendorRefusal::Signature(_) => ApiError::Unauthorized(detail),
            VendorRefusal::Unreadable(_) | VendorRefusal::BadChallenge(_) => {
                ApiError::BadRequest(detail)
            }
            VendorRefusal::Store(err) => err.into(),
        }
    }
}

#[cfg(feature = "admin")]
impl From<ConnectError> for ApiError {
    fn from(err: ConnectError) -> Self {
        let detail = err.to_string();
        match err {
            ConnectError::UnknownConnector => ApiError::NotFound(detail),
            ConnectError::NoPageId => ApiError::validation(
                detail,
                vec![FieldError::new(
                    "page_id",
                    "the id of a page Connect Meta listed",
                )],
            ),
            ConnectError::NotMeta(_) | ConnectError::UnknownPage(_) => {
                ApiError::validation(detail, Vec::new())
            }
            ConnectError::State(_) | ConnectError::Declined(_) => ApiError::BadRequest(detail),
            ConnectError::Admin(err) => err.into(),
            ConnectError::Graph(ref graph) if !graph.is_retryable() => {
                ApiError::validation(detail, Vec::new())
            }
            ConnectError::Store(err) => err.into(),
            other => ApiError::Unavailable(Box::new(other)),
        }
    }
}

#[cfg(feature = "admin")]
impl From<AdminError> for ApiError {
    fn from(err: AdminError) -> Self {
        match err {
            AdminError::NotFound(_) => ApiError::NotFound(err.to_string()),
            AdminError::Conflict(detail) => ApiError::Conflict(detail),
            AdminError::Invalid { detail, errors } => ApiError::validation(detail, errors),
            AdminError::BadRequest(detail) => ApiError::BadRequest(detail),
            AdminError::Store(err) => err.into(),
            AdminError::Unavailable(detail) => ApiError::Unavailable(detail.into()),
            AdminError::Unexpected(source) => ApiError::Unexpected(source),
        }
    }
}
