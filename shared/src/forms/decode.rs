//! Form bodies as browsers and scripts send them, read strictly as UTF-8 and bounded.

use super::multipart::{self, Boundary};
use super::{MAX_FIELDS, MAX_VALUE_BYTES};
use crate::mapping::{Payload, PayloadError};

/// How a form body is encoded. A plain HTML `<form method=post>` sends `UrlEncoded`;
/// one with `enctype="multipart/form-data"` (a file input) sends `Multipart`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Json,
    UrlEncoded,
    Multipart(Boundary),
}

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum DecodeError {
    #[error(
        "send the form as application/x-www-form-urlencoded, multipart/form-data or application/json, not {0}"
    )]
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
    #[error("the multipart body is malformed: {0}")]
    Multipart(&'static str),
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
        let raw = content_type.unwrap_or_default();
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
            "multipart/form-data" => content_type_param(raw, "boundary")
                .and_then(Boundary::parse)
                .map(Encoding::Multipart)
                .ok_or(DecodeError::Multipart(
                    "the Content-Type has no valid boundary parameter",
                )),
            essence if is_json(essence) => Ok(Encoding::Json),
            other => Err(DecodeError::UnsupportedType(
                other.chars().take(100).collect(),
            )),
        }
    }
}

/// A parameter of a Content-Type (`boundary` of `multipart/form-data; boundary="x"`).
fn content_type_param<'a>(content_type: &'a str, wanted: &str) -> Option<&'a str> {
    content_type.split(';').skip(1).find_map(|param| {
        let (name, value) = param.split_once('=')?;
        let value = value.trim();
        let value = value
            .strip_prefix('"')
            .and_then(|v| v.strip_suffix('"'))
            .unwrap_or(value);
        name.trim().eq_ignore_ascii_case(wanted).then_some(value)
    })
}

/// The body as a payload, bounded only by what a payload may hold
/// ([`crate::mapping::MAX_FIELDS`]): for trusted senders whose fields may be long (a
/// vendor's JSON string of answers). Text must be UTF-8; file parts are skipped.
pub fn read(encoding: Encoding, body: &[u8]) -> Result<Payload, DecodeError> {
    let too_many = |_| DecodeError::TooManyFields;
    match encoding {
        Encoding::Json => {
            let text = std::str::from_utf8(body).map_err(|_| DecodeError::NotUtf8)?;
            let value: serde_json::Value =
                serde_json::from_str(text).map_err(|e| DecodeError::Json(e.to_string()))?;
            Payload::from_json(&value).map_err(|e| match e {
                PayloadError::NotAnObject => DecodeError::NotAnObject,
                PayloadError::TooManyFields => DecodeError::TooManyFields,
            })
        }
        Encoding::UrlEncoded => {
            let text = std::str::from_utf8(body).map_err(|_| DecodeError::NotUtf8)?;
            Payload::from_pairs(urlencoded_pairs(text.as_bytes())?).map_err(too_many)
        }
        Encoding::Multipart(boundary) => {
            let max_parts = MAX_FIELDS.saturating_mul(10);
            let fields = multipart::text_fields(body, &boundary, max_parts)?;
            Payload::from_pairs(fields).map_err(too_many)
        }
    }
}

/// The body as a payload, refused when it is not UTF-8, has more than [`MAX_FIELDS`]
/// fields, or a name or value over [`MAX_VALUE_BYTES`].
pub fn decode(encoding: Encoding, body: &[u8]) -> Result<Payload, DecodeError> {
    let payload = read(encoding, body)?;
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
#[path = "decode_tests.rs"]
mod tests;
