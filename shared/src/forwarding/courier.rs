//! The one HTTP client that leaves the system: a signed POST to a destination, with a
//! time-out per attempt, no redirects followed, no proxy, and at most
//! [`READ_LIMIT`] bytes of the answer read (then the connection is dropped). Every name
//! is resolved through the SSRF guard and the connection made to the address it checked.
//! Its TLS is the process's one configuration ([`crate::tls`]), the AWS SDK client's too.

use super::reach::{self, Blocked, Reach, ResolveError};
use std::time::{Duration, Instant};

/// The most of an answer that is read.
pub const READ_LIMIT: usize = 16 * 1024;
/// The most of an answer that is kept on the attempt.
const EXCERPT_CHARS: usize = 300;

/// What became of one POST.
#[derive(Debug, Clone, PartialEq)]
pub enum Reply {
    /// The destination answered with `status`; `excerpt` is the start of its body.
    Answered { status: u16, excerpt: String },
    /// No answer: the network, DNS or the time-out; another attempt may do better.
    Unreachable(String),
    /// Not sent, and never will be: the destination is not one to reach.
    Refused(String),
}

#[derive(Debug, Clone)]
pub struct Courier {
    client: reqwest::Client,
    reach: Reach,
}

impl Courier {
    /// A client with `timeout` per attempt (connect, send and read the answer).
    pub fn new(reach: Reach, timeout: Duration) -> Result<Self, reqwest::Error> {
        let client = crate::tls::client_builder()
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .timeout(timeout)
            .connect_timeout(timeout.min(Duration::from_secs(5)))
            .dns_resolver(reach::Guard::shared(reach))
            .user_agent(concat!(
                "LeadConnectors-Forwarder/",
                env!("CARGO_PKG_VERSION")
            ))
            .build()?;
        Ok(Self { client, reach })
    }

    pub fn reach(&self) -> Reach {
        self.reach
    }

    /// POSTs `body` (JSON) to `url` with `headers`; answers what came of it and how long
    /// it took.
    pub async fn post(
        &self,
        url: &str,
        headers: &[(&'static str, String)],
        body: String,
    ) -> (Reply, Duration) {
        let started = Instant::now();
        let reply = self.send(url, headers, body).await;
        (reply, started.elapsed())
    }

    async fn send(&self, url: &str, headers: &[(&'static str, String)], body: String) -> Reply {
        // Addresses written in the URL never reach the resolver: checked here.
        let url = match reach::check_url(url, self.reach) {
            Ok(url) => url,
            Err(err) => return Reply::Refused(format!("the destination URL {err}")),
        };
        let mut request = self
            .client
            .post(url)
            .header(http::header::CONTENT_TYPE, "application/json");
        for (name, value) in headers {
            request = request.header(*name, value);
        }
        let mut response = match request.body(body).send().await {
            Ok(response) => response,
            Err(err) => return unsent(err.without_url()),
        };
        let status = response.status().as_u16();
        let mut read = Vec::new();
        while read.len() < READ_LIMIT {
            match response.chunk().await {
                Ok(Some(chunk)) => read.extend_from_slice(&chunk),
                Ok(None) | Err(_) => break,
            }
        }
        let excerpt = String::from_utf8_lossy(&read)
            .chars()
            .take(EXCERPT_CHARS)
            .collect();
        Reply::Answered { status, excerpt }
    }
}

/// A request that got no answer: refused by the guard, or unreachable.
fn unsent(err: reqwest::Error) -> Reply {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(&err);
    while let Some(cause) = source {
        let blocked = match cause.downcast_ref::<ResolveError>() {
            Some(ResolveError::Blocked(blocked)) => Some(blocked),
            _ => cause.downcast_ref::<Blocked>(),
        };
        if let Some(blocked) = blocked {
            return Reply::Refused(format!("the destination's host resolves to {blocked}"));
        }
        source = cause.source();
    }
    let what = if err.is_timeout() {
        "timed out"
    } else if err.is_connect() {
        "could not connect"
    } else {
        "the request failed"
    };
    Reply::Unreachable(format!("{what}: {}", crate::http::chain(&err)))
}
