//! A call IAM refuses, as AWS refuses it: nothing happens (a harmless read goes out in
//! its place) and the answer is the service's own `AccessDenied` error, which the code
//! under test reads like any other service error.

use aws_smithy_runtime_api::http::{Request, Response};
use aws_smithy_types::body::SdkBody;
use aws_smithy_types::config_bag::{Storable, StoreReplace};

/// A refused call: which service, and why.
#[derive(Debug, Clone)]
pub(super) struct Denied {
    pub(super) service: String,
    pub(super) message: String,
}

impl Storable for Denied {
    type Storer = StoreReplace<Self>;
}

/// Turns `request` into a read with no effect; `None` when there is none to send
/// (the call then fails before it is sent).
pub(super) fn disarm(request: &mut Request, service: &str) -> Option<()> {
    let (target, body) = match service {
        "DynamoDB" => (Some("DynamoDB_20120810.ListTables"), "{}"),
        "SQS" => (Some("AmazonSQS.ListQueues"), "{}"),
        "Secrets Manager" => (Some("secretsmanager.ListSecrets"), "{}"),
        "SES" => (None, "Action=GetSendQuota&Version=2010-12-01"),
        "S3" if request.method() == "GET" => {
            let uri = request.uri().to_owned();
            let root = uri.split_once("://").map_or(uri.clone(), |(scheme, rest)| {
                let host = rest.split('/').next().unwrap_or_default();
                format!("{scheme}://{host}/")
            });
            request.set_uri(root).ok()?;
            return Some(());
        }
        _ => return None,
    };
    if let Some(target) = target {
        request.headers_mut().insert("x-amz-target", target);
    }
    request
        .headers_mut()
        .insert("content-length", body.len().to_string());
    *request.body_mut() = SdkBody::from(body);
    Some(())
}

/// The service's `AccessDenied` answer in its own protocol.
pub(super) fn answer(response: &mut Response, denied: &Denied) {
    let message = &denied.message;
    let (status, content_type, body) = match denied.service.as_str() {
        "S3" => (
            403u16,
            "application/xml",
            format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>AccessDenied</Code><Message>{message}</Message></Error>"),
        ),
        "SES" => (
            403,
            "text/xml",
            format!("<ErrorResponse xmlns=\"http://ses.amazonaws.com/doc/2010-12-01/\"><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>{message}</Message></Error><RequestId>local</RequestId></ErrorResponse>"),
        ),
        _ => (
            400,
            "application/x-amz-json-1.0",
            serde_json::json!({"__type": "AccessDeniedException", "message": message}).to_string(),
        ),
    };
    if let Ok(status) = status.try_into() {
        *response.status_mut() = status;
    }
    response.headers_mut().insert("content-type", content_type);
    response.headers_mut().remove("content-length");
    response.headers_mut().remove("x-amzn-query-error");
    *response.body_mut() = SdkBody::from(body);
}
