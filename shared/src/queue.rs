//! An SQS queue a use case sends its own messages to (JSON bodies, an optional delay).

use serde::Serialize;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

#[derive(Debug, Clone)]
pub struct Queue {
    pub sqs: aws_sdk_sqs::Client,
    pub url: String,
}

#[derive(Debug, thiserror::Error)]
#[error("could not send to the queue")]
pub struct QueueError(#[source] BoxError);

impl Queue {
    pub fn new(sqs: aws_sdk_sqs::Client, url: impl Into<String>) -> Self {
        Self {
            sqs,
            url: url.into(),
        }
    }

    /// Sends `message` as JSON, held back `delay_seconds` (0 to 900).
    pub async fn send<T: Serialize>(
        &self,
        message: &T,
        delay_seconds: i32,
    ) -> Result<(), QueueError> {
        let body = serde_json::to_string(message).map_err(|e| QueueError(Box::new(e)))?;
        self.sqs
            .send_message()
            .queue_url(&self.url)
            .message_body(body)
            .delay_seconds(delay_seconds)
            .send()
            .await
            .map_err(|e| QueueError(Box::new(e)))?;
        Ok(())
    }
}
