//! Lead retrieval from the Graph API: `GET /{version}/{leadgen_id}?fields=…` with the
//! page access token, and Meta's error shape sorted into "retry later" and "give up".

use super::super::ids::Id;
use hmac::{Hmac, KeyInit, Mac};
use reqwest::Url;
use serde::Deserialize;
use sha2::Sha256;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

pub const DEFAULT_BASE: &str = "https://graph.facebook.com";
pub const DEFAULT_VERSION: &str = "v21.0";
/// Only what the Meta preset uses.
const FIELDS: &str = "id,created_time,field_data,ad_id,form_id,campaign_id";
const TIMEOUT: Duration = Duration::from_secs(5);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(2);
const MESSAGE_CAP: usize = 300;

/// A lead as the Graph API returns it.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct GraphLead {
    pub id: Option<Id>,
    pub created_time: Option<String>,
    pub field_data: Vec<FieldDatum>,
    pub ad_id: Option<Id>,
    pub form_id: Option<Id>,
    pub campaign_id: Option<Id>,
}

/// One answer: the question's name and the values given (option keys for
/// multiple-choice questions, kept as sent).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct FieldDatum {
    pub name: String,
    pub values: Vec<serde_json::Value>,
}

/// A fetched lead with the body as received, for the import log.
#[derive(Debug, Clone)]
pub struct Fetched {
    pub lead: GraphLead,
    pub raw: serde_json::Value,
}

/// Meta's `{"error": {"message", "type", "code", "error_subcode", "fbtrace_id"}}`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct Fault {
    #[serde(skip)]
    pub status: u16,
    pub message: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub code: i64,
    pub error_subcode: Option<i64>,
    pub fbtrace_id: Option<String>,
    pub is_transient: Option<bool>,
}

#[derive(Deserialize)]
struct FaultBody {
    error: Fault,
}

#[derive(Debug, thiserror::Error)]
pub enum GraphError {
    #[error("the Graph API base URL is not a valid URL")]
    BadBase(#[source] Box<dyn std::error::Error + Send + Sync>),
    #[error("the Graph API client could not be built")]
    Client(#[source] reqwest::Error),
    /// Connection refused, reset, timed out: no answer at all.
    #[error("the Graph API could not be reached")]
    Transport(#[source] reqwest::Error),
    #[error("the Graph API answered HTTP {status} without Meta's error body")]
    Status { status: u16 },
    #[error("the Graph API refused the request: {} (code {}, HTTP {})", .0.message, .0.code, .0.status)]
    Api(Fault),
    /// Only the position is kept: serde's message could quote the lead's answers.
    #[error(
        "the Graph API answered with a body that is not what was asked for (line {line}, column {column})"
    )]
    Decode { line: usize, column: usize },
}

impl Fault {
    /// Rate limits, Meta's own outages and errors Meta flags as transient.
    fn is_retryable(&self) -> bool {
        match self.code {
            190 | 102 | 10 | 100 | 200..=299 => false,
            1 | 2 | 4 | 17 | 32 | 341 | 613 | 80000..=80099 => true,
            _ => self.is_transient == Some(true) || self.status >= 500,
        }
    }

    fn reason(&self) -> String {
        let message: String = self.message.chars().take(MESSAGE_CAP).collect();
        let subcode = self
            .error_subcode
            .map(|s| format!(", subcode {s}"))
            .unwrap_or_default();
        match self.code {
            190 | 102 => format!(
                "Meta rejected the page access token (code {}{subcode}): it has expired or been \
                 revoked. Reconnect the Facebook page in Meta Lead Ads setup so a new page \
                 token is stored, then resend the lead from Meta's Leads Center",
                self.code
            ),
            10 | 200..=299 => format!(
                "the page access token may not read leads (code {}{subcode}): give the app the \
                 leads_retrieval permission and access in the page's Leads Access Manager, then \
                 reconnect the page",
                self.code
            ),
            100 => format!(
                "the Graph API cannot read this lead (code 100{subcode}): it does not exist or \
                 the page token cannot see it ({message})"
            ),
            code => format!("the Graph API refused the lead (code {code}{subcode}): {message}"),
        }
    }
}

impl GraphError {
    /// Whether asking again later could succeed (then Meta is told to redeliver).
    pub fn is_retryable(&self) -> bool {
        match self {
            // The client is built on the first call: a lead is never given up for it.
            GraphError::Transport(_) | GraphError::Client(_) => true,
            GraphError::Status { status } => *status >= 500 || *status == 429,
            GraphError::Api(fault) => fault.is_retryable(),
            GraphError::BadBase(_) | GraphError::Decode { .. } => false,
        }
    }

    /// Whether Meta calls the page token expired or revoked (codes 190 and 102): a
    /// newer token in the secret may do.
    pub fn is_expired_token(&self) -> bool {
        matches!(self, GraphError::Api(fault) if matches!(fault.code, 190 | 102))
    }

    /// What went wrong, in words an admin can act on, for the import log.
    pub fn reason(&self) -> String {
        match self {
            GraphError::Api(fault) => fault.reason(),
            other => other.to_string(),
        }
    }
}

/// The Graph API at a configurable base URL and version. Its HTTP client is built on
/// the first call, not at start: building one reads the system's CA store, which a
/// function's cold start should not pay for a call it may never make.
#[derive(Debug, Clone)]
pub struct GraphClient {
    http: Arc<OnceLock<reqwest::Client>>,
    base: Url,
    version: String,
}

/// The credentials a lead is read with. The app secret signs the token
/// (`appsecret_proof`), which apps set to "Require App Secret" insist on.
#[derive(Clone, Copy)]
pub struct PageAccess<'a> {
    pub access_token: &'a str,
    pub app_secret: &'a str,
}

impl GraphClient {
    pub fn new(base: &str, version: &str) -> Result<Self, GraphError> {
        let base = Url::parse(base).map_err(|e| GraphError::BadBase(Box::new(e)))?;
        Ok(Self {
            http: Arc::default(),
            base,
            version: version.trim_matches('/').to_owned(),
        })
    }

    /// `GRAPH_API_BASE` (default Meta's) and `GRAPH_API_VERSION` (default [`DEFAULT_VERSION`]).
    pub fn from_env() -> Result<Self, GraphError> {
        let setting = |name: &str, default: &str| {
            std::env::var(name)
                .ok()
                .filter(|v| !v.trim().is_empty())
                .unwrap_or_else(|| default.to_owned())
        };
        Self::new(
            &setting("GRAPH_API_BASE", DEFAULT_BASE),
            &setting("GRAPH_API_VERSION", DEFAULT_VERSION),
        )
    }

    /// `{base}/{version}/{segments…}`, each segment escaped.
    pub(super) fn url(&self, segments: &[&str]) -> Url {
        let mut url = self.base.clone();
        if let Ok(mut path) = url.path_segments_mut() {
            path.pop_if_empty().push(&self.version).extend(segments);
        }
        url
    }

    /// The HTTP client, built on first use (then shared by every clone).
    pub(super) fn http(&self) -> Result<&reqwest::Client, GraphError> {
        if let Some(http) = self.http.get() {
            return Ok(http);
        }
        let http = crate::tls::client_builder()
            .timeout(TIMEOUT)
            .connect_timeout(CONNECT_TIMEOUT)
            .build()
            .map_err(|e| GraphError::Client(e.without_url()))?;
        Ok(self.http.get_or_init(|| http))
    }

    pub(super) fn version(&self) -> &str {
        &self.version
    }

    /// Reads one lead. Errors never carry the URL, which holds the token.
    pub async fn lead(
        &self,
        leadgen_id: &str,
        access: PageAccess<'_>,
    ) -> Result<Fetched, GraphError> {
        let raw = self.object(leadgen_id, FIELDS, access).await?;
        let lead = GraphLead::deserialize(&raw).map_err(decode)?;
        Ok(Fetched { lead, raw })
    }

    /// Reads the page `page_id` (`?fields=id`) with `access`: whether the token may
    /// see that page. Errors never carry the URL, which holds the token.
    pub async fn page(&self, page_id: &str, access: PageAccess<'_>) -> Result<(), GraphError> {
        let raw = self.object(page_id, "id", access).await?;
        let id = match &raw["id"] {
            serde_json::Value::String(id) => id.clone(),
            serde_json::Value::Number(id) => id.to_string(),
            _ => String::new(),
        };
        if id == page_id {
            Ok(())
        } else {
            Err(GraphError::Decode { line: 1, column: 1 })
        }
    }

    /// `GET {base}/{version}/{id}?fields=…` with the token and its proof, as JSON.
    async fn object(
        &self,
        id: &str,
        fields: &str,
        access: PageAccess<'_>,
    ) -> Result<serde_json::Value, GraphError> {
        let proof = appsecret_proof(access.app_secret, access.access_token);
        let request = self.http()?.get(self.url(&[id])).query(&[
            ("fields", fields),
            ("access_token", access.access_token),
            ("appsecret_proof", &proof),
        ]);
        answer(request).await
    }
}

/// Sends `request` and reads a 2xx body as `T`; anything else as Meta's error. Errors
/// never carry the URL, which holds a token.
pub(super) async fn answer<T: serde::de::DeserializeOwned>(
    request: reqwest::RequestBuilder,
) -> Result<T, GraphError> {
    let response = request
        .send()
        .await
        .map_err(|e| GraphError::Transport(e.without_url()))?;
    let status = response.status().as_u16();
    let body = response
        .bytes()
        .await
        .map_err(|e| GraphError::Transport(e.without_url()))?;
    if !(200..300).contains(&status) {
        return Err(match serde_json::from_slice::<FaultBody>(&body) {
            Ok(FaultBody { mut error }) => {
                error.status = status;
                GraphError::Api(error)
            }
            Err(_) => GraphError::Status { status },
        });
    }
    serde_json::from_slice(&body).map_err(decode)
}

/// Only the position is kept: serde's message could quote the lead's answers.
fn decode(e: serde_json::Error) -> GraphError {
    GraphError::Decode {
        line: e.line(),
        column: e.column(),
    }
}

/// `hex(HMAC-SHA256(key = app secret, message = access token))`.
pub(super) fn appsecret_proof(app_secret: &str, access_token: &str) -> String {
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(app_secret.as_bytes()) else {
        return String::new();
    };
    mac.update(access_token.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fault(code: i64, status: u16) -> GraphError {
        GraphError::Api(Fault {
            code,
            status,
            message: "msg".into(),
            ..Default::default()
        })
    }

    #[test]
    fn expired_tokens_are_permanent_and_rate_limits_and_outages_are_retried() {
        assert!(!fault(190, 400).is_retryable());
        assert!(fault(190, 400)
            .reason()
            .contains("Reconnect the Facebook page"));
        assert!(!fault(100, 400).is_retryable());
        for code in [4, 17, 32, 613, 1, 2] {
            assert!(fault(code, 400).is_retryable(), "code {code}");
        }
        assert!(fault(9999, 503).is_retryable());
        assert!(!fault(9999, 400).is_retryable());
        assert!(GraphError::Status { status: 502 }.is_retryable());
        assert!(!GraphError::Status { status: 404 }.is_retryable());
    }

    #[test]
    fn the_lead_url_escapes_its_segments_under_any_base() {
        let client = GraphClient::new("http://127.0.0.1:3000/_local/graph/", "v21.0").unwrap();
        assert_eq!(
            client.url(&["444/../me"]).as_str(),
            "http://127.0.0.1:3000/_local/graph/v21.0/444%2F..%2Fme"
        );
        let meta = GraphClient::new(DEFAULT_BASE, DEFAULT_VERSION).unwrap();
        assert_eq!(
            meta.url(&["444"]).as_str(),
            "https://graph.facebook.com/v21.0/444"
        );
    }
}
