//! A raw payload as ordered label/value pairs, whatever shape it arrived in.

use serde_json::Value;

/// The most fields one payload may carry; more is abuse, not a lead.
pub const MAX_FIELDS: usize = 1000;
/// The longest label kept, in bytes: a longer one (deep nesting, a hostile key) is cut,
/// so that a payload's labels take at most `MAX_FIELDS` times this much memory.
pub const MAX_LABEL_BYTES: usize = 256;

/// Ordered label/value pairs: nested JSON flattened with dotted labels
/// (`contact.first_name`), lists joined with `", "`, numbers and booleans as text,
/// nulls and empty values left out.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Payload {
    pairs: Vec<(String, String)>,
}

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum PayloadError {
    #[error("the body must be a JSON object")]
    NotAnObject,
    #[error("the body has more than {MAX_FIELDS} fields")]
    TooManyFields,
}

impl Payload {
    pub fn from_json(value: &Value) -> Result<Self, PayloadError> {
        let Value::Object(map) = value else {
            return Err(PayloadError::NotAnObject);
        };
        let mut payload = Payload::default();
        for (key, value) in map {
            payload.flatten(key.clone(), value)?;
        }
        Ok(payload)
    }

    pub fn from_pairs<K: Into<String>, V: Into<String>>(
        pairs: impl IntoIterator<Item = (K, V)>,
    ) -> Result<Self, PayloadError> {
        let mut payload = Payload::default();
        for (label, value) in pairs {
            payload.push(label.into(), value.into())?;
        }
        Ok(payload)
    }

    pub fn pairs(&self) -> impl Iterator<Item = (&str, &str)> {
        self.pairs.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    pub fn len(&self) -> usize {
        self.pairs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.pairs.is_empty()
    }

    /// The first value under `label`, exactly as spelled.
    pub fn get(&self, label: &str) -> Option<&str> {
        self.pairs().find(|(k, _)| *k == label).map(|(_, v)| v)
    }

    /// Takes out every pair under `label` and returns the first value.
    pub fn take(&mut self, label: &str) -> Option<String> {
        let mut taken = None;
        self.pairs.retain(|(k, v)| {
            if k == label {
                taken.get_or_insert_with(|| v.clone());
                false
            } else {
                true
            }
        });
        taken
    }

    fn push(&mut self, mut label: String, value: String) -> Result<(), PayloadError> {
        if value.trim().is_empty() {
            return Ok(());
        }
        cut(&mut label, MAX_LABEL_BYTES);
        if self.pairs.len() >= MAX_FIELDS {
            return Err(PayloadError::TooManyFields);
        }
        self.pairs.push((label, value));
        Ok(())
    }

    fn flatten(&mut self, label: String, value: &Value) -> Result<(), PayloadError> {
        match value {
            Value::Null => Ok(()),
            Value::String(s) => self.push(label, s.clone()),
            Value::Number(n) => self.push(label, n.to_string()),
            Value::Bool(b) => self.push(label, b.to_string()),
            Value::Object(map) => {
                for (key, value) in map {
                    self.flatten(nested(&label, key), value)?;
                }
                Ok(())
            }
            Value::Array(items) if items.iter().all(|v| !v.is_object() && !v.is_array()) => {
                let joined: Vec<String> = items
                    .iter()
                    .filter_map(|v| match v {
                        Value::String(s) => Some(s.clone()),
                        Value::Null => None,
                        other => Some(other.to_string()),
                    })
                    .collect();
                self.push(label, joined.join(", "))
            }
            Value::Array(items) => {
                for (index, value) in items.iter().enumerate() {
                    self.flatten(nested(&label, &index.to_string()), value)?;
                }
                Ok(())
            }
        }
    }
}

/// `label.key`, never longer than [`MAX_LABEL_BYTES`] (however deep the nesting).
fn nested(label: &str, key: &str) -> String {
    let mut nested = String::with_capacity(MAX_LABEL_BYTES.min(label.len() + 1 + key.len()));
    for part in [label, ".", key] {
        let room = MAX_LABEL_BYTES.saturating_sub(nested.len());
        let mut part = part;
        if part.len() > room {
            let mut end = room;
            while !part.is_char_boundary(end) {
                end -= 1;
            }
            part = &part[..end];
        }
        nested.push_str(part);
    }
    nested
}

/// Cuts `text` to at most `max` bytes, on a character boundary.
fn cut(text: &mut String, max: usize) {
    if text.len() > max {
        let mut end = max;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        text.truncate(end);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn nested_json_becomes_dotted_labels() {
        let payload = Payload::from_json(&json!({
            "contact": {"first_name": "Pat", "phones": ["1", "2"]},
            "budget": 5000, "empty": "", "none": null,
            "answers": [{"q": "Roof?", "a": "yes"}]
        }))
        .unwrap();
        let pairs: Vec<_> = payload.pairs().collect();
        assert!(pairs.contains(&("contact.first_name", "Pat")));
        assert!(pairs.contains(&("contact.phones", "1, 2")));
        assert!(pairs.contains(&("budget", "5000")));
        assert!(pairs.contains(&("answers.0.a", "yes")));
        assert_eq!(payload.get("empty"), None);
        assert_eq!(payload.get("none"), None);
    }

    #[test]
    fn labels_stay_short_however_deep_or_long_the_keys() {
        let long_key = "k".repeat(100_000);
        let mut deep = json!("x");
        for _ in 0..100 {
            deep = json!({ long_key.clone(): deep });
        }
        let payload = Payload::from_json(&json!({ "a": deep, long_key.clone(): "y" })).unwrap();
        assert_eq!(payload.len(), 2);
        assert!(payload
            .pairs()
            .all(|(label, _)| label.len() <= MAX_LABEL_BYTES));
        assert!(payload.pairs().any(|(label, _)| label.starts_with("a.kkk")));
    }

    #[test]
    fn only_objects_with_bounded_fields_are_payloads() {
        assert_eq!(
            Payload::from_json(&json!([1])),
            Err(PayloadError::NotAnObject)
        );
        let huge: serde_json::Map<String, Value> = (0..=MAX_FIELDS)
            .map(|i| (format!("f{i}"), json!("x")))
            .collect();
        assert_eq!(
            Payload::from_json(&Value::Object(huge)),
            Err(PayloadError::TooManyFields)
        );
    }
}
