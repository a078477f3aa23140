//! Form bodies as browsers and scripts send them, read strictly as UTF-8 and bounded.

use super::{MAX_FIELDS, MAX_VALUE_BYTES};
use crate::mapping::{Payload, PayloadError};

/// How a form body is encoded. A plain HTML `<form method=post>` sends `UrlEncoded`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Json,
    UrlEncoded,
}

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum DecodeError {
    #[error("send the form as application/x-www-form-urlencoded or application/json, not {0}")]
    UnsupportedType(String),
    #[error("the body is not valid UTF-8")]
    NotUtf8,
    #[error("the body is not valid JSON: {0}")]
    Json(String),
    #[error("the body must be a JSON object")]
    NotAnObject,
    #[error("the form has more than {MAX_FIELDS} fields")]
    TooManyFields,
    #[error("the field `{0}` is longer than {MAX_VALUE_BYTES} bytes")]
    TooLong(String),
}

fn essence(content_type: &str) -> String {
    content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase()
}

fn is_json(essence: &str) -> bool {
    essence == "application/json" || essence.ends_with("+json")
}

/// Whether the caller is a browser submitting a page (answered with pages and
/// redirects) rather than a script (answered with JSON): what an HTML form can send,
/// or a request that asks for HTML and sent no JSON.
pub fn wants_html(content_type: Option<&str>, accept: Option<&str>) -> bool {
    let essence = content_type.map(essence).unwrap_or_default();
    let form_types = [
        "application/x-www-form-urlencoded",
        "multipart/form-data",
        "text/plain",
    ];
    form_types.contains(&essence.as_str())
        || (!is_json(&essence) && accept.is_some_and(|accept| accept.contains("text/html")))
}

impl Encoding {
    /// The encoding a Content-Type names; without one, a body that opens with `{` is JSON.
    pub fn of(content_type: Option<&str>, body: &[u8]) -> Result<Self, DecodeError> {
        let Some(content_type) = content_type.map(essence).filter(|e| !e.is_empty()) else {
            let opens_object = body.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{');
            return Ok(if opens_object {
                Encoding::Json
            } else {
                Encoding::UrlEncoded
            });
        };
        match content_type.as_str() {
            "application/x-www-form-urlencoded" => Ok(Encoding::UrlEncoded),
            essence if is_json(essence) => Ok(Encoding::Json),
            other => Err(DecodeError::UnsupportedType(
                other.chars().take(100).collect(),
            )),
        }
    }
}

/// The body as a payload, refused when it is not UTF-8, has more than [`MAX_FIELDS`]
/// fields, or a name or value over [`MAX_VALUE_BYTES`].
pub fn decode(encoding: Encoding, body: &[u8]) -> Result<Payload, DecodeError> {
    let text = std::str::from_utf8(body).map_err(|_| DecodeError::NotUtf8)?;
    let payload = match encoding {
        Encoding::Json => {
            let value: serde_json::Value =
                serde_json::from_str(text).map_err(|e| DecodeError::Json(e.to_string()))?;
            Payload::from_json(&value).map_err(|e| match e {
                PayloadError::NotAnObject => DecodeError::NotAnObject,
                PayloadError::TooManyFields => DecodeError::TooManyFields,
            })?
        }
        Encoding::UrlEncoded => {
            let pairs = urlencoded_pairs(text.as_bytes())?;
            Payload::from_pairs(pairs).map_err(|_| DecodeError::TooManyFields)?
        }
    };
    if payload.len() > MAX_FIELDS {
        return Err(DecodeError::TooManyFields);
    }
    if let Some((label, _)) = payload
        .pairs()
        .find(|(label, value)| label.len() > MAX_VALUE_BYTES || value.len() > MAX_VALUE_BYTES)
    {
        return Err(DecodeError::TooLong(label.chars().take(64).collect()));
    }
    Ok(payload)
}

/// `a=1&b=x+y` pairs; percent-escapes must decode to UTF-8 (no silent replacement).
fn urlencoded_pairs(body: &[u8]) -> Result<Vec<(String, String)>, DecodeError> {
    let mut pairs = Vec::new();
    for part in body.split(|b| *b == b'&').filter(|part| !part.is_empty()) {
        if pairs.len() >= MAX_FIELDS.saturating_mul(10) {
            return Err(DecodeError::TooManyFields);
        }
        let (name, value) = match part.iter().position(|b| *b == b'=') {
            Some(at) => (&part[..at], &part[at + 1..]),
            None => (part, &[][..]),
        };
        pairs.push((percent_decode(name)?, percent_decode(value)?));
    }
    Ok(pairs)
}

fn percent_decode(bytes: &[u8]) -> Result<String, DecodeError> {
    let hex = |b: u8| char::from(b).to_digit(16);
    let mut out = Vec::with_capacity(bytes.len());
    let mut rest = bytes;
    while let Some((&byte, tail)) = rest.split_first() {
        rest = tail;
        match byte {
            b'+' => out.push(b' '),
            b'%' => match (
                tail.first().and_then(|b| hex(*b)),
                tail.get(1).and_then(|b| hex(*b)),
            ) {
                (Some(high), Some(low)) => {
                    out.push(u8::try_from(high * 16 + low).unwrap_or_default());
                    rest = &tail[2..];
                }
                _ => out.push(b'%'),
            },
            other => out.push(other),
        }
    }
    String::from_utf8(out).map_err(|_| DecodeError::NotUtf8)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn form(body: &str) -> Result<Vec<(String, String)>, DecodeError> {
        decode(Encoding::UrlEncoded, body.as_bytes()).map(|payload| {
            payload
                .pairs()
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .collect()
        })
    }

    #[test]
    fn urlencoded_forms_decode_as_utf8() {
        let pairs = form("name=Ren%C3%A9e+M%C3%BCller&email=r%40x.io&empty=&flag&x=50%").unwrap();
        assert_eq!(pairs[0], ("name".into(), "Renée Müller".into()));
        assert_eq!(pairs[1], ("email".into(), "r@x.io".into()));
        assert_eq!(pairs[2], ("x".into(), "50%".into()));
        assert_eq!(pairs.len(), 3, "empty values are left out");
    }

    #[test]
    fn bytes_that_are_not_utf8_are_refused_not_replaced() {
        assert_eq!(form("name=%FF%FE"), Err(DecodeError::NotUtf8));
        assert_eq!(
            decode(Encoding::UrlEncoded, b"name=\xff"),
            Err(DecodeError::NotUtf8)
        );
        assert_eq!(
            decode(Encoding::Json, b"{\"name\": \"\xff\"}"),
            Err(DecodeError::NotUtf8)
        );
    }

    #[test]
    fn too_many_fields_or_too_long_values_are_refused() {
        let many: Vec<String> = (0..=MAX_FIELDS).map(|i| format!("f{i}=x")).collect();
        assert_eq!(form(&many.join("&")), Err(DecodeError::TooManyFields));
        let long = format!("notes={}", "a".repeat(MAX_VALUE_BYTES + 1));
        assert_eq!(form(&long), Err(DecodeError::TooLong("notes".into())));
        let exactly = format!("notes={}", "a".repeat(MAX_VALUE_BYTES));
        assert!(form(&exactly).is_ok());
    }

    #[test]
    fn the_content_type_names_the_encoding() {
        let of = |ct: Option<&str>, body: &str| Encoding::of(ct, body.as_bytes());
        assert_eq!(
            of(Some("application/x-www-form-urlencoded; charset=UTF-8"), ""),
            Ok(Encoding::UrlEncoded)
        );
        assert_eq!(of(Some("Application/JSON"), ""), Ok(Encoding::Json));
        assert_eq!(of(None, "  {\"a\":1}"), Ok(Encoding::Json));
        assert_eq!(of(None, "a=1"), Ok(Encoding::UrlEncoded));
        assert!(matches!(
            of(Some("multipart/form-data; boundary=x"), ""),
            Err(DecodeError::UnsupportedType(_))
        ));
    }

    #[test]
    fn browsers_are_told_apart_from_scripts() {
        assert!(wants_html(Some("application/x-www-form-urlencoded"), None));
        assert!(wants_html(None, Some("text/html,application/xhtml+xml")));
        assert!(!wants_html(Some("application/json"), Some("text/html")));
        assert!(!wants_html(None, None));
    }

    #[test]
    fn json_bodies_must_be_objects() {
        assert_eq!(
            decode(Encoding::Json, b"[1]"),
            Err(DecodeError::NotAnObject)
        );
        assert!(matches!(
            decode(Encoding::Json, b"{"),
            Err(DecodeError::Json(_))
        ));
    }

    proptest! {
        #[test]
        fn decoding_never_panics(body in proptest::collection::vec(any::<u8>(), 0..512)) {
            let _ = decode(Encoding::UrlEncoded, &body);
            let _ = decode(Encoding::Json, &body);
        }

        #[test]
        fn any_text_round_trips_through_percent_encoding(value in "\\PC{1,40}") {
            let encoded: String = form_urlencoded::byte_serialize(value.as_bytes()).collect();
            let pairs = form(&format!("field={encoded}")).unwrap();
            if !value.trim().is_empty() {
                prop_assert_eq!(&pairs[0].1, &value);
            }
        }
    }
}
