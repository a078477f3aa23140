//! Which deployment leadctl works on: a table named outright, or a CloudFormation stack
//! whose outputs name the table (and the secret, the rule set, the domains).

use clap::Args;
use shared::admin::Deployment;
use shared::store::Store;
use std::collections::HashMap;

#[derive(Debug, Args)]
pub struct TargetArgs {
    /// The DynamoDB table (a stack's `LeadsTableName` output; `make dev` writes the local
    /// one to .local/demo.json as `table`).
    #[arg(long, global = true, env = "LEADCTL_TABLE", conflicts_with = "stack")]
    pub table: Option<String>,
    /// The CloudFormation stack (`sam deploy`'s stack name); its outputs name the rest.
    #[arg(long, global = true, env = "LEADCTL_STACK")]
    pub stack: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum TargetError {
    #[error("name the deployment with --stack <stack name> or --table <table name>")]
    Unnamed,
    #[error("could not read stack {stack}")]
    Stack {
        stack: String,
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    #[error("stack {0} has no LeadsTableName output: is it a Lead Connectors stack?")]
    NoTable(String),
}

/// The deployment: its table, and what its stack's outputs say.
#[derive(Debug, Clone)]
pub struct Target {
    pub config: aws_config::SdkConfig,
    pub store: Store,
    pub stack: Option<String>,
    /// The stack's outputs by key (empty with `--table`).
    pub outputs: HashMap<String, String>,
}

impl Target {
    pub async fn resolve(args: &TargetArgs) -> Result<Self, super::commands::CliError> {
        let config = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
        let (table, outputs) = match (&args.table, &args.stack) {
            (Some(table), _) => (table.clone(), HashMap::new()),
            (None, Some(stack)) => {
                let outputs = outputs(&config, stack).await?;
                let table = outputs
                    .get("LeadsTableName")
                    .cloned()
                    .ok_or_else(|| TargetError::NoTable(stack.clone()))?;
                (table, outputs)
            }
            (None, None) => return Err(TargetError::Unnamed.into()),
        };
        Ok(Self {
            store: Store::new(shared::aws::dynamodb(&config), table),
            config,
            stack: args.stack.clone(),
            outputs,
        })
    }

    pub fn output(&self, key: &str) -> Option<&str> {
        self.outputs
            .get(key)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }

    /// What setup answers show, as the stack's outputs describe the deployment.
    pub fn deployment(&self) -> Deployment {
        let sender = self.output("SenderAddress");
        Deployment {
            inbound_email_domain: self.output("InboundEmailDomain").map(str::to_owned),
            sender_domain: sender
                .and_then(|s| s.rsplit_once('@'))
                .map(|(_, d)| d.to_owned()),
            ..Deployment::new(self.output("ApiUrl").unwrap_or_default())
        }
    }
}

async fn outputs(
    config: &aws_config::SdkConfig,
    stack: &str,
) -> Result<HashMap<String, String>, TargetError> {
    let described = aws_sdk_cloudformation::Client::new(config)
        .describe_stacks()
        .stack_name(stack)
        .send()
        .await
        .map_err(|err| TargetError::Stack {
            stack: stack.to_owned(),
            source: Box::new(err),
        })?;
    let stack = described.stacks().first();
    let outputs = stack.map(|s| s.outputs()).unwrap_or_default();
    Ok(outputs
        .iter()
        .filter_map(|o| Some((o.output_key()?.to_owned(), o.output_value()?.to_owned())))
        .collect())
}
