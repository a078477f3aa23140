//! The pages a person sees at the end of Facebook Login. Everything echoed is escaped.

use super::handoff::Connected;
use crate::http::{escape_html as escape, html_document};

/// The pages the login gave access to, and how to choose one for the connector.
pub fn connected(connected: &Connected) -> String {
    let connector = escape(&connected.connector_name);
    let mut body = String::new();
    if let Some(page) = &connected.reconnected {
        body.push_str(&format!(
            "<p>Page <code>{}</code> is connected again: <strong>{connector}</strong> \
             takes its leads with the new token.</p>\n",
            escape(page)
        ));
    }
    if connected.pages.is_empty() {
        body.push_str(
            "<p>Facebook gave access to no page. Start Connect Meta again and, in the \
             Facebook dialog, select the page whose lead ads should come here.</p>\n",
        );
        return html_document("No page to connect", &body);
    }
    body.push_str(&format!(
        "<p>Choose the page whose leads <strong>{connector}</strong> should take:</p>\n<ul>\n"
    ));
    for page in &connected.pages {
        let name = page.name.as_deref().unwrap_or("(no name)");
        body.push_str(&format!(
            "<li><strong>{}</strong> &mdash; page id <code>{}</code></li>\n",
            escape(name),
            escape(&page.id)
        ));
    }
    body.push_str(&format!(
        "</ul>\n<p>Choose it in the admin app, or with <code>POST /admin/connectors/{}/meta/page\
         </code> and <code>{{\"page_id\": \"…\"}}</code>. You can close this window.</p>",
        escape(&connected.connector_id)
    ));
    html_document("Facebook pages connected", &body)
}

/// Why the login could not be completed, and what to do.
pub fn failed(title: &str, detail: &str) -> String {
    let body = format!(
        "<p>{}</p>\n<p>Nothing was stored. Go back to the admin app and click Connect Meta \
         again.</p>",
        escape(detail)
    );
    html_document(title, &body)
}

#[cfg(test)]
mod tests {
    use super::super::handoff::PageChoice;
    use super::*;

    #[test]
    fn page_names_are_escaped() {
        let html = connected(&Connected {
            workspace_id: "w".into(),
            connector_id: "c".into(),
            connector_name: "<b>Meta</b>".into(),
            pages: vec![PageChoice {
                id: "1".into(),
                name: Some("<script>x</script>".into()),
            }],
            reconnected: None,
            return_to: None,
        });
        assert!(!html.contains("<script>x"));
        assert!(html.contains("&lt;b&gt;Meta"));
        assert!(failed("t", "<i>").contains("&lt;i&gt;"));
    }
}
