//! A real browser with JavaScript turned off: headless Chromium (Debian `chromium`,
//! driven over WebDriver by `chromedriver`) opens a plain HTML page served locally,
//! fills in its form and submits it to the local gateway, and lands on the site's
//! thank-you page through the connector's 303 redirect.

use e2e::{LeadContacts, TestApp};
use serde_json::{json, Value};
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Child, Command, Stdio};

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

/// Whether the browser is installed; without it the test fails, unless
/// `LC_SKIP_BROWSER=1` asks to skip it.
fn browser_available() -> bool {
    if Path::new(CHROMIUM).exists() && Path::new(CHROMEDRIVER).exists() {
        return true;
    }
    if std::env::var("LC_SKIP_BROWSER").as_deref() == Ok("1") {
        eprintln!("skipped: {CHROMIUM} or {CHROMEDRIVER} is missing and LC_SKIP_BROWSER=1");
        return false;
    }
    panic!(
        "{CHROMIUM} and {CHROMEDRIVER} are needed: `make tools` installs the Debian packages \
         chromium and chromium-driver (or set LC_SKIP_BROWSER=1 to skip this test)"
    );
}

fn quote_page(action: &str) -> String {
    format!(
        r#"<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Get a quote</title></head>
<body>
<h1>Get a quote</h1>
<noscript><p id="no-js">This page needs no JavaScript.</p></noscript>
<form method="post" action="{action}">
  <label>Your name <input id="name" name="your-name"></label>
  <label>Email <input id="email" name="email" type="email"></label>
  <label>Phone <input id="phone" name="phone"></label>
  <label>What do you need? <textarea id="message" name="message"></textarea></label>
  <label>Roof age <input id="roof" name="Roof age"></label>
  <div style="display:none"><input name="_hp" tabindex="-1" autocomplete="off"></div>
  <button id="send" type="submit">Send</button>
</form>
</body></html>"#
    )
}

const THANKS_PAGE: &str = r#"<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Thanks</title></head>
<body><h1>Thanks! We will call you soon.</h1></body></html>"#;

/// The website: the quote form and its thank-you page, no JavaScript anywhere.
async fn serve_site(listener: tokio::net::TcpListener, form_action: String) {
    use axum::response::Html;
    use axum::routing::get;
    let page = quote_page(&shared::http::escape_html(&form_action));
    let app = axum::Router::new()
        .route("/quote.html", get(move || async move { Html(page) }))
        .route("/thanks.html", get(|| async { Html(THANKS_PAGE) }));
    axum::serve(listener, app).await.expect("the site serves");
}

/// The gateway of `make dev` on a free port.
async fn serve_gateway(app: &TestApp) -> String {
    app.serve_gateway().await
}

/// chromedriver on a free port, killed when dropped.
struct Driver {
    child: Child,
    base: String,
    http: reqwest::Client,
}

impl Drop for Driver {
    /// Ends chromedriver and the Chromium it started (its own process group), even when
    /// the test failed half-way.
    fn drop(&mut self) {
        let group = format!("-{}", self.child.id());
        let _ = Command::new("kill").args(["-TERM", "--", &group]).status();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Driver {
    async fn start() -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .unwrap()
            .port();
        let child = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .process_group(0)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let driver = Self {
            child,
            base: format!("http://127.0.0.1:{port}"),
            http: reqwest::Client::new(),
        };
        for _ in 0..200 {
            let status = driver
                .http
                .get(format!("{}/status", driver.base))
                .send()
                .await;
            if let Ok(status) = status {
                let ready = status.json::<Value>().await.ok();
                if ready.is_some_and(|s| s["value"]["ready"] == true) {
                    return driver;
                }
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        panic!("chromedriver did not come up on port {port}");
    }

    async fn call(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
        let mut request = self.http.request(method, format!("{}{path}", self.base));
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.expect("chromedriver answers");
        let status = response.status();
        let value: Value = response.json().await.expect("a WebDriver JSON answer");
        assert!(status.is_success(), "WebDriver {path}: {status} {value}");
        value["value"].clone()
    }

    /// A headless Chromium session in which pages may not run JavaScript at all.
    async fn session(&self) -> Session<'_> {
        let capabilities = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": CHROMIUM,
                "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--no-first-run", "--disable-background-networking", "--disable-component-update",
                    "--disable-sync"],
                "prefs": {"profile.managed_default_content_settings.javascript": 2},
            },
        }}});
        let value = self
            .call(reqwest::Method::POST, "/session", Some(capabilities))
            .await;
        Session {
            driver: self,
            id: value["sessionId"]
                .as_str()
                .expect("a session id")
                .to_owned(),
        }
    }
}

struct Session<'a> {
    driver: &'a Driver,
    id: String,
}

impl Session<'_> {
    async fn post(&self, path: &str, body: Value) -> Value {
        let path = format!("/session/{}{path}", self.id);
        self.driver
            .call(reqwest::Method::POST, &path, Some(body))
            .await
    }

    async fn get(&self, path: &str) -> Value {
        let path = format!("/session/{}{path}", self.id);
        self.driver.call(reqwest::Method::GET, &path, None).await
    }

    async fn element(&self, css: &str) -> String {
        let found = self
            .post("/element", json!({"using": "css selector", "value": css}))
            .await;
        found[ELEMENT].as_str().expect("an element id").to_owned()
    }

    async fn type_into(&self, css: &str, text: &str) {
        let element = self.element(css).await;
        self.post(&format!("/element/{element}/value"), json!({"text": text}))
            .await;
    }

    async fn click(&self, css: &str) {
        let element = self.element(css).await;
        self.post(&format!("/element/{element}/click"), json!({}))
            .await;
    }

    async fn close(self) {
        let path = format!("/session/{}", self.id);
        self.driver.call(reqwest::Method::DELETE, &path, None).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_plain_html_form_submitted_in_chromium_without_javascript_lands_on_the_thank_you_page() {
    if !browser_available() {
        return;
    }
    let site = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let site_base = format!("http://{}", site.local_addr().unwrap());
    let thanks = format!("{site_base}/thanks.html");
    let app = TestApp::spawn_form(|c| {
        c.settings.redirect_url = Some(thanks.clone());
        c.settings.allowed_origins = vec![site_base.clone()];
        c.source_label = Some("website".into());
        c.field_aliases = [("your-name".to_owned(), "customer_name".to_owned())].into();
    })
    .await;
    let gateway = serve_gateway(&app).await;
    tokio::spawn(serve_site(
        site,
        format!("{gateway}/forms/{}", app.form_id()),
    ));
    let driver = Driver::start().await;
    let browser = driver.session().await;

    browser
        .post("/url", json!({"url": format!("{site_base}/quote.html")}))
        .await;
    // `noscript` content only becomes elements when scripting is off in the browser.
    browser.element("#no-js").await;
    browser.type_into("#name", "Renée Müller").await;
    browser.type_into("#email", "renee@example.com").await;
    browser.type_into("#phone", "(717) 555-0188").await;
    browser
        .type_into("#message", "Gutter cleaning, two storeys")
        .await;
    browser.type_into("#roof", "15").await;
    browser.click("#send").await;
    let mut landed = String::new();
    for _ in 0..100 {
        landed = browser
            .get("/url")
            .await
            .as_str()
            .unwrap_or_default()
            .to_owned();
        if landed != format!("{site_base}/quote.html") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let title = browser.get("/title").await;
    browser.close().await;

    assert_eq!(landed, thanks);
    assert_eq!(title, "Thanks");
    let leads = app.leads().await;
    assert_eq!(leads.len(), 1, "{:?}", app.import_log().await);
    let lead = &leads[0];
    assert_eq!(lead.customer_name, "Renée Müller");
    assert_eq!(lead.email(), Some("renee@example.com"));
    assert_eq!(lead.phone(), Some("+17175550188"));
    assert_eq!(lead.source, "website");
    assert_eq!(lead.custom_fields["Roof age"], "15");
    let log = app.import_log().await;
    assert!(log[0]
        .origin
        .user_agent
        .as_deref()
        .unwrap_or_default()
        .contains("Chrome"));
}
