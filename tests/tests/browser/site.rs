//! The website the browser opens: a quote form, a form with a file input, and their
//! thank-you page, no JavaScript anywhere.

use e2e::TestApp;
use shared::domain::Connector;

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

/// A quote form that also takes a photo: browsers post it as `multipart/form-data`.
fn upload_page(action: &str) -> String {
    format!(
        r#"<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Send a photo</title></head>
<body>
<form method="post" action="{action}" enctype="multipart/form-data">
  <label>Your name <input id="name" name="your-name"></label>
  <label>Phone <input id="phone" name="phone"></label>
  <label>ZIP <input id="zip" name="zip"></label>
  <label>Photo of the roof <input id="photo" name="photo" type="file"></label>
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
    let action = shared::http::escape_html(&form_action);
    let (page, upload) = (quote_page(&action), upload_page(&action));
    let app = axum::Router::new()
        .route("/quote.html", get(move || async move { Html(page) }))
        .route("/upload.html", get(move || async move { Html(upload) }))
        .route("/thanks.html", get(|| async { Html(THANKS_PAGE) }));
    axum::serve(listener, app).await.expect("the site serves");
}

/// The site on a free port, posting to a website-form connector (shaped by `configure`)
/// whose redirect is the site's thank-you page, behind the gateway of `make dev`.
pub struct Site {
    pub app: TestApp,
    /// `http://127.0.0.1:<port>`
    pub base: String,
    pub thanks: String,
}

impl Site {
    pub async fn start(configure: impl FnOnce(&mut Connector)) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let thanks = format!("{base}/thanks.html");
        let app = TestApp::spawn_form(|c| {
            c.settings.redirect_url = Some(thanks.clone());
            c.settings.allowed_origins = vec![base.clone()];
            configure(c);
        })
        .await;
        let gateway = app.serve_gateway().await;
        let action = format!("{gateway}/forms/{}", app.form_id());
        tokio::spawn(serve_site(listener, action));
        Self { app, base, thanks }
    }
}
