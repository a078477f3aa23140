//! `template.yaml`, read as the single source of the table's shape and the HTTP routes,
//! so local runs and tests cannot drift from what is deployed.

use crate::intrinsics::Scope;
use serde::Deserialize;
use serde_yaml::Value;

pub const TEMPLATE: &str = include_str!("../../template.yaml");

/// The parameter values of local runs, over the template's defaults: the template
/// deploys no example domain, so these are set here. Conditions are evaluated with them
/// (inbound email and follow-ups are on locally).
pub const LOCAL_PARAMETERS: [(&str, &str); 3] = [
    ("Stage", "local"),
    ("InboundEmailDomain", "leads.example.com"),
    ("SenderAddress", "leads@example.com"),
];

#[derive(Debug, thiserror::Error)]
pub enum TemplateError {
    #[error("template.yaml is not valid YAML")]
    Yaml(#[from] serde_yaml::Error),
    #[error("template.yaml has no {0}")]
    Missing(String),
}

/// An HTTP route and the function (by binary name) that serves it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    pub method: String,
    pub path: String,
    pub binary: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AttributeDefinition {
    pub attribute_name: String,
    pub attribute_type: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct KeyElement {
    pub attribute_name: String,
    pub key_type: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Projection {
    pub projection_type: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GlobalSecondaryIndex {
    pub index_name: String,
    pub key_schema: Vec<KeyElement>,
    pub projection: Projection,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct StreamSpecification {
    pub stream_view_type: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TimeToLive {
    pub attribute_name: String,
    pub enabled: bool,
}

/// The table's properties as the template declares them.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TableDefinition {
    pub attribute_definitions: Vec<AttributeDefinition>,
    pub key_schema: Vec<KeyElement>,
    #[serde(default)]
    pub global_secondary_indexes: Vec<GlobalSecondaryIndex>,
    pub stream_specification: Option<StreamSpecification>,
    pub time_to_live_specification: Option<TimeToLive>,
}

/// A bucket's notification of `event` to a queue (logical ids), with its key filter
/// rules (`prefix`, `suffix`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueNotification {
    pub bucket: String,
    pub queue: String,
    pub event: String,
    pub rules: Vec<(String, String)>,
}

/// The resource `!GetAtt Resource.Attribute` names.
fn get_att_resource(value: &Value) -> Option<String> {
    let Value::Tagged(tagged) = value else {
        return None;
    };
    let target = tagged.value.as_str()?;
    (tagged.tag == "GetAtt").then(|| target.split('.').next().unwrap_or(target).to_owned())
}

/// The template as a local run deploys it: with [`LOCAL_PARAMETERS`], so only the
/// resources whose `Condition` holds for them.
#[derive(Debug, Clone)]
pub struct Template {
    root: Value,
    scope: Scope,
}

impl Template {
    pub fn load() -> Result<Self, TemplateError> {
        Self::parse(TEMPLATE)
    }

    pub fn parse(text: &str) -> Result<Self, TemplateError> {
        let root: Value = serde_yaml::from_str(text)?;
        let mapping = |name| {
            root.get(name)
                .and_then(Value::as_mapping)
                .into_iter()
                .flatten()
        };
        let mut scope = Scope::default();
        for (name, parameter) in mapping("Parameters") {
            let default = parameter.get("Default").and_then(|d| scope.string(d));
            if let (Some(name), Some(default)) = (name.as_str(), default) {
                scope.parameters.insert(name.to_owned(), default);
            }
        }
        for (name, value) in LOCAL_PARAMETERS {
            scope.parameters.insert(name.to_owned(), value.to_owned());
        }
        for (name, resource) in mapping("Resources") {
            let kind = resource.get("Type").and_then(Value::as_str);
            if let (Some(name), Some(kind)) = (name.as_str(), kind) {
                scope.types.insert(name.to_owned(), kind.to_owned());
            }
        }
        for (name, condition) in mapping("Conditions") {
            if let Some(name) = name.as_str() {
                scope.conditions.insert(name.to_owned(), condition.clone());
            }
        }
        Ok(Self { root, scope })
    }

    /// Parameters, resource types and conditions, for evaluating the template's functions.
    pub fn scope(&self) -> &Scope {
        &self.scope
    }

    /// The template's text as parsed, for a test that changes a copy of it.
    pub fn root_mut(&mut self) -> &mut Value {
        &mut self.root
    }

    fn resources(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.root
            .get("Resources")
            .and_then(Value::as_mapping)
            .into_iter()
            .flatten()
            .filter_map(|(name, resource)| Some((name.as_str()?, resource)))
            .filter(|(_, resource)| {
                let condition = resource.get("Condition").and_then(Value::as_str);
                condition.is_none_or(|name| self.scope.condition(name).unwrap_or(false))
            })
    }

    /// The logical ids of resources of one CloudFormation type.
    pub fn resources_of_type<'a>(
        &'a self,
        kind: &'a str,
    ) -> impl Iterator<Item = (&'a str, &'a Value)> {
        self.resources()
            .filter(move |(_, resource)| resource.get("Type").and_then(Value::as_str) == Some(kind))
    }

    /// A property of a resource by its logical id, by path (`["RedrivePolicy",
    /// "maxReceiveCount"]`); for a function that sets none, the `Globals` value.
    pub fn property(&self, logical_id: &str, path: &[&str]) -> Option<&Value> {
        let (_, resource) = self.resources().find(|(id, _)| *id == logical_id)?;
        walk(resource.get("Properties"), path).or_else(|| {
            let function = resource.get("Type")?.as_str()? == "AWS::Serverless::Function";
            let globals = self.root.get("Globals")?.get("Function");
            function.then(|| walk(globals, path)).flatten()
        })
    }

    /// The properties of the one DynamoDB table.
    pub fn table(&self) -> Result<TableDefinition, TemplateError> {
        let (_, table) = self
            .resources_of_type("AWS::DynamoDB::Table")
            .next()
            .ok_or_else(|| TemplateError::Missing("AWS::DynamoDB::Table".into()))?;
        let properties = table
            .get("Properties")
            .cloned()
            .ok_or_else(|| TemplateError::Missing("table properties".into()))?;
        Ok(serde_yaml::from_value(properties)?)
    }

    /// A parameter's value in local runs (`SenderAddress`, …).
    pub fn parameter(&self, name: &str) -> Option<String> {
        self.scope.parameters.get(name).cloned()
    }

    /// Every S3 → SQS notification the template sets on its buckets.
    pub fn queue_notifications(&self) -> Vec<QueueNotification> {
        let mut notifications = Vec::new();
        for (bucket, resource) in self.resources_of_type("AWS::S3::Bucket") {
            let configurations = resource
                .get("Properties")
                .and_then(|p| p.get("NotificationConfiguration"))
                .and_then(|n| n.get("QueueConfigurations"))
                .and_then(Value::as_sequence);
            for configuration in configurations.into_iter().flatten() {
                let queue = configuration.get("Queue").and_then(get_att_resource);
                let event = configuration.get("Event").and_then(Value::as_str);
                let (Some(queue), Some(event)) = (queue, event) else {
                    continue;
                };
                let rules = configuration
                    .get("Filter")
                    .and_then(|f| f.get("S3Key"))
                    .and_then(|k| k.get("Rules"))
                    .and_then(Value::as_sequence);
                let rules = rules.into_iter().flatten().filter_map(|rule| {
                    let text = |name| rule.get(name).and_then(Value::as_str).map(str::to_owned);
                    Some((text("Name")?, text("Value")?))
                });
                notifications.push(QueueNotification {
                    bucket: bucket.to_owned(),
                    queue,
                    event: event.to_owned(),
                    rules: rules.collect(),
                });
            }
        }
        notifications
    }

    /// Every `HttpApi` event of every function, with the function's binary name.
    pub fn http_routes(&self) -> Vec<Route> {
        let mut routes = Vec::new();
        for (_, function) in self.resources_of_type("AWS::Serverless::Function") {
            let Some(binary) = function
                .get("Metadata")
                .and_then(|m| m.get("BuildProperties"))
                .and_then(|p| p.get("Binary"))
                .and_then(Value::as_str)
            else {
                continue;
            };
            let events = function
                .get("Properties")
                .and_then(|p| p.get("Events"))
                .and_then(Value::as_mapping);
            for event in events.into_iter().flat_map(|events| events.values()) {
                if event.get("Type").and_then(Value::as_str) != Some("HttpApi") {
                    continue;
                }
                let properties = event.get("Properties");
                let field = |name| properties.and_then(|p| p.get(name)).and_then(Value::as_str);
                if let (Some(method), Some(path)) = (field("Method"), field("Path")) {
                    routes.push(Route {
                        method: method.to_uppercase(),
                        path: path.to_owned(),
                        binary: binary.to_owned(),
                    });
                }
            }
        }
        routes
    }
}

/// The value at `path` under `start`.
fn walk<'v>(start: Option<&'v Value>, path: &[&str]) -> Option<&'v Value> {
    path.iter().try_fold(start?, |value, name| value.get(*name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_template_declares_the_table_and_the_api_route() {
        let template = Template::load().unwrap();
        let table = template.table().unwrap();
        assert_eq!(table.key_schema[0].attribute_name, "pk");
        assert_eq!(table.global_secondary_indexes[0].index_name, "gsi1");
        assert!(template.http_routes().contains(&Route {
            method: "POST".into(),
            path: "/api/v1/leads".into(),
            binary: "api-intake".into(),
        }));
        let notification = &template.queue_notifications()[0];
        assert_eq!(notification.bucket, "BulkImportBucket");
        assert_eq!(notification.queue, "BulkImportQueue");
        assert!(notification
            .rules
            .contains(&("prefix".into(), "bulk/".into())));
    }
}
