//! Local stand-ins for SES inbound and the retry queue's event source mapping:
//! `POST /_local/email?to=<address>` stores a raw message as SES's S3 action would and
//! delivers the SES event; the retry queue is polled and delivered like the SQS trigger.

use axum::extract::{Query, State};
use axum::response::IntoResponse;
use serde::Deserialize;
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::Duration;

#[derive(Deserialize)]
struct To {
    to: Option<String>,
}

/// The SES receipt event for a message SES accepted for `recipient`.
pub fn ses_event(message_id: &str, recipient: &str, spam: &str, virus: &str) -> Value {
    let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    let pass = json!({"status": "PASS"});
    json!({"Records": [{
        "eventSource": "aws:ses",
        "eventVersion": "1.0",
        "ses": {
            "mail": {
                "timestamp": now, "source": "forwarder@example.com", "messageId": message_id,
                "destination": [recipient], "headersTruncated": false, "headers": [],
                "commonHeaders": {"returnPath": "forwarder@example.com", "from": ["forwarder@example.com"],
                                  "to": [recipient], "messageId": format!("<{message_id}@local>"), "subject": "Forwarded lead"}
            },
            "receipt": {
                "timestamp": now, "processingTimeMillis": 1, "recipients": [recipient],
                "spamVerdict": {"status": spam}, "virusVerdict": {"status": virus},
                "spfVerdict": pass, "dkimVerdict": pass, "dmarcVerdict": pass,
                "action": {"type": "Lambda", "functionArn": "arn:aws:lambda:us-east-1:000000000000:function:email-inbound", "invocationType": "Event"}
            }
        }
    }]})
}

/// `/_local/email`, answering the import outcome of the delivered message. `ses` stores
/// the message as SES's S3 action does (SES's own grant, not the function's).
pub fn router(deps: email_inbound::Deps, ses: aws_sdk_s3::Client) -> axum::Router {
    axum::Router::new()
        .route("/_local/email", axum::routing::post(receive))
        .with_state(Arc::new((deps, ses)))
}

async fn receive(
    State(state): State<Arc<(email_inbound::Deps, aws_sdk_s3::Client)>>,
    Query(to): Query<To>,
    body: axum::body::Bytes,
) -> axum::response::Response {
    let Some(recipient) = to.to.filter(|to| to.contains('@')) else {
        let problem = json!({"title": "Malformed request", "status": 400, "detail": "send the recipient as ?to=<slug>@<domain>"});
        return (http::StatusCode::BAD_REQUEST, axum::Json(problem)).into_response();
    };
    let (deps, ses) = (&state.0, &state.1);
    let message_id = shared::domain::new_id().to_lowercase();
    let stored = ses
        .put_object()
        .bucket(&deps.bucket)
        .key(format!("inbound/{message_id}"))
        .body(body.to_vec().into())
        .send()
        .await;
    if let Err(err) = stored {
        let problem =
            json!({"title": "Local S3 unavailable", "status": 503, "detail": err.to_string()});
        return (http::StatusCode::SERVICE_UNAVAILABLE, axum::Json(problem)).into_response();
    }
    let event = ses_event(&message_id, &recipient, "PASS", "PASS");
    match email_inbound::handle(deps, event).await {
        Ok(email_inbound::Handled::Ses(mut outcomes)) if !outcomes.is_empty() => {
            axum::Json(outcomes.remove(0)).into_response()
        }
        Ok(_) => (http::StatusCode::INTERNAL_SERVER_ERROR, "no outcome").into_response(),
        Err(err) => {
            let problem = json!({"title": "Temporarily unavailable", "status": 503, "detail": err.to_string()});
            (http::StatusCode::SERVICE_UNAVAILABLE, axum::Json(problem)).into_response()
        }
    }
}

/// The SQS event Lambda delivers for received messages.
pub fn sqs_event(queue_arn: &str, messages: &[aws_sdk_sqs::types::Message]) -> Value {
    let records: Vec<Value> = messages
        .iter()
        .map(|m| {
            json!({
                "messageId": m.message_id, "receiptHandle": m.receipt_handle, "body": m.body,
                "attributes": {}, "messageAttributes": {}, "md5OfBody": m.md5_of_body,
                "eventSource": "aws:sqs", "eventSourceARN": queue_arn, "awsRegion": "us-east-1",
            })
        })
        .collect();
    json!({ "Records": records })
}

/// Receives one batch from the retry queue, delivers it to the function, and deletes
/// what it did not report as failed. Answers how many messages it delivered.
pub async fn deliver_retries(deps: &email_inbound::Deps, wait_seconds: i32) -> usize {
    let received = deps
        .sqs
        .receive_message()
        .queue_url(&deps.retry_queue_url)
        .max_number_of_messages(10)
        .wait_time_seconds(wait_seconds)
        .send()
        .await;
    let messages = match received {
        Ok(output) => output.messages.unwrap_or_default(),
        Err(err) => {
            tracing::warn!(error = %err, "retry queue not readable");
            return 0;
        }
    };
    if messages.is_empty() {
        return 0;
    }
    let event = sqs_event(
        "arn:aws:sqs:us-east-1:000000000000:email-retry-queue",
        &messages,
    );
    let failed: Vec<String> = match email_inbound::handle(deps, event).await {
        Ok(email_inbound::Handled::Sqs(response)) => response
            .batch_item_failures
            .into_iter()
            .map(|f| f.item_identifier)
            .collect(),
        _ => messages
            .iter()
            .filter_map(|m| m.message_id.clone())
            .collect(),
    };
    for message in &messages {
        if message
            .message_id
            .as_ref()
            .is_some_and(|id| failed.contains(id))
        {
            continue;
        }
        let _ = deps
            .sqs
            .delete_message()
            .queue_url(&deps.retry_queue_url)
            .set_receipt_handle(message.receipt_handle.clone())
            .send()
            .await;
    }
    messages.len()
}

/// Polls the retry queue for as long as the process runs, like the SQS trigger.
pub async fn poll_retries(deps: email_inbound::Deps) {
    loop {
        if deliver_retries(&deps, 1).await == 0 {
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }
}
