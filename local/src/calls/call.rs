//! One SDK call as it goes out, read in IAM's terms: which actions on which resources.

use super::logical;
use crate::iam::Access;
use crate::intrinsics::{arn, ses_identity};
use serde_json::Value;

/// One SDK call as it goes out: what it asks for, in IAM's terms.
pub(super) struct Call<'a> {
    pub(super) service: &'a str,
    pub(super) operation: &'a str,
    pub(super) path: &'a str,
    pub(super) body: &'a [u8],
}

impl Call<'_> {
    fn json(&self) -> Value {
        serde_json::from_slice(self.body).unwrap_or(Value::Null)
    }

    fn form(&self, name: &str) -> Option<String> {
        form_urlencoded::parse(self.body)
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.into_owned())
    }

    /// The bucket (by logical id) and key of an S3 call addressed by path.
    pub(super) fn object(&self) -> Option<(String, String)> {
        let path = self.path.split_once("://").map_or(self.path, |(_, rest)| {
            rest.find('/').map_or("", |slash| &rest[slash..])
        });
        let (bucket, key) = path.trim_start_matches('/').split_once('/')?;
        let key = percent_encoding::percent_decode_str(key).decode_utf8_lossy();
        Some((logical(bucket), key.into_owned()))
    }

    pub(super) fn accesses(&self) -> Vec<Access> {
        let table = |name: &Value| {
            arn(
                "AWS::DynamoDB::Table",
                &logical(name.as_str().unwrap_or("")),
            )
        };
        match self.service {
            "DynamoDB" => {
                let body = self.json();
                let items = |list: &str| body[list].as_array().cloned().unwrap_or_default();
                match self.operation {
                    "TransactWriteItems" | "TransactGetItems" => items("TransactItems")
                        .iter()
                        .filter_map(|item| {
                            let (kind, part) = item.as_object()?.iter().next()?;
                            let action = match kind.as_str() {
                                "Put" => "PutItem",
                                "Update" => "UpdateItem",
                                "Delete" => "DeleteItem",
                                "ConditionCheck" => "ConditionCheckItem",
                                _ => "GetItem",
                            };
                            Some(Access::new(
                                format!("dynamodb:{action}"),
                                table(&part["TableName"]),
                            ))
                        })
                        .collect(),
                    "BatchGetItem" | "BatchWriteItem" => body["RequestItems"]
                        .as_object()
                        .into_iter()
                        .flat_map(|tables| tables.keys())
                        .map(|name| {
                            let resource = table(&Value::String(name.clone()));
                            Access::new(format!("dynamodb:{}", self.operation), resource)
                        })
                        .collect(),
                    operation => {
                        let mut resource = table(&body["TableName"]);
                        if let Some(index) = body["IndexName"].as_str() {
                            resource = format!("{resource}/index/{index}");
                        }
                        vec![Access::new(format!("dynamodb:{operation}"), resource)]
                    }
                }
            }
            "S3" => {
                let Some((bucket, key)) = self.object() else {
                    return vec![Access::new(format!("s3:{}", self.operation), "*")];
                };
                let action = match self.operation {
                    "HeadObject" => "GetObject",
                    "ListObjectsV2" | "ListObjects" => "ListBucket",
                    other => other,
                };
                let bucket_arn = arn("AWS::S3::Bucket", &bucket);
                vec![Access::new(
                    format!("s3:{action}"),
                    format!("{bucket_arn}/{key}"),
                )]
            }
            "SQS" => {
                let queue = logical(self.json()["QueueUrl"].as_str().unwrap_or_default());
                let action = self.operation.trim_end_matches("Batch");
                vec![Access::new(
                    format!("sqs:{action}"),
                    arn("AWS::SQS::Queue", &queue),
                )]
            }
            "SES" => {
                let source = self.form("Source").unwrap_or_default();
                let address = source
                    .rsplit('<')
                    .next()
                    .unwrap_or(&source)
                    .trim_end_matches('>');
                let domain = address.rsplit_once('@').map_or(address, |(_, d)| d);
                vec![Access::new(
                    format!("ses:{}", self.operation),
                    ses_identity(domain),
                )]
            }
            "Secrets Manager" => {
                let body = self.json();
                // A call names its secret by `SecretId`, `CreateSecret` by `Name`.
                let name = body["SecretId"].as_str().or(body["Name"].as_str());
                let resource = secret_arn(name.unwrap_or_default());
                vec![Access::new(
                    format!("secretsmanager:{}", self.operation),
                    resource,
                )]
            }
            other => vec![Access::new(format!("{other}:{}", self.operation), "*")],
        }
    }
}

/// A secret's ARN: a template secret's by its logical id; a secret made at run time
/// (a workspace's Meta page tokens) by its name and the six random characters AWS adds,
/// which is what a grant on `…:secret:<prefix>/*` must match.
fn secret_arn(name: &str) -> String {
    const KIND: &str = "AWS::SecretsManager::Secret";
    match logical(name) {
        known if !known.starts_with("unknown:") => arn(KIND, &known),
        _ if name.starts_with("arn:") => name.to_owned(),
        _ => arn(KIND, &format!("{name}-AbCdEf")),
    }
}
