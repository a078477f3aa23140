//! Reading vendor bodies: JSON objects, form posts, and answers as text.

use super::{Delivery, Request, Vendor, VendorError};
use crate::forms::decode::{self, Encoding};
use crate::mapping::Payload;
use serde_json::{Map, Value};

/// The body as a JSON object.
pub fn json(vendor: Vendor, request: &Request) -> Result<Map<String, Value>, VendorError> {
    match serde_json::from_slice(request.body) {
        Ok(Value::Object(object)) => Ok(object),
        Ok(_) => Err(VendorError::new(vendor, "expected a JSON object")),
        Err(err) => Err(VendorError::new(
            vendor,
            format!("not JSON (line {}, column {})", err.line(), err.column()),
        )),
    }
}

/// The body as a form post (JSON, urlencoded or multipart, as its Content-Type says),
/// with a vendor's field names and no public-form length limits.
pub fn form(vendor: Vendor, request: &Request) -> Result<Payload, VendorError> {
    Encoding::of(request.content_type(), request.body)
        .and_then(|encoding| decode::read(encoding, request.body))
        .map_err(|err| VendorError::new(vendor, err.to_string()))
}

/// An answer as text: strings trimmed, numbers and booleans as written, lists of those
/// joined with `", "`; nothing for null, empty text or nested objects.
pub fn text(value: &Value) -> Option<String> {
    let text = match value {
        Value::String(text) => text.trim().to_owned(),
        Value::Number(number) => number.to_string(),
        Value::Bool(flag) => flag.to_string(),
        Value::Array(items) => items
            .iter()
            .filter(|item| !item.is_array())
            .filter_map(text)
            .collect::<Vec<_>>()
            .join(", "),
        Value::Null | Value::Object(_) => String::new(),
    };
    Some(text).filter(|text| !text.is_empty())
}

/// An id as text, however the vendor sent it; empty and zero ids are none.
pub fn id(value: Option<&Value>) -> Option<String> {
    value
        .filter(|value| value.is_string() || value.is_number())
        .and_then(text)
        .filter(|id| id != "0")
}

/// Label/value pairs as a preset reads them; empty values are left out.
pub struct Pairs {
    vendor: Vendor,
    pairs: Vec<(String, String)>,
}

impl Pairs {
    pub fn new(vendor: Vendor) -> Self {
        Pairs {
            vendor,
            pairs: Vec::new(),
        }
    }

    pub fn push(&mut self, label: impl Into<String>, value: Option<String>) {
        let label = label.into();
        if let Some(value) = value.filter(|v| !v.trim().is_empty()) {
            if !label.trim().is_empty() {
                self.pairs.push((label, value));
            }
        }
    }

    /// Where the lead came from, under a label no standard field has: `{vendor}_{name}`.
    pub fn context(&mut self, name: &str, value: Option<String>) {
        let label = format!("{}_{name}", self.vendor.key());
        self.push(label, value);
    }

    pub fn extend(&mut self, payload: &Payload) {
        for (label, value) in payload.pairs() {
            self.push(label, Some(value.to_owned()));
        }
    }

    pub fn finish(self) -> Result<Payload, VendorError> {
        Payload::from_pairs(self.pairs)
            .map_err(|err| VendorError::new(self.vendor, err.to_string()))
    }
}

/// What a flat key/value body (a WordPress form plugin's, Unbounce's) carries besides answers.
pub struct Flat {
    /// Keys whose first value is the external id.
    pub id: &'static [&'static str],
    /// Keys kept as context, as `{vendor}_{key}`.
    pub context: &'static [&'static str],
    /// The vendor's own bookkeeping, left out.
    pub skip: fn(&str) -> bool,
}

/// A flat body's lead: its answers under the names the vendor (or its user) gave them.
pub fn flat(vendor: Vendor, mut payload: Payload, spec: &Flat) -> Result<Delivery, VendorError> {
    let external_id = spec
        .id
        .iter()
        .find_map(|key| payload.take(key))
        .filter(|id| !id.trim().is_empty());
    let mut pairs = Pairs::new(vendor);
    let context: Vec<_> = spec
        .context
        .iter()
        .map(|key| (*key, payload.take(key)))
        .collect();
    for (label, value) in payload.pairs().filter(|(label, _)| !(spec.skip)(label)) {
        pairs.push(label, Some(value.to_owned()));
    }
    for (key, value) in context {
        pairs.context(key, value);
    }
    Ok(Delivery::Lead {
        payload: pairs.finish()?,
        external_id,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn answers_become_text_and_ids_skip_zero() {
        assert_eq!(text(&json!(" a ")), Some("a".into()));
        assert_eq!(text(&json!(5.5)), Some("5.5".into()));
        assert_eq!(text(&json!(["x", 1, null, {"a": 1}])), Some("x, 1".into()));
        assert_eq!(text(&json!({"a": 1})), None);
        assert_eq!(text(&json!("  ")), None);
        assert_eq!(id(Some(&json!(12))), Some("12".into()));
        assert_eq!(id(Some(&json!("0"))), None);
        assert_eq!(id(Some(&json!(["1"]))), None);
    }
}
