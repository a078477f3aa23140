//! `FilterExpression`s: conditions a `Query` applies to the items it read, before
//! they count toward a page.

use super::s;
use aws_sdk_dynamodb::types::AttributeValue;
use std::collections::HashMap;

/// A `FilterExpression` with its names and values (`#f0`, `:f0`…): every clause holds.
#[derive(Default)]
pub(super) struct Filter {
    pub(super) expression: String,
    pub(super) names: HashMap<String, String>,
    pub(super) values: HashMap<String, AttributeValue>,
}

impl Filter {
    /// Items whose `status` attribute is `status`.
    pub(super) fn status(status: &str) -> Self {
        Filter::default().equals("status", status)
    }

    /// Adds `clause`, in which `#a` names `attribute` and `:v` stands for `value`.
    fn clause(mut self, attribute: &str, clause: &str, value: Option<&str>) -> Self {
        let n = self.names.len();
        let (name, placeholder) = (format!("#f{n}"), format!(":f{n}"));
        let clause = clause.replace("#a", &name).replace(":v", &placeholder);
        if !self.expression.is_empty() {
            self.expression.push_str(" AND ");
        }
        self.expression.push_str(&clause);
        self.names.insert(name, attribute.to_owned());
        if let Some(value) = value {
            self.values.insert(placeholder, s(value));
        }
        self
    }

    /// Items whose `attribute` is `value`.
    pub(super) fn equals(self, attribute: &str, value: &str) -> Self {
        self.clause(attribute, "#a = :v", Some(value))
    }

    /// Items whose text `attribute` is `value` or after it.
    pub(super) fn at_least(self, attribute: &str, value: &str) -> Self {
        self.clause(attribute, "#a >= :v", Some(value))
    }

    /// Items whose text `attribute` is before `value`.
    pub(super) fn before(self, attribute: &str, value: &str) -> Self {
        self.clause(attribute, "#a < :v", Some(value))
    }

    /// Items whose text `attribute` contains `value`.
    pub(super) fn contains(self, attribute: &str, value: &str) -> Self {
        self.clause(attribute, "contains(#a, :v)", Some(value))
    }

    /// Items without `attribute`.
    pub(super) fn absent(self, attribute: &str) -> Self {
        self.clause(attribute, "attribute_not_exists(#a)", None)
    }

    /// The filter, or `None` when it has no clause.
    pub(super) fn given(self) -> Option<Self> {
        (!self.expression.is_empty()).then_some(self)
    }
}
