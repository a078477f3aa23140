//! CloudFormation's intrinsic functions, evaluated as far as a local run needs them:
//! parameters by value, `Fn::Equals`/`Not`/`And`/`Or` conditions, and the ARNs of the
//! template's resources, named by their logical ids (`arn:aws:dynamodb:…:table/LeadsTable`)
//! so that IAM statements can be matched without an account.

use serde_yaml::Value;
use std::collections::HashMap;

pub const REGION: &str = "us-east-1";
pub const ACCOUNT: &str = "123456789012";

/// What the template's functions evaluate against: parameter values and resource types.
#[derive(Debug, Clone, Default)]
pub struct Scope {
    pub parameters: HashMap<String, String>,
    /// Logical id → CloudFormation type.
    pub types: HashMap<String, String>,
    /// Condition name → its definition.
    pub conditions: HashMap<String, Value>,
}

/// The ARN of the resource `logical_id` of type `kind`, by logical id.
pub fn arn(kind: &str, logical_id: &str) -> String {
    match kind {
        "AWS::DynamoDB::Table" => format!("arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/{logical_id}"),
        "AWS::S3::Bucket" => format!("arn:aws:s3:::{logical_id}"),
        "AWS::SQS::Queue" => format!("arn:aws:sqs:{REGION}:{ACCOUNT}:{logical_id}"),
        "AWS::SecretsManager::Secret" => {
            format!("arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:{logical_id}")
        }
        "AWS::SNS::Topic" => format!("arn:aws:sns:{REGION}:{ACCOUNT}:{logical_id}"),
        _ => format!("arn:aws:{kind}:{REGION}:{ACCOUNT}:{logical_id}"),
    }
}

/// The ARN of an SES identity (a domain or an address).
pub fn ses_identity(identity: &str) -> String {
    format!("arn:aws:ses:{REGION}:{ACCOUNT}:identity/{identity}")
}

impl Scope {
    /// A value as a string (or a list of strings), functions evaluated; `None` for what
    /// this evaluator does not know.
    pub fn strings(&self, value: &Value) -> Option<Vec<String>> {
        if let Some(parts) = self.split(value) {
            return Some(parts);
        }
        match value {
            Value::Sequence(items) => {
                let mut all = Vec::new();
                for item in items {
                    all.extend(self.strings(item)?);
                }
                Some(all)
            }
            other => self.string(other).map(|s| vec![s]),
        }
    }

    pub fn string(&self, value: &Value) -> Option<String> {
        match value {
            Value::String(text) => Some(text.clone()),
            Value::Number(number) => Some(number.to_string()),
            Value::Bool(flag) => Some(flag.to_string()),
            other => {
                let (name, argument) = function_of(other)?;
                self.function(&name, argument)
            }
        }
    }

    fn function(&self, name: &str, argument: &Value) -> Option<String> {
        let list = || argument.as_sequence();
        match name {
            "Ref" => self.reference(argument.as_str()?),
            "GetAtt" => {
                let text = match argument {
                    Value::Sequence(parts) => {
                        format!("{}.{}", parts.first()?.as_str()?, parts.get(1)?.as_str()?)
                    }
                    other => other.as_str()?.to_owned(),
                };
                self.attribute(&text)
            }
            "Sub" => match argument {
                Value::Sequence(parts) => {
                    let variables = parts.get(1)?.as_mapping()?;
                    let mut local = HashMap::new();
                    for (name, value) in variables {
                        local.insert(name.as_str()?.to_owned(), self.string(value)?);
                    }
                    self.substitute(parts.first()?.as_str()?, &local)
                }
                other => self.substitute(other.as_str()?, &HashMap::new()),
            },
            "Select" => {
                let index: usize = self.string(list()?.first()?)?.parse().ok()?;
                self.strings(list()?.get(1)?)?.get(index).cloned()
            }
            "Join" => {
                let separator = list()?.first()?.as_str()?;
                Some(self.strings(list()?.get(1)?)?.join(separator))
            }
            "If" => {
                let branch = if self.condition(list()?.first()?.as_str()?)? {
                    1
                } else {
                    2
                };
                self.string(list()?.get(branch)?)
            }
            _ => None,
        }
    }

    /// `Fn::Split`'s list, when `value` is one.
    fn split(&self, value: &Value) -> Option<Vec<String>> {
        let (name, argument) = function_of(value)?;
        if name != "Split" {
            return None;
        }
        let parts = argument.as_sequence()?;
        let separator = parts.first()?.as_str()?;
        let text = self.string(parts.get(1)?)?;
        Some(text.split(separator).map(str::to_owned).collect())
    }

    fn reference(&self, name: &str) -> Option<String> {
        match name {
            "AWS::Partition" => Some("aws".into()),
            "AWS::Region" => Some(REGION.into()),
            "AWS::AccountId" => Some(ACCOUNT.into()),
            "AWS::URLSuffix" => Some("amazonaws.com".into()),
            "AWS::StackName" => Some("lead-connectors-local".into()),
            _ => match self.parameters.get(name) {
                Some(value) => Some(value.clone()),
                // A secret's or a topic's Ref is its ARN; others are named by logical id.
                None => self.types.get(name).map(|kind| match kind.as_str() {
                    "AWS::SecretsManager::Secret" | "AWS::SNS::Topic" => arn(kind, name),
                    _ => name.to_owned(),
                }),
            },
        }
    }

    fn attribute(&self, text: &str) -> Option<String> {
        let (logical_id, attribute) = text.split_once('.')?;
        let kind = self.types.get(logical_id)?;
        let arn = arn(kind, logical_id);
        match attribute {
            "Arn" => Some(arn),
            "StreamArn" => Some(format!("{arn}/stream/*")),
            _ => None,
        }
    }

    fn substitute(&self, text: &str, local: &HashMap<String, String>) -> Option<String> {
        let mut out = String::new();
        let mut rest = text;
        while let Some(start) = rest.find("${") {
            out.push_str(&rest[..start]);
            let end = rest[start..].find('}')? + start;
            let name = &rest[start + 2..end];
            let value = match local.get(name) {
                Some(value) => value.clone(),
                None if name.contains('.') => self.attribute(name)?,
                None => self.reference(name)?,
            };
            out.push_str(&value);
            rest = &rest[end + 1..];
        }
        out.push_str(rest);
        Some(out)
    }

    /// A named condition of the template, evaluated.
    pub fn condition(&self, name: &str) -> Option<bool> {
        self.truth(self.conditions.get(name)?)
    }

    fn truth(&self, value: &Value) -> Option<bool> {
        let (name, argument) = function_of(value)?;
        let list = argument.as_sequence();
        match name.as_str() {
            "Equals" => {
                let list = list?;
                Some(self.string(list.first()?)? == self.string(list.get(1)?)?)
            }
            "Not" => Some(!self.truth(list?.first()?)?),
            "And" => list?.iter().map(|c| self.truth(c)).sum_all(true),
            "Or" => list?.iter().map(|c| self.truth(c)).sum_all(false),
            "Condition" => self.condition(argument.as_str()?),
            _ => None,
        }
    }
}

/// An intrinsic function's name (`Sub`, `Equals`…) and argument, in the short
/// (`!Sub`) or the long (`Fn::Sub:`, `Ref:`) form.
fn function_of(value: &Value) -> Option<(String, &Value)> {
    match value {
        Value::Tagged(tagged) => Some((
            tagged.tag.to_string().trim_start_matches('!').to_owned(),
            &tagged.value,
        )),
        Value::Mapping(map) if map.len() == 1 => {
            let (name, argument) = map.iter().next()?;
            Some((
                name.as_str()?.trim_start_matches("Fn::").to_owned(),
                argument,
            ))
        }
        _ => None,
    }
}

trait Logic {
    /// `And` (`all` = true) or `Or` (`all` = false) of known truths.
    fn sum_all(self, all: bool) -> Option<bool>;
}

impl<I: Iterator<Item = Option<bool>>> Logic for I {
    fn sum_all(mut self, all: bool) -> Option<bool> {
        self.try_fold(all, |acc, truth| {
            let truth = truth?;
            Some(if all { acc && truth } else { acc || truth })
        })
    }
}
