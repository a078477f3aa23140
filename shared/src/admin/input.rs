//! Reading an admin's JSON body field by field, so that every mistake is reported
//! under its own field name (422 with `errors`), not as one serde message.

use super::AdminError;
use crate::domain::FieldError;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

pub(super) struct Fields {
    map: Map<String, Value>,
    prefix: String,
    pub(super) errors: Vec<FieldError>,
}

impl Fields {
    pub(super) fn new(body: Value) -> Result<Self, AdminError> {
        match body {
            Value::Object(map) => Ok(Self {
                map,
                prefix: String::new(),
                errors: Vec::new(),
            }),
            _ => Err(AdminError::BadRequest(
                "the body must be a JSON object".to_owned(),
            )),
        }
    }

    fn path(&self, name: &str) -> String {
        format!("{}{name}", self.prefix)
    }

    pub(super) fn error(&mut self, name: &str, message: impl Into<String>) {
        let field = self.path(name);
        self.errors.push(FieldError::new(&field, message));
    }

    /// The field's value; `Some(None)` for an explicit `null`.
    fn take(&mut self, name: &str) -> Option<Option<Value>> {
        self.map
            .remove(name)
            .map(|value| Some(value).filter(|v| !v.is_null()))
    }

    /// A trimmed string of at most `max` characters; blank reads as `null`.
    pub(super) fn patch_text(&mut self, name: &str, max: usize) -> Option<Option<String>> {
        match self.take(name)? {
            None => Some(None),
            Some(Value::String(text)) => {
                let text = text.trim();
                if text.chars().count() > max {
                    self.error(name, format!("must be at most {max} characters"));
                    return None;
                }
                Some(Some(text.to_owned()).filter(|t| !t.is_empty()))
            }
            Some(_) => {
                self.error(name, "must be a string");
                None
            }
        }
    }

    pub(super) fn text(&mut self, name: &str, max: usize) -> Option<String> {
        self.patch_text(name, max).flatten()
    }

    pub(super) fn boolean(&mut self, name: &str) -> Option<bool> {
        match self.take(name)? {
            Some(Value::Bool(value)) => Some(value),
            _ => {
                self.error(name, "must be true or false");
                None
            }
        }
    }

    pub(super) fn patch_number(&mut self, name: &str) -> Option<Option<f64>> {
        match self.take(name)? {
            None => Some(None),
            Some(Value::Number(number)) => number.as_f64().map(Some),
            Some(_) => {
                self.error(name, "must be a number");
                None
            }
        }
    }

    /// One of the names of `T` (a snake_case enum), or a list of them in the message.
    pub(super) fn choice<T: DeserializeOwned>(&mut self, name: &str, names: &[&str]) -> Option<T> {
        let value = self.take(name)??;
        serde_json::from_value(value)
            .map_err(|_| self.error(name, format!("must be one of: {}", names.join(", "))))
            .ok()
    }

    /// [`choice`](Self::choice) where `null` clears: `Some(None)`.
    pub(super) fn patch_choice<T: DeserializeOwned>(
        &mut self,
        name: &str,
        names: &[&str],
    ) -> Option<Option<T>> {
        match self.take(name)? {
            None => Some(None),
            Some(value) => serde_json::from_value(value)
                .map_err(|_| self.error(name, format!("must be one of: {}", names.join(", "))))
                .ok()
                .map(Some),
        }
    }

    /// A whole number in `range`, or `null` (`Some(None)`).
    pub(super) fn patch_integer(
        &mut self,
        name: &str,
        range: std::ops::RangeInclusive<u64>,
    ) -> Option<Option<u64>> {
        match self.take(name)? {
            None => Some(None),
            Some(value) => match value.as_u64().filter(|n| range.contains(n)) {
                Some(n) => Some(Some(n)),
                None => {
                    let (low, high) = (range.start(), range.end());
                    self.error(name, format!("must be a whole number from {low} to {high}"));
                    None
                }
            },
        }
    }

    /// Whether the field is present.
    pub(super) fn has(&self, name: &str) -> bool {
        self.map.contains_key(name)
    }

    /// Whether the field is present and `null`.
    pub(super) fn is_null(&self, name: &str) -> bool {
        self.map.get(name).is_some_and(Value::is_null)
    }

    pub(super) fn string_map(&mut self, name: &str) -> Option<BTreeMap<String, String>> {
        match self.take(name)? {
            None => Some(BTreeMap::new()),
            Some(Value::Object(map)) => {
                let mut out = BTreeMap::new();
                for (key, value) in map {
                    match value {
                        Value::String(text) => {
                            out.insert(key, text);
                        }
                        _ => self.error(&format!("{name}.{key}"), "must be a string"),
                    }
                }
                Some(out)
            }
            Some(_) => {
                self.error(name, "must be an object of strings");
                None
            }
        }
    }

    pub(super) fn string_list(&mut self, name: &str) -> Option<Vec<String>> {
        match self.take(name)? {
            None => Some(Vec::new()),
            Some(Value::Array(values)) => {
                let strings: Option<Vec<String>> = values
                    .into_iter()
                    .map(|v| v.as_str().map(|s| s.trim().to_owned()))
                    .collect();
                if strings.is_none() {
                    self.error(name, "must be a list of strings");
                }
                strings
            }
            Some(_) => {
                self.error(name, "must be a list of strings");
                None
            }
        }
    }

    /// A nested object whose errors are named `name.field`.
    pub(super) fn object(&mut self, name: &str) -> Option<Fields> {
        match self.take(name)? {
            Some(Value::Object(map)) => Some(Fields {
                map,
                prefix: self.path(&format!("{name}.")),
                errors: Vec::new(),
            }),
            _ => {
                self.error(name, "must be an object");
                None
            }
        }
    }

    pub(super) fn any(&mut self, name: &str) -> Option<Value> {
        self.take(name)?
    }

    /// Whatever fields were not read.
    pub(super) fn rest(&mut self) -> Map<String, Value> {
        std::mem::take(&mut self.map)
    }

    /// A nested object done: its errors, and its fields not read as unknown, go to
    /// `parent`.
    pub(super) fn finish_into(self, parent: &mut Fields) {
        let mut errors = self.close();
        parent.errors.append(&mut errors);
    }

    /// Every error, every field not read counted as unknown.
    pub(super) fn close(mut self) -> Vec<FieldError> {
        for name in self.rest().keys() {
            let field = self.path(name);
            self.errors
                .push(FieldError::new(&field, "is not a known field"));
        }
        self.errors
    }

    /// Every field not read is unknown; with any error, the whole input is refused.
    pub(super) fn finish(self) -> Result<(), AdminError> {
        let errors = self.close();
        if errors.is_empty() {
            Ok(())
        } else {
            Err(AdminError::invalid(errors))
        }
    }
}
