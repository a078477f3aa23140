//! Where a browser goes after posting a form: never anywhere the connector did not
//! allow (no open redirect).

use super::cors;
use url::Url;

/// The form field that asks for a thank-you page of its own.
pub const REDIRECT_FIELD: &str = "_redirect";

fn web_url(raw: &str) -> Option<Url> {
    let url = Url::parse(raw.trim()).ok()?;
    matches!(url.scheme(), "http" | "https").then_some(url)
}

/// The page a browser post is sent to: the form's own `_redirect` when its origin is
/// one the connector lists, else the connector's redirect URL, else none.
pub fn target(
    configured: Option<&str>,
    requested: Option<&str>,
    allowed: &[String],
) -> Option<Url> {
    let requested = requested
        .and_then(web_url)
        .filter(|url| cors::is_listed(allowed, &url.origin().ascii_serialization()));
    requested.or_else(|| configured.and_then(web_url))
}

/// The redirect for a failed post: `lead_status=error` and a short reason the
/// thank-you page can show.
pub fn with_error(url: &Url, reason: &str) -> Url {
    let mut url = url.clone();
    url.query_pairs_mut()
        .append_pair("lead_status", "error")
        .append_pair("reason", reason);
    url
}

#[cfg(test)]
mod tests {
    use super::*;

    fn allowed() -> Vec<String> {
        vec!["https://www.example.com".into()]
    }

    #[test]
    fn a_requested_redirect_needs_an_allowed_origin() {
        let configured = Some("https://www.example.com/thanks");
        let own = target(
            configured,
            Some("https://www.example.com/other-thanks"),
            &allowed(),
        );
        assert_eq!(own.unwrap().path(), "/other-thanks");
        let evil = target(configured, Some("https://evil.example/phish"), &allowed());
        assert_eq!(evil.unwrap().as_str(), "https://www.example.com/thanks");
        assert_eq!(target(None, Some("https://evil.example/"), &[]), None);
        assert_eq!(target(None, Some("javascript:alert(1)"), &allowed()), None);
        assert_eq!(
            target(None, Some("//evil.example/x"), &allowed()),
            None,
            "relative URLs are not taken"
        );
    }

    #[test]
    fn only_web_urls_are_redirect_targets() {
        assert_eq!(target(Some("ftp://example.com/x"), None, &[]), None);
        assert_eq!(target(Some("not a url"), None, &[]), None);
        assert!(target(Some("http://localhost:8000/thanks.html"), None, &[]).is_some());
    }

    #[test]
    fn failures_carry_a_status_and_reason_in_the_query() {
        let url = Url::parse("https://www.example.com/thanks?form=quote").unwrap();
        assert_eq!(
            with_error(&url, "rate-limited").as_str(),
            "https://www.example.com/thanks?form=quote&lead_status=error&reason=rate-limited"
        );
    }
}
