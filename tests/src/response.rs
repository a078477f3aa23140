//! What a door answered, read the same way whether it came from a handler in-process or
//! through the local gateway.

use local::gateway::HttpCall;
use serde_json::Value;

/// What a door answered.
#[derive(Debug, Clone)]
pub struct TestResponse {
    pub status: u16,
    pub headers: http::HeaderMap,
    pub text: String,
}

impl TestResponse {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or(Value::Null)
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// Sends `request` (to the local gateway) and reads the whole answer.
    pub async fn of(request: reqwest::RequestBuilder) -> Self {
        let response = request.send().await.expect("the gateway answers");
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let text = response.text().await.expect("a body");
        Self {
            status,
            headers,
            text,
        }
    }

    /// What `door` answers to `call`, delivered as API Gateway delivers it.
    pub async fn answered(door: &impl shared::http::Door, call: HttpCall) -> Self {
        let request = call.request().expect("a valid event");
        Self::from_lambda(shared::http::answer(door, request).await)
    }

    pub fn from_lambda(response: lambda_http::Response<lambda_http::Body>) -> Self {
        let (parts, body) = response.into_parts();
        let text = match body {
            lambda_http::Body::Text(text) => text,
            lambda_http::Body::Binary(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
            _ => String::new(),
        };
        Self {
            status: parts.status.as_u16(),
            headers: parts.headers,
            text,
        }
    }
}
