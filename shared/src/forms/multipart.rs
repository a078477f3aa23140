//! `multipart/form-data` (RFC 7578) read from a complete body already in memory.
//!
//! A small parser rather than `multer`: multer reads a `Stream` of chunks and is driven
//! by `async`, while every caller here holds the whole (size-capped) body and decodes it
//! synchronously; the parts are borrowed slices of that body, so a file part is skipped
//! without a byte of it being copied.

use super::decode::DecodeError;
use std::fmt;

/// The most characters RFC 2046 allows in a boundary.
const MAX_BOUNDARY: usize = 70;
/// The longest header block of one part; real ones are a line or two.
const MAX_HEADER_BYTES: usize = 8 * 1024;

/// A boundary as RFC 2046 allows it: 1 to 70 of its `bchars`, not ending in a space.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Boundary {
    bytes: [u8; MAX_BOUNDARY],
    len: usize,
}

impl Boundary {
    pub fn parse(value: &str) -> Option<Self> {
        let allowed = |b: u8| b.is_ascii_alphanumeric() || b"'()+_,-./:=? ".contains(&b);
        let value = value.as_bytes();
        let valid = (1..=MAX_BOUNDARY).contains(&value.len())
            && value.iter().all(|b| allowed(*b))
            && value.last() != Some(&b' ');
        if !valid {
            return None;
        }
        let mut bytes = [0; MAX_BOUNDARY];
        bytes[..value.len()].copy_from_slice(value);
        Some(Boundary {
            bytes,
            len: value.len(),
        })
    }

    pub fn as_str(&self) -> &str {
        // Only ASCII is ever stored.
        std::str::from_utf8(&self.bytes[..self.len]).unwrap_or_default()
    }
}

impl fmt::Debug for Boundary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Boundary({:?})", self.as_str())
    }
}

fn malformed(why: &'static str) -> DecodeError {
    DecodeError::Multipart(why)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// The end of a line break (CRLF, or a bare LF as some senders write) at `at`.
fn after_line_break(body: &[u8], at: usize) -> Option<usize> {
    match body.get(at..)? {
        [b'\r', b'\n', ..] => Some(at + 2),
        [b'\n', ..] => Some(at + 1),
        _ => None,
    }
}

/// The text fields of the body, in order; file parts (those with a `filename`) are
/// skipped. More than `max_parts` parts of any kind is [`DecodeError::TooManyFields`].
pub fn text_fields(
    body: &[u8],
    boundary: &Boundary,
    max_parts: usize,
) -> Result<Vec<(String, String)>, DecodeError> {
    let delimiter = [b"--", boundary.as_str().as_bytes()].concat();
    let next_delimiter = [b"\n", delimiter.as_slice()].concat();
    let mut at = if body.starts_with(&delimiter) {
        0
    } else {
        find(body, &next_delimiter).ok_or(malformed("no boundary line"))? + 1
    };
    let mut fields = Vec::new();
    let mut parts = 0_usize;
    loop {
        let mut line_end = at + delimiter.len();
        if body.get(line_end..line_end + 2) == Some(b"--") {
            return Ok(fields);
        }
        while matches!(body.get(line_end), Some(b' ' | b'\t')) {
            line_end += 1;
        }
        let start = after_line_break(body, line_end)
            .ok_or(malformed("a boundary line does not end with a line break"))?;
        let rest = body.get(start..).unwrap_or_default();
        let next =
            find(rest, &next_delimiter).ok_or(malformed("the closing boundary is missing"))?;
        let end = if next > 0 && rest[next - 1] == b'\r' {
            next - 1
        } else {
            next
        };
        parts += 1;
        if parts > max_parts {
            return Err(DecodeError::TooManyFields);
        }
        if let Some(field) = text_field(&rest[..end])? {
            fields.push(field);
        }
        at = start + next + 1;
    }
}

/// A part's name and value, or `None` for a file.
fn text_field(part: &[u8]) -> Result<Option<(String, String)>, DecodeError> {
    let (head, content) = split_head(part)?;
    let head = std::str::from_utf8(head).map_err(|_| DecodeError::NotUtf8)?;
    let disposition = head
        .lines()
        .filter_map(|line| line.split_once(':'))
        .find(|(name, _)| name.trim().eq_ignore_ascii_case("content-disposition"))
        .map(|(_, value)| value)
        .ok_or(malformed("a part has no Content-Disposition"))?;
    let params = disposition_params(disposition)?;
    let param = |wanted: &str| {
        params
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(wanted))
            .map(|(_, value)| value.as_str())
    };
    if param("filename").or(param("filename*")).is_some() {
        return Ok(None);
    }
    let name = param("name").ok_or(malformed("a part has no field name"))?;
    let value = std::str::from_utf8(content).map_err(|_| DecodeError::NotUtf8)?;
    Ok(Some((name.to_owned(), value.to_owned())))
}

/// The header block and the content of a part.
fn split_head(part: &[u8]) -> Result<(&[u8], &[u8]), DecodeError> {
    if let Some(content) = after_line_break(part, 0) {
        return Ok((&[], &part[content..]));
    }
    let window = &part[..part.len().min(MAX_HEADER_BYTES)];
    let crlf = find(window, b"\r\n\r\n").map(|at| (at, at + 4));
    let lf = find(window, b"\n\n").map(|at| (at, at + 2));
    let (head_end, content) = match (crlf, lf) {
        (Some(a), Some(b)) => a.min(b),
        (a, b) => a.or(b).ok_or(malformed("a part's headers do not end"))?,
    };
    Ok((&part[..head_end], &part[content..]))
}

/// `form-data; name="a"; filename="b.txt"` → its parameters (names as sent).
fn disposition_params(value: &str) -> Result<Vec<(String, String)>, DecodeError> {
    let mut rest = value.trim_start();
    let kind_end = rest.find(';').unwrap_or(rest.len());
    if !rest[..kind_end].trim().eq_ignore_ascii_case("form-data") {
        return Err(malformed("a part is not form-data"));
    }
    rest = &rest[kind_end..];
    let mut params = Vec::new();
    while let Some(tail) = rest.trim_start().strip_prefix(';') {
        let Some((name, after)) = tail.split_once('=') else {
            break;
        };
        let after = after.trim_start();
        let (value, remainder) = match after.strip_prefix('"') {
            Some(quoted) => quoted_string(quoted)?,
            None => {
                let end = after.find(';').unwrap_or(after.len());
                (after[..end].trim().to_owned(), &after[end..])
            }
        };
        params.push((name.trim().to_owned(), value));
        rest = remainder;
    }
    Ok(params)
}

/// The text of a quoted string (its opening quote already taken) and what follows it.
fn quoted_string(text: &str) -> Result<(String, &str), DecodeError> {
    let mut value = String::new();
    let mut chars = text.char_indices();
    while let Some((at, c)) = chars.next() {
        match c {
            '"' => return Ok((value, &text[at + 1..])),
            '\\' => value.extend(chars.next().map(|(_, escaped)| escaped)),
            other => value.push(other),
        }
    }
    Err(malformed("a quoted parameter is not closed"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn boundary() -> Boundary {
        Boundary::parse("----WebKitFormBoundary7MA4YWxkTrZu0gW").unwrap()
    }

    fn fields(body: &str) -> Result<Vec<(String, String)>, DecodeError> {
        text_fields(body.as_bytes(), &boundary(), 100)
    }

    const FORM: &str = "preamble to ignore\r\n\
        ------WebKitFormBoundary7MA4YWxkTrZu0gW\r\n\
        Content-Disposition: form-data; name=\"name\"\r\n\r\n\
        Renée Müller\r\n\
        ------WebKitFormBoundary7MA4YWxkTrZu0gW\r\n\
        Content-Disposition: form-data; name=\"photo\"; filename=\"roof.jpg\"\r\n\
        Content-Type: image/jpeg\r\n\r\n\
        \u{1}\u{2}binary\r\n\
        ------WebKitFormBoundary7MA4YWxkTrZu0gW\r\n\
        content-disposition: FORM-DATA; name=\"say \\\"hi\\\"; twice\"\r\n\r\n\
        line one\r\nline two\r\n\
        ------WebKitFormBoundary7MA4YWxkTrZu0gW--\r\n\
        epilogue";

    #[test]
    fn text_parts_are_read_and_file_parts_skipped() {
        let fields = fields(FORM).unwrap();
        assert_eq!(
            fields,
            [
                ("name".to_owned(), "Renée Müller".to_owned()),
                (
                    "say \"hi\"; twice".to_owned(),
                    "line one\r\nline two".to_owned()
                ),
            ]
        );
    }

    #[test]
    fn bare_line_feeds_are_read_as_line_breaks() {
        let body = FORM.replace("\r\n", "\n");
        assert_eq!(fields(&body).unwrap()[1].1, "line one\nline two");
    }

    #[test]
    fn broken_bodies_are_refused_not_guessed() {
        let cut = &FORM[..FORM.find("line two").unwrap()];
        assert_eq!(
            fields(cut),
            Err(DecodeError::Multipart("the closing boundary is missing"))
        );
        assert_eq!(
            fields("no parts here"),
            Err(DecodeError::Multipart("no boundary line"))
        );
        let nameless = FORM.replace("; name=\"name\"", "");
        assert_eq!(
            fields(&nameless),
            Err(DecodeError::Multipart("a part has no field name"))
        );
        let latin1 = FORM.replace("Renée", "Ren\u{0}e");
        let mut bytes = latin1.into_bytes();
        let at = bytes.iter().position(|b| *b == 0).unwrap();
        bytes[at] = 0xE9;
        assert_eq!(
            text_fields(&bytes, &boundary(), 100),
            Err(DecodeError::NotUtf8)
        );
        assert_eq!(
            text_fields(FORM.as_bytes(), &boundary(), 2),
            Err(DecodeError::TooManyFields),
            "file parts count toward the limit"
        );
    }

    #[test]
    fn boundaries_follow_rfc_2046() {
        assert!(Boundary::parse("simple boundary").is_some());
        assert!(Boundary::parse(&"a".repeat(70)).is_some());
        assert!(Boundary::parse(&"a".repeat(71)).is_none());
        assert!(Boundary::parse("").is_none());
        assert!(Boundary::parse("ends in space ").is_none());
        assert!(Boundary::parse("semi;colon").is_none());
        assert_eq!(Boundary::parse("x").unwrap().as_str(), "x");
    }
}
