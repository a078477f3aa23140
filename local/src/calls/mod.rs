//! Every AWS call a function makes in local runs and tests, recorded per function and
//! checked against that function's `Policies` in `template.yaml`. moto grants
//! everything; here a call the policy does not grant fails as AWS would fail it
//! (`AccessDenied`), and a `GetObject` of a missing key answers 403, not `NoSuchKey`,
//! unless the function may also `s3:ListBucket`.

use crate::iam::{Access, Policies, Policy};
use crate::intrinsics::arn;
use crate::template::Template;
use aws_config::SdkConfig;
use aws_sdk_dynamodb::config::interceptors::{
    BeforeDeserializationInterceptorContextMut, BeforeTransmitInterceptorContextMut,
};
use aws_sdk_dynamodb::config::{ConfigBag, Intercept, RuntimeComponents};
use aws_smithy_runtime_api::client::orchestrator::Metadata;
use aws_smithy_types::config_bag::{Storable, StoreReplace};
use shared::store::Store;
use std::collections::HashMap;
use std::sync::{Mutex, OnceLock, PoisonError};

mod call;
mod denial;

use call::Call;

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

pub(crate) fn logical(physical: &str) -> String {
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

    /// Checks the call before it is signed; a call not granted goes out as a harmless
    /// read instead, and its answer becomes AWS's `AccessDenied` (below).
    fn modify_before_signing(
        &self,
        context: &mut BeforeTransmitInterceptorContextMut<'_>,
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
        if denied.is_empty() {
            return Ok(());
        }
        let message = format!(
            "template.yaml does not allow {} {}",
            self.function,
            denied.join(", ")
        );
        let service = metadata.service().to_owned();
        denial::disarm(context.request_mut(), &service)
            .ok_or_else(|| format!("AccessDenied: {message}"))?;
        cfg.interceptor_state()
            .store_put(denial::Denied { service, message });
        Ok(())
    }

    fn modify_before_deserialization(
        &self,
        context: &mut BeforeDeserializationInterceptorContextMut<'_>,
        _components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        if let Some(denied) = cfg.load::<denial::Denied>().cloned() {
            denial::answer(context.response_mut(), &denied);
            return Ok(());
        }
        let Some(read) = cfg.load::<ObjectRead>().cloned() else {
            return Ok(());
        };
        if context.response().status().as_u16() != 404 {
            return Ok(());
        }
        let list = Access::new("s3:ListBucket", arn("AWS::S3::Bucket", &read.bucket))
            .with("s3:prefix", &read.key);
        if !self.check(list) {
            let denied = denial::Denied {
                service: "S3".to_owned(),
                message: "Access Denied".to_owned(),
            };
            denial::answer(context.response_mut(), &denied);
        }
        Ok(())
    }
}
