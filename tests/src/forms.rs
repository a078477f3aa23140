//! Website-form support: a test app with an active form connector, and form posts as
//! API Gateway delivers them to `form-intake`.

use crate::{TestApp, TestResponse};
use local::gateway::HttpCall;
use local::seed;
use serde_json::Value;
use shared::domain::{Connector, ImportRecord, ImportStatus, Provider};
use shared::throttle::{self, Rule, Window};

/// Where the forms of these tests send a person after a post.
pub const THANKS: &str = "https://www.example.com/thanks";

/// The site these tests' forms sit on, when a connector lists its origins.
pub const SITE: &str = "https://www.example.com";

pub const URLENCODED: &str = "application/x-www-form-urlencoded";

/// A request to `/forms/{form_id}`.
#[derive(Debug, Clone)]
pub struct FormRequest {
    method: &'static str,
    form_id: Option<String>,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    source_ip: String,
}

impl FormRequest {
    fn new(method: &'static str, content_type: Option<&str>, body: Vec<u8>) -> Self {
        Self {
            method,
            form_id: None,
            headers: content_type
                .map(|ct| ("content-type".to_owned(), ct.to_owned()))
                .into_iter()
                .chain([("user-agent".to_owned(), "Mozilla/5.0 (Test)".to_owned())])
                .collect(),
            body,
            source_ip: "198.51.100.1".to_owned(),
        }
    }

    /// What a plain HTML `<form method=post>` sends.
    pub fn urlencoded(pairs: &[(&str, &str)]) -> Self {
        let body = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(pairs)
            .finish();
        Self::new("POST", Some(URLENCODED), body.into_bytes())
    }

    pub fn json(value: &Value) -> Self {
        Self::new(
            "POST",
            Some("application/json"),
            value.to_string().into_bytes(),
        )
    }

    pub fn raw(content_type: &str, body: &[u8]) -> Self {
        Self::new("POST", Some(content_type), body.to_vec())
    }

    pub fn preflight(origin: Option<&str>) -> Self {
        let request = Self::new("OPTIONS", None, Vec::new())
            .header("access-control-request-method", "POST")
            .header("access-control-request-headers", "content-type");
        match origin {
            Some(origin) => request.header("origin", origin),
            None => request,
        }
    }

    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    pub fn from_ip(mut self, ip: &str) -> Self {
        self.source_ip = ip.to_owned();
        self
    }

    pub fn to_form(mut self, form_id: &str) -> Self {
        self.form_id = Some(form_id.to_owned());
        self
    }
}

impl TestApp {
    /// A fresh workspace with an active website-form connector shaped by `configure`.
    pub async fn spawn_form(configure: impl FnOnce(&mut Connector)) -> Self {
        let mut app = TestApp::spawn().await;
        app.with_form(configure).await;
        app
    }

    /// Adds an active website-form connector shaped by `configure` to this workspace.
    pub async fn with_form(&mut self, configure: impl FnOnce(&mut Connector)) {
        seed::active_connector(
            &self.store,
            &mut self.seeded,
            Provider::WebsiteForm,
            configure,
        )
        .await
        .expect("seed form connector");
    }

    /// A fresh workspace whose form sends a person to `url` after a post.
    pub async fn spawn_form_redirecting_to(url: &str) -> Self {
        Self::spawn_form(|c| c.settings.redirect_url = Some(url.to_owned())).await
    }

    /// A fresh workspace whose form takes posts from `origin` only.
    pub async fn spawn_form_allowing(origin: &str) -> Self {
        Self::spawn_form(|c| c.settings.allowed_origins = vec![origin.to_owned()]).await
    }

    pub fn form_connector(&self) -> &Connector {
        self.seeded
            .connector(Provider::WebsiteForm)
            .expect("a website-form connector")
    }

    pub fn form_id(&self) -> String {
        self.form_connector()
            .settings
            .form_id
            .clone()
            .expect("a form id")
    }

    pub fn form_deps(&self) -> form_intake::FormIntake {
        form_intake::FormIntake {
            store: self.store_of("form-intake"),
        }
    }

    /// Sends `request` to `form-intake` (to this app's form unless it names another).
    pub async fn send_form(&self, request: FormRequest) -> TestResponse {
        self.send_form_to(&self.form_deps(), request).await
    }

    /// [`Self::send_form`] to the door `deps` make.
    pub async fn send_form_to(
        &self,
        deps: &form_intake::FormIntake,
        request: FormRequest,
    ) -> TestResponse {
        let form_id = request.form_id.clone().unwrap_or_else(|| self.form_id());
        let call = HttpCall {
            route_key: format!("{} /forms/{{form_id}}", request.method),
            method: request.method.to_owned(),
            path: format!("/forms/{form_id}"),
            headers: request.headers,
            path_parameters: [("form_id".to_owned(), form_id)].into(),
            body: request.body,
            source_ip: request.source_ip,
            ..Default::default()
        };
        TestResponse::answered(deps, call).await
    }
}

/// Fills `rule`'s counters for this window and the next, so that the next hit is over
/// the limit whenever it lands.
pub async fn exhaust(store: &shared::store::Store, rule: &Rule) {
    let now = u64::try_from(store.clock().epoch()).expect("after 1970");
    let next = Window::at(now, rule.window_seconds).ends_at;
    for at in [now, next] {
        for _ in 0..rule.limit {
            throttle::hit(store, rule, at).await.expect("throttle hit");
        }
    }
}

/// A quote-request form as a person fills it in (honeypot left empty).
pub fn quote(email: &str) -> Vec<(&'static str, String)> {
    vec![
        ("your-name", "Renée Müller".to_owned()),
        ("email", email.to_owned()),
        ("phone", "(717) 555-0123".to_owned()),
        ("zip", "17601".to_owned()),
        ("Roof age", "12 years".to_owned()),
        ("_hp", String::new()),
    ]
}

/// A plain HTML form post of `pairs`.
pub fn urlencoded(pairs: &[(&'static str, String)]) -> FormRequest {
    let pairs: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (*k, v.as_str())).collect();
    FormRequest::urlencoded(&pairs)
}

/// The single `failed` entry a refused submission leaves in the log.
pub fn the_one_failure(log: &[ImportRecord]) -> &ImportRecord {
    assert_eq!(log.len(), 1, "{log:?}");
    assert_eq!(log[0].status, ImportStatus::Failed);
    &log[0]
}

impl TestApp {
    /// The single `failed` entry a refused submission leaves in the log.
    pub async fn the_one_failure(&self) -> ImportRecord {
        let log = self.import_log().await;
        the_one_failure(&log).clone()
    }

    /// The reason of [`Self::the_one_failure`].
    pub async fn the_one_failure_reason(&self) -> String {
        let failure = self.the_one_failure().await;
        failure.reason.expect("a reason")
    }
}

/// Sends `request`, expects `status` and no lead.
pub async fn refused(app: &TestApp, request: FormRequest, status: u16) -> TestResponse {
    let response = app.send_form(request).await;
    assert_eq!(response.status, status, "{}", response.text);
    assert!(app.leads().await.is_empty());
    response
}
