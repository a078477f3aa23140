//! Every AWS call a function makes in local runs and tests, recorded per function and
//! checked against that function's `Policies` in `template.yaml`. moto grants
//! everything; here a call the policy does not grant fails as AWS would fail it
//! (`AccessDenied`), and a `GetObject` of a missing key answers 403, not `NoSuchKey`,
//! unless the function may also `s3:ListBucket`.

use crate::iam::{Access, Policies, Policy};
use crate::intrinsics::{arn, ses_identity};
use crate::template::Template;
use aws_config::SdkConfig;
use aws_sdk_dynamodb::config::interceptors::{
    BeforeDeserializationInterceptorContextMut, BeforeTransmitInterceptorContextRef,
};
use aws_sdk_dynamodb::config::{ConfigBag, Intercept, RuntimeComponents};
use aws_smithy_runtime_api::client::orchestrator::Metadata;
use aws_smithy_types::body::SdkBody;
use aws_smithy_types::config_bag::{Storable, StoreReplace};
use serde_json::Value;
use shared::store::Store;
use std::collections::HashMap;
use std::sync::{Mutex, OnceLock, PoisonError};

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// One access a function asked for, and whether its policy allowed it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    pub function: String,
    pub access: Access,
    pub allowed: bool,
}

static RECORDS: Mutex<Vec<Record>> = Mutex::new(Vec::new());
/// Local physical names (table, bucket, queue URL, secret) → the template's logical ids.
static NAMES: Mutex<Option<HashMap<String, String>>> = Mutex::new(None);

/// Every access recorded in this process so far.
pub fn records() -> Vec<Record> {
    RECORDS
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .clone()
}

/// Says that the local resource `physical` (a table or bucket name, a queue URL, a secret
/// name) stands for the template's `logical_id`: provisioning names its own, a test the
/// queue or secret it makes for itself.
pub fn stands_for(physical: &str, logical_id: &str) {
    let mut names = NAMES.lock().unwrap_or_else(PoisonError::into_inner);
    names
        .get_or_insert_with(HashMap::new)
        .insert(physical.to_owned(), logical_id.to_owned());
}

fn logical(physical: &str) -> String {
    let names = NAMES.lock().unwrap_or_else(PoisonError::into_inner);
    let found = names.as_ref().and_then(|names| names.get(physical));
    found
        .cloned()
        .unwrap_or_else(|| format!("unknown:{physical}"))
}

fn policies() -> &'static Policies {
    static POLICIES: OnceLock<Policies> = OnceLock::new();
    POLICIES.get_or_init(|| {
        let template = Template::load().expect("template.yaml parses");
        Policies::of(&template, template.scope()).expect("template.yaml's policies are read")
    })
}

/// The AWS clients of one function, as its `main` would build them, every call checked.
#[derive(Debug, Clone)]
pub struct FunctionAws {
    config: SdkConfig,
    checker: Checker,
}

impl FunctionAws {
    /// The clients of the function whose binary is `function` (`api-intake`).
    pub fn new(config: &SdkConfig, function: &str) -> Self {
        Self {
            config: config.clone(),
            checker: Checker {
                function: function.to_owned(),
                policy: policies().function(function).cloned().unwrap_or_default(),
            },
        }
    }

    pub fn dynamodb(&self) -> aws_sdk_dynamodb::Client {
        let config = aws_sdk_dynamodb::config::Builder::from(&self.config);
        aws_sdk_dynamodb::Client::from_conf(config.interceptor(self.checker.clone()).build())
    }

    /// `like`'s table and clock, through this function's client.
    pub fn store(&self, like: &Store) -> Store {
        Store::new(self.dynamodb(), like.table()).with_clock(like.clock().clone())
    }

    pub fn s3(&self) -> aws_sdk_s3::Client {
        let config = shared::aws::s3_config(&self.config);
        aws_sdk_s3::Client::from_conf(config.interceptor(self.checker.clone()).build())
    }

    pub fn sqs(&self) -> aws_sdk_sqs::Client {
        let config = aws_sdk_sqs::config::Builder::from(&self.config);
        aws_sdk_sqs::Client::from_conf(config.interceptor(self.checker.clone()).build())
    }

    pub fn ses(&self) -> aws_sdk_ses::Client {
        let config = aws_sdk_ses::config::Builder::from(&self.config);
        aws_sdk_ses::Client::from_conf(config.interceptor(self.checker.clone()).build())
    }

    pub fn secrets(&self) -> aws_sdk_secretsmanager::Client {
        let config = aws_sdk_secretsmanager::config::Builder::from(&self.config);
        let config = config.interceptor(self.checker.clone()).build();
        aws_sdk_secretsmanager::Client::from_conf(config)
    }
}

#[derive(Debug, Clone)]
struct Checker {
    function: String,
    policy: Policy,
}

/// An object read whose answer decides whether `s3:ListBucket` was needed.
#[derive(Debug, Clone)]
struct ObjectRead {
    bucket: String,
    key: String,
}

impl Storable for ObjectRead {
    type Storer = StoreReplace<Self>;
}

impl Checker {
    /// Records `access`; whether the function's policy allows it.
    fn check(&self, access: Access) -> bool {
        let allowed = self.policy.allows(&access);
        if !allowed {
            tracing::error!(function = %self.function, %access, "template.yaml does not grant this call");
        }
        let record = Record {
            function: self.function.clone(),
            access,
            allowed,
        };
        RECORDS
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(record);
        allowed
    }
}

impl Intercept for Checker {
    fn name(&self) -> &'static str {
        "template.yaml policy check"
    }

    fn read_before_transmit(
        &self,
        context: &BeforeTransmitInterceptorContextRef<'_>,
        _components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let Some(metadata) = cfg.load::<Metadata>().cloned() else {
            return Ok(());
        };
        let request = context.request();
        let call = Call {
            service: metadata.service(),
            operation: metadata.name(),
            path: request.uri().split('?').next().unwrap_or_default(),
            body: request.body().bytes().unwrap_or_default(),
        };
        let mut denied = Vec::new();
        for access in call.accesses() {
            if !self.check(access.clone()) {
                denied.push(access.to_string());
            }
        }
        if let ("S3", "GetObject", Some((bucket, key))) =
            (call.service, call.operation, call.object())
        {
            cfg.interceptor_state()
                .store_put(ObjectRead { bucket, key });
        }
        match denied.is_empty() {
            true => Ok(()),
            false => Err(format!(
                "AccessDenied: template.yaml does not allow {} {}",
                self.function,
                denied.join(", ")
            )
            .into()),
        }
    }

    fn modify_before_deserialization(
        &self,
        context: &mut BeforeDeserializationInterceptorContextMut<'_>,
        _components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let Some(read) = cfg.load::<ObjectRead>().cloned() else {
            return Ok(());
        };
        if context.response().status().as_u16() != 404 {
            return Ok(());
        }
        let list = Access::new("s3:ListBucket", arn("AWS::S3::Bucket", &read.bucket))
            .with("s3:prefix", &read.key);
        if !self.check(list) {
            let response = context.response_mut();
            *response.status_mut() = 403u16.try_into()?;
            *response.body_mut() = SdkBody::from(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>AccessDenied</Code>\
                 <Message>Access Denied</Message></Error>",
            );
        }
        Ok(())
    }
}

/// One SDK call as it goes out: what it asks for, in IAM's terms.
struct Call<'a> {
    service: &'a str,
    operation: &'a str,
    path: &'a str,
    body: &'a [u8],
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
    fn object(&self) -> Option<(String, String)> {
        let path = self.path.split_once("://").map_or(self.path, |(_, rest)| {
            rest.find('/').map_or("", |slash| &rest[slash..])
        });
        let (bucket, key) = path.trim_start_matches('/').split_once('/')?;
        let key = percent_encoding::percent_decode_str(key).decode_utf8_lossy();
        Some((logical(bucket), key.into_owned()))
    }

    fn accesses(&self) -> Vec<Access> {
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
                let secret = logical(self.json()["SecretId"].as_str().unwrap_or_default());
                let resource = arn("AWS::SecretsManager::Secret", &secret);
                vec![Access::new(
                    format!("secretsmanager:{}", self.operation),
                    resource,
                )]
            }
            other => vec![Access::new(format!("{other}:{}", self.operation), "*")],
        }
    }
}
