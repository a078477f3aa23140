//! SES `SendEmail`, with its failures sorted into "retry later" and "will never work".

use super::compose::Message;
use aws_sdk_ses::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_ses::operation::send_email::SendEmailError;
use aws_sdk_ses::types::{Body, Content, Destination, Message as SesMessage};

type BoxError = Box<dyn std::error::Error + Send + Sync>;

#[derive(Debug, thiserror::Error)]
pub enum SendError {
    /// SES is throttling, failing on its side, or out of reach: a retry may succeed.
    #[error("SES could not take the message now")]
    Transient(#[source] BoxError),
    /// SES refused the message itself (unverified sender, rejected address, …):
    /// sending it again would fail the same way.
    #[error("SES rejected the message: {reason}")]
    Rejected {
        reason: String,
        #[source]
        source: BoxError,
    },
}

impl SendError {
    pub fn is_transient(&self) -> bool {
        matches!(self, SendError::Transient(_))
    }
}

const TRANSIENT_CODES: [&str; 6] = [
    "Throttling",
    "ThrottlingException",
    "TooManyRequestsException",
    "ServiceUnavailable",
    "InternalFailure",
    "RequestTimeout",
];

fn classify(err: SdkError<SendEmailError>) -> SendError {
    let server_side = match &err {
        SdkError::DispatchFailure(_) | SdkError::TimeoutError(_) | SdkError::ResponseError(_) => {
            true
        }
        SdkError::ServiceError(service) => {
            let status = service.raw().status().as_u16();
            status >= 500 || status == 429
        }
        _ => false,
    };
    if server_side
        || err
            .code()
            .is_some_and(|code| TRANSIENT_CODES.contains(&code))
    {
        return SendError::Transient(Box::new(err));
    }
    let reason = err
        .message()
        .or(err.code())
        .unwrap_or("the request could not be built")
        .to_owned();
    SendError::Rejected {
        reason,
        source: Box::new(err),
    }
}

fn content(data: &str) -> Result<Content, SendError> {
    Content::builder()
        .data(data)
        .charset("UTF-8")
        .build()
        .map_err(|e| SendError::Rejected {
            reason: "the message could not be built".to_owned(),
            source: Box::new(e),
        })
}

/// Sends mail through SES. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Mailer {
    client: aws_sdk_ses::Client,
}

impl Mailer {
    pub fn new(client: aws_sdk_ses::Client) -> Self {
        Self { client }
    }

    /// Sends one message with a plain-text and an HTML part; answers SES's message id.
    pub async fn send(&self, message: &Message) -> Result<String, SendError> {
        let body = Body::builder()
            .text(content(&message.text)?)
            .html(content(&message.html)?)
            .build();
        let ses_message = SesMessage::builder()
            .subject(content(&message.subject)?)
            .body(body)
            .build();
        let output = self
            .client
            .send_email()
            .source(&message.from)
            .destination(
                Destination::builder()
                    .set_to_addresses(Some(message.to.clone()))
                    .build(),
            )
            .set_reply_to_addresses(message.reply_to.clone().map(|r| vec![r]))
            .message(ses_message)
            .send()
            .await
            .map_err(classify)?;
        Ok(output.message_id)
    }
}
