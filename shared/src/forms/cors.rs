//! CORS for the public form door: the connector's allowed origins, none meaning any.

use url::Url;

/// How long a browser may cache a preflight answer.
pub const MAX_AGE_SECONDS: u32 = 86_400;

/// What a request's `Origin` is allowed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cors {
    /// Answers carry `Access-Control-Allow-Origin` with this value (`*` or the origin).
    Allowed(String),
    /// No `Origin` header on a connector that lists origins: not a browser's
    /// cross-origin request, so there is nothing to allow and nothing to refuse.
    NoOrigin,
    /// The origin is not one the connector lists.
    Refused(String),
}

/// `scheme://host[:port]` as browsers send it in `Origin` (lower case, default port
/// dropped); `null` for opaque origins such as `file:` pages.
pub fn normalize(origin: &str) -> String {
    let origin = origin.trim();
    match Url::parse(origin) {
        Ok(url) => url.origin().ascii_serialization(),
        Err(_) => origin.trim_end_matches('/').to_ascii_lowercase(),
    }
}

/// Whether `origin` is one of `allowed` (compared as normalised origins).
pub fn is_listed(allowed: &[String], origin: &str) -> bool {
    let origin = normalize(origin);
    allowed.iter().any(|entry| normalize(entry) == origin)
}

pub fn check(allowed: &[String], origin: Option<&str>) -> Cors {
    if allowed.is_empty() {
        return Cors::Allowed("*".to_owned());
    }
    match origin.map(str::trim).filter(|o| !o.is_empty()) {
        None => Cors::NoOrigin,
        Some(origin) if is_listed(allowed, origin) => Cors::Allowed(origin.to_owned()),
        Some(origin) => Cors::Refused(origin.chars().take(200).collect()),
    }
}

impl Cors {
    /// The headers every answer to this request carries.
    pub fn headers(&self) -> Vec<(&'static str, String)> {
        match self {
            Cors::Allowed(origin) if origin == "*" => {
                vec![("access-control-allow-origin", origin.clone())]
            }
            Cors::Allowed(origin) => vec![
                ("access-control-allow-origin", origin.clone()),
                ("vary", "Origin".to_owned()),
            ],
            Cors::NoOrigin | Cors::Refused(_) => vec![("vary", "Origin".to_owned())],
        }
    }

    /// The headers of a preflight (`OPTIONS`) answer: the allow headers only for an
    /// allowed origin.
    pub fn preflight_headers(&self) -> Vec<(&'static str, String)> {
        let mut headers = self.headers();
        if let Cors::Allowed(_) = self {
            headers.extend([
                ("access-control-allow-methods", "POST, OPTIONS".to_owned()),
                ("access-control-allow-headers", "content-type".to_owned()),
                ("access-control-max-age", MAX_AGE_SECONDS.to_string()),
            ]);
        }
        headers
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(origins: &[&str]) -> Vec<String> {
        origins.iter().map(|o| o.to_string()).collect()
    }

    #[test]
    fn no_listed_origins_allows_any() {
        assert_eq!(
            check(&[], Some("https://anywhere.example")),
            Cors::Allowed("*".into())
        );
        assert_eq!(check(&[], None), Cors::Allowed("*".into()));
    }

    #[test]
    fn listed_origins_match_however_they_were_typed() {
        let allowed = list(&["https://Example.com/", "http://localhost:8000"]);
        assert_eq!(
            check(&allowed, Some("https://example.com")),
            Cors::Allowed("https://example.com".into())
        );
        assert_eq!(
            check(&allowed, Some("https://example.com:443")),
            Cors::Allowed("https://example.com:443".into())
        );
        assert_eq!(
            check(&allowed, Some("http://localhost:8000")),
            Cors::Allowed("http://localhost:8000".into())
        );
        assert_eq!(
            check(&allowed, Some("https://evil.example")),
            Cors::Refused("https://evil.example".into())
        );
        assert_eq!(check(&allowed, Some("null")), Cors::Refused("null".into()));
        assert_eq!(check(&allowed, None), Cors::NoOrigin);
    }

    #[test]
    fn only_an_allowed_preflight_gets_the_allow_headers() {
        let allowed = Cors::Allowed("https://example.com".into()).preflight_headers();
        assert!(allowed.contains(&("access-control-allow-methods", "POST, OPTIONS".into())));
        assert!(allowed.contains(&("access-control-allow-headers", "content-type".into())));
        let refused = Cors::Refused("https://evil.example".into()).preflight_headers();
        assert!(refused
            .iter()
            .all(|(name, _)| !name.starts_with("access-control-")));
    }
}
