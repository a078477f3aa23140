//! Local stand-ins for SES inbound and the email queues' event source mappings:
//! `POST /_local/email?to=<address>` stores a raw message as SES's S3 action would and
//! delivers the SES event (a delivery that fails goes to the failure queue, as Lambda's
//! on-failure destination sends it after its retries); the retry and failure queues are
//! polled and delivered like the SQS triggers.

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
        .bucket(&deps.inbound.bucket)
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
    match email_inbound::handle(deps, event.clone()).await {
        Ok(email_inbound::Handled::Ses(mut outcomes)) if !outcomes.is_empty() => {
            axum::Json(outcomes.remove(0)).into_response()
        }
        Ok(_) => (http::StatusCode::INTERNAL_SERVER_ERROR, "no outcome").into_response(),
        Err(err) => {
            let queued = fail_over(deps, event, err.to_string()).await;
            let detail = format!("{err}; {queued}");
            let problem =
                json!({"title": "Temporarily unavailable", "status": 503, "detail": detail});
            (http::StatusCode::SERVICE_UNAVAILABLE, axum::Json(problem)).into_response()
        }
    }
}

/// What Lambda's on-failure destination sends for an asynchronous invocation that failed
/// past its retries.
pub fn failed_invocation(event: Value, error: &str) -> Value {
    json!({
        "version": "1.0",
        "timestamp": chrono::Utc::now().to_rfc3339(),
        "requestContext": {
            "requestId": shared::domain::new_id(),
            "functionArn": "arn:aws:lambda:us-east-1:000000000000:function:email-inbound:$LATEST",
            "condition": "RetriesExhausted",
            "approximateInvokeCount": 3
        },
        "requestPayload": event,
        "responseContext": {"statusCode": 200, "executedVersion": "$LATEST", "functionError": "Unhandled"},
        "responsePayload": {"errorMessage": error, "errorType": "HandlerError"}
    })
}

/// Sends a failed SES delivery to the failure queue, as Lambda would after its retries.
async fn fail_over(deps: &email_inbound::Deps, event: Value, error: String) -> String {
    let record = failed_invocation(event, &error);
    let sent = deps
        .inbound
        .sqs
        .send_message()
        .queue_url(&deps.failure_queue_url)
        .message_body(record.to_string())
        .send()
        .await;
    match sent {
        Ok(_) => "queued on the failure queue for redelivery".to_owned(),
        Err(err) => format!("could not queue it for redelivery: {err}"),
    }
}

pub use crate::queues::sqs_event;

/// Receives one batch from the queue at `queue_url` (the retry or the failure queue),
/// delivers it to the function, and deletes what it did not report as failed. Answers
/// how many messages it delivered.
pub async fn deliver_queue(
    deps: &email_inbound::Deps,
    queue_url: &str,
    wait_seconds: i32,
) -> usize {
    let sqs = &deps.inbound.sqs;
    crate::queues::deliver(sqs, queue_url, wait_seconds, |event| async move {
        match email_inbound::handle(deps, event).await {
            Ok(email_inbound::Handled::Sqs(response)) => Some(crate::queues::failed_ids(response)),
            _ => None,
        }
    })
    .await
}

/// One batch of the retry queue, delivered (see [`deliver_queue`]).
pub async fn deliver_retries(deps: &email_inbound::Deps, wait_seconds: i32) -> usize {
    deliver_queue(deps, &deps.inbound.retry_queue_url.clone(), wait_seconds).await
}

/// Polls the retry and failure queues for as long as the process runs, like the SQS
/// triggers.
pub async fn poll_retries(deps: email_inbound::Deps) {
    loop {
        let retries = deliver_queue(&deps, &deps.inbound.retry_queue_url, 1).await;
        let failures = deliver_queue(&deps, &deps.failure_queue_url, 0).await;
        if retries + failures == 0 {
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }
}
