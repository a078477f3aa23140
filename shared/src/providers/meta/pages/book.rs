//! A workspace's pages as its secret holds them, and how the secret is written.

use super::{PageToken, PageTokenError};
use crate::domain::WorkspaceId;
use crate::secrets::CheckSecret;
use aws_sdk_secretsmanager::error::ProvideErrorMetadata;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

/// Secrets Manager's limit on a secret's value.
const MAX_SECRET_BYTES: usize = 65_536;

#[derive(Clone, Default, Serialize, Deserialize)]
pub(super) struct Book {
    #[serde(default)]
    pub(super) pages: BTreeMap<String, Held>,
}

#[derive(Clone, Serialize, Deserialize)]
pub(super) struct Held {
    pub(super) token: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) name: Option<String>,
    #[serde(default)]
    pub(super) stored_at: i64,
    #[serde(default)]
    pub(super) expires_at: Option<i64>,
}

impl CheckSecret for Book {}

/// Writes `book` as the secret `secret_id` (created when it does not exist yet).
pub(super) async fn put(
    client: &aws_sdk_secretsmanager::Client,
    secret_id: &str,
    workspace: &WorkspaceId,
    book: &Book,
    exists: bool,
) -> Result<(), PageTokenError> {
    let value = serde_json::to_string(book).unwrap_or_default();
    if value.len() > MAX_SECRET_BYTES {
        return Err(PageTokenError::TooLarge {
            secret_id: secret_id.to_owned(),
        });
    }
    let created = if exists {
        None
    } else {
        let description = format!(
            "Meta page access tokens of workspace {}",
            workspace.as_str()
        );
        let created = client
            .create_secret()
            .name(secret_id)
            .description(description)
            .secret_string(&value)
            .send()
            .await;
        match created {
            Ok(_) => Some(Ok(())),
            // Created by a write at the same instant: put this value over it.
            Err(err) if err.code() == Some("ResourceExistsException") => None,
            Err(err) => Some(Err(write_error(secret_id, err))),
        }
    };
    match created {
        Some(result) => result,
        None => client
            .put_secret_value()
            .secret_id(secret_id)
            .secret_string(value)
            .send()
            .await
            .map(|_| ())
            .map_err(|err| write_error(secret_id, err)),
    }
}

pub(super) fn token_of(book: &Book, page_id: &str) -> Option<PageToken> {
    let held = book.pages.get(page_id)?;
    let token = held.token.trim();
    (!token.is_empty()).then(|| PageToken::new(token))
}

fn write_error<E, R>(
    secret_id: &str,
    err: aws_sdk_secretsmanager::error::SdkError<E, R>,
) -> PageTokenError
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: fmt::Debug + Send + Sync + 'static,
{
    let permanent = matches!(
        err.code(),
        Some(
            "AccessDeniedException"
                | "InvalidParameterException"
                | "InvalidRequestException"
                | "LimitExceededException"
                | "ValidationException"
        )
    );
    PageTokenError::Write {
        secret_id: secret_id.to_owned(),
        retryable: !permanent,
        source: Box::new(err),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_blank_token_is_none() {
        let mut book = Book::default();
        let held = |token: &str| Held {
            token: token.into(),
            name: None,
            stored_at: 0,
            expires_at: None,
        };
        book.pages.insert("1".into(), held("  "));
        book.pages.insert("2".into(), held("t"));
        assert!(token_of(&book, "1").is_none());
        assert!(token_of(&book, "3").is_none());
        assert_eq!(token_of(&book, "2").unwrap().expose(), "t");
    }
}
