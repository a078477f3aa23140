//! IAM as AWS applies it and moto does not: each function's `Policies` in
//! `template.yaml`, read as statements (actions, resources, conditions), and one access
//! (an action on a resource, with its request context) checked against them.

use crate::intrinsics::Scope;
use crate::template::{Template, TemplateError};
use serde_yaml::Value;
use std::collections::HashMap;

/// One action on one resource, as IAM authorises it (`dynamodb:PutItem` on the table's
/// ARN), with the condition keys of the request (`s3:prefix`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Access {
    pub action: String,
    pub resource: String,
    pub context: Vec<(String, String)>,
}

impl Access {
    pub fn new(action: impl Into<String>, resource: impl Into<String>) -> Self {
        Self {
            action: action.into(),
            resource: resource.into(),
            context: Vec::new(),
        }
    }

    pub fn with(mut self, key: &str, value: &str) -> Self {
        self.context.push((key.to_owned(), value.to_owned()));
        self
    }
}

impl std::fmt::Display for Access {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} on {}", self.action, self.resource)?;
        for (key, value) in &self.context {
            write!(f, " ({key} = {value})")?;
        }
        Ok(())
    }
}

#[derive(Debug, Clone, PartialEq)]
struct Condition {
    operator: String,
    key: String,
    values: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    pub actions: Vec<String>,
    pub resources: Vec<String>,
    conditions: Vec<Condition>,
}

/// A function's policy: the `Allow` statements of its `Policies`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Policy {
    pub statements: Vec<Statement>,
}

impl Policy {
    pub fn allows(&self, access: &Access) -> bool {
        self.statements.iter().any(|s| s.allows(access))
    }
}

impl Statement {
    fn allows(&self, access: &Access) -> bool {
        let action = self
            .actions
            .iter()
            .any(|a| glob(&a.to_lowercase(), &access.action.to_lowercase()));
        let resource = self.resources.iter().any(|r| glob(r, &access.resource));
        action && resource && self.conditions.iter().all(|c| c.holds(access))
    }
}

impl Condition {
    /// A key the request does not carry fails the condition, as in IAM.
    fn holds(&self, access: &Access) -> bool {
        let Some((_, actual)) = access.context.iter().find(|(key, _)| *key == self.key) else {
            return false;
        };
        match self.operator.as_str() {
            "StringEquals" => self.values.iter().any(|v| v == actual),
            "StringLike" => self.values.iter().any(|v| glob(v, actual)),
            _ => false,
        }
    }
}

/// IAM's wildcards: `*` any run of characters, `?` one.
pub fn glob(pattern: &str, text: &str) -> bool {
    let (p, t): (Vec<char>, Vec<char>) = (pattern.chars().collect(), text.chars().collect());
    let (mut pi, mut ti, mut star, mut mark) = (0, 0, None, 0);
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            mark = ti;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

/// Every function's policy by its binary name.
#[derive(Debug, Clone, Default)]
pub struct Policies {
    pub by_function: HashMap<String, Policy>,
}

impl Policies {
    /// The policies of `template`'s functions, evaluated in `scope`.
    pub fn of(template: &Template, scope: &Scope) -> Result<Self, TemplateError> {
        let mut by_function = HashMap::new();
        for (logical_id, function) in template.resources_of_type("AWS::Serverless::Function") {
            let binary = function
                .get("Metadata")
                .and_then(|m| m.get("BuildProperties"))
                .and_then(|p| p.get("Binary"))
                .and_then(Value::as_str)
                .unwrap_or(logical_id);
            let policies = function.get("Properties").and_then(|p| p.get("Policies"));
            let mut policy = Policy::default();
            for document in policies.and_then(Value::as_sequence).into_iter().flatten() {
                let statements = document.get("Statement").and_then(Value::as_sequence);
                for statement in statements.into_iter().flatten() {
                    if statement.get("Effect").and_then(Value::as_str) != Some("Allow") {
                        continue;
                    }
                    let read = |name| {
                        statement
                            .get(name)
                            .and_then(|v| scope.strings(v))
                            .ok_or_else(|| {
                                TemplateError::Missing(format!("{logical_id}'s policy {name}"))
                            })
                    };
                    policy.statements.push(Statement {
                        actions: read("Action")?,
                        resources: read("Resource")?,
                        conditions: conditions(statement.get("Condition"), scope),
                    });
                }
            }
            policy
                .statements
                .extend(event_source_grants(function, scope));
            by_function.insert(binary.to_owned(), policy);
        }
        Ok(Self { by_function })
    }

    pub fn function(&self, binary: &str) -> Option<&Policy> {
        self.by_function.get(binary)
    }
}

/// What SAM grants a function's role for its event sources (`SQSPollerPolicy`): the
/// trigger reads and deletes with the function's role, not with its code.
fn event_source_grants(function: &Value, scope: &Scope) -> Vec<Statement> {
    let events = function.get("Properties").and_then(|p| p.get("Events"));
    let events = events.and_then(Value::as_mapping).into_iter().flatten();
    events
        .filter(|(_, event)| event.get("Type").and_then(Value::as_str) == Some("SQS"))
        .filter_map(|(_, event)| {
            let queue = event.get("Properties")?.get("Queue")?;
            Some(Statement {
                actions: [
                    "ReceiveMessage",
                    "DeleteMessage",
                    "ChangeMessageVisibility",
                    "GetQueueAttributes",
                ]
                .map(|a| format!("sqs:{a}"))
                .to_vec(),
                resources: scope.strings(queue)?,
                conditions: Vec::new(),
            })
        })
        .collect()
}

fn conditions(value: Option<&Value>, scope: &Scope) -> Vec<Condition> {
    let mut all = Vec::new();
    for (operator, keys) in value.and_then(Value::as_mapping).into_iter().flatten() {
        for (key, values) in keys.as_mapping().into_iter().flatten() {
            all.push(Condition {
                operator: operator.as_str().unwrap_or_default().to_owned(),
                key: key.as_str().unwrap_or_default().to_owned(),
                values: scope.strings(values).unwrap_or_default(),
            });
        }
    }
    all
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards_match_as_in_iam() {
        assert!(glob("arn:x:table/T/index/*", "arn:x:table/T/index/gsi1"));
        assert!(!glob("arn:x:table/T", "arn:x:table/T/index/gsi1"));
        assert!(glob("dynamodb:*", "dynamodb:Query"));
        assert!(glob("inbound/*", "inbound/abc"));
        assert!(!glob("inbound/*", "other/abc"));
    }
}
