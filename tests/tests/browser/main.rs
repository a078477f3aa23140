//! A real browser with JavaScript turned off: headless Chromium (Debian `chromium`,
//! driven over WebDriver by `chromedriver`) opens a plain HTML page served locally,
//! fills in its form and submits it to the local gateway, and lands on the site's
//! thank-you page through the connector's 303 redirect; a second page's form has a file
//! input, so Chromium posts it as `multipart/form-data`.

mod driver;
mod site;

use driver::{browser_available, Driver};
use e2e::LeadContacts;
use serde_json::json;
use site::Site;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_plain_html_form_submitted_in_chromium_without_javascript_lands_on_the_thank_you_page() {
    if !browser_available() {
        return;
    }
    let Site {
        app,
        base: site_base,
        thanks,
    } = Site::start(|c| {
        c.source_label = Some("website".into());
        c.field_aliases = [("your-name".to_owned(), "customer_name".to_owned())].into();
    })
    .await;
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
    let landed = browser.url_after(&format!("{site_base}/quote.html")).await;
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_form_with_a_file_input_posted_by_chromium_as_multipart_makes_a_lead() {
    if !browser_available() {
        return;
    }
    let Site {
        app,
        base: site_base,
        thanks,
    } = Site::start(|_| {}).await;
    // A small "photo" (the whole post stays under the form door's 64 KiB): its part is
    // skipped, never read as a field.
    let photo = std::env::temp_dir().join(format!("roof-{}.jpg", app.form_id()));
    std::fs::write(&photo, [0xFF, 0xD8, 0xFF, 0xE0].repeat(2048)).unwrap();
    let driver = Driver::start().await;
    let browser = driver.session().await;

    let page = format!("{site_base}/upload.html");
    browser.post("/url", json!({"url": page})).await;
    browser.type_into("#name", "Uma Upload").await;
    browser.type_into("#phone", "(717) 555-0166").await;
    browser.type_into("#zip", "17603").await;
    browser.type_into("#photo", photo.to_str().unwrap()).await;
    browser.click("#send").await;
    let landed = browser.url_after(&page).await;
    browser.close().await;
    let _ = std::fs::remove_file(&photo);

    let log = app.import_log().await;
    assert_eq!(landed, thanks, "{log:?}");
    let leads = app.leads().await;
    assert_eq!(leads.len(), 1, "{log:?}");
    let lead = &leads[0];
    assert_eq!(lead.customer_name, "Uma Upload");
    assert_eq!(
        lead.customer_phone.as_ref().unwrap().as_ref(),
        "+17175550166"
    );
    assert_eq!(lead.zip.as_ref().unwrap().as_ref(), "17603");
    assert!(
        !lead.custom_fields.contains_key("photo"),
        "the file is not a field"
    );
}
