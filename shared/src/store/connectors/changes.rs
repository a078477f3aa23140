//! The attributes a save changes, as `SET`/`REMOVE` clauses of one `UpdateItem`.

use crate::store::Item;
use aws_sdk_dynamodb::types::AttributeValue;
use std::collections::HashMap;

const SETTINGS: &str = "settings";

/// `SET`/`REMOVE` clauses for the attributes that differ between two items.
#[derive(Default)]
pub(super) struct Changes {
    pub(super) set: Vec<String>,
    pub(super) remove: Vec<String>,
    pub(super) names: HashMap<String, String>,
    pub(super) values: HashMap<String, AttributeValue>,
}

impl Changes {
    pub(super) fn name(&mut self, name: &str) -> String {
        let placeholder = format!("#n{}", self.names.len());
        self.names.insert(placeholder.clone(), name.to_owned());
        placeholder
    }

    /// Adds a clause for every attribute of `after` that differs from `before`, looking
    /// inside `settings` so that one setting never overwrites another.
    pub(super) fn diff(&mut self, path: &str, before: &Item, after: &Item, skip: &[&str]) {
        for (name, value) in after.iter().filter(|(k, _)| !skip.contains(&k.as_str())) {
            if before.get(name) == Some(value) {
                continue;
            }
            match (name.as_str(), before.get(name), value) {
                (SETTINGS, Some(old), new) if old.is_m() && new.is_m() => {
                    let settings = format!("{path}{}.", self.name(name));
                    let (Ok(old), Ok(new)) = (old.as_m(), new.as_m()) else {
                        continue;
                    };
                    self.diff(&settings, old, new, &[]);
                }
                _ => {
                    let attribute = format!("{path}{}", self.name(name));
                    let placeholder = format!(":v{}", self.values.len());
                    self.set.push(format!("{attribute} = {placeholder}"));
                    self.values.insert(placeholder, value.clone());
                }
            }
        }
        for name in before.keys().filter(|k| !after.contains_key(*k)) {
            if !skip.contains(&name.as_str()) {
                let attribute = format!("{path}{}", self.name(name));
                self.remove.push(attribute);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(pairs: &[(&str, AttributeValue)]) -> Item {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect()
    }

    fn s(value: &str) -> AttributeValue {
        AttributeValue::S(value.to_owned())
    }

    #[test]
    fn only_changed_attributes_and_settings_are_written() {
        let before = item(&[
            ("id", s("c1")),
            ("display_name", s("Old")),
            ("notes_prefix", s("[A]")),
            (
                "settings",
                AttributeValue::M(item(&[("form_id", s("f1")), ("redirect_url", s("r"))])),
            ),
        ]);
        let after = item(&[
            ("id", s("c2")),
            ("display_name", s("New")),
            ("notes_prefix", s("[A]")),
            ("settings", AttributeValue::M(item(&[("form_id", s("f2"))]))),
        ]);
        let mut changes = Changes::default();

        changes.diff("", &before, &after, &["id"]);

        let resolve = |clause: &str| {
            changes
                .names
                .iter()
                .fold(clause.to_owned(), |text, (placeholder, name)| {
                    text.replace(placeholder.as_str(), name)
                })
        };
        let set: Vec<_> = changes.set.iter().map(|c| resolve(c)).collect();
        let remove: Vec<_> = changes.remove.iter().map(|c| resolve(c)).collect();
        assert_eq!(set.len(), 2, "{set:?}");
        assert!(set.iter().any(|c| c.starts_with("display_name = :v")));
        assert!(set.iter().any(|c| c.starts_with("settings.form_id = :v")));
        assert_eq!(remove, ["settings.redirect_url"]);
    }
}
