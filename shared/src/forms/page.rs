//! The small HTML pages a person sees after posting a form with no redirect URL.
//! Everything echoed is escaped.

use crate::domain::FieldError;
use crate::http::{escape_html as escape, html_document as page};

/// The page for a received submission.
pub fn thank_you() -> String {
    page(
        "Thank you",
        "<p>We received your request and will be in touch soon.</p>",
    )
}

/// The page for a refused submission: what went wrong and what to do about it.
pub fn error(title: &str, detail: &str, errors: &[FieldError], back: Option<&str>) -> String {
    let mut body = format!("<p>{}</p>\n", escape(detail));
    if !errors.is_empty() {
        body.push_str("<ul>\n");
        for error in errors {
            body.push_str(&format!(
                "<li><strong>{}</strong>: {}</li>\n",
                escape(&error.field),
                escape(&error.message)
            ));
        }
        body.push_str("</ul>\n");
    }
    match back {
        Some(back) => body.push_str(&format!(
            "<p><a href=\"{}\">Go back to the form</a></p>",
            escape(back)
        )),
        None => body.push_str("<p>Please go back to the form and try again.</p>"),
    }
    page(title, &body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn echoed_text_is_escaped() {
        let html = error(
            "Not allowed",
            "<script>alert('x')</script>",
            &[FieldError::new("e\"mail", "<b>bad</b>")],
            Some("https://example.com/form?a=1&b=\"2\""),
        );
        assert!(!html.contains("<script>"));
        assert!(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"));
        assert!(html.contains("e&quot;mail"));
        assert!(html.contains("&lt;b&gt;bad&lt;/b&gt;"));
        assert!(html.contains("href=\"https://example.com/form?a=1&amp;b=&quot;2&quot;\""));
    }

    #[test]
    fn the_thank_you_page_is_plain_html() {
        let html = thank_you();
        assert!(html.starts_with("<!doctype html>"));
        assert!(html.contains("Thank you"));
        assert!(!html.contains("<script"));
    }
}
