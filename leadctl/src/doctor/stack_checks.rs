//! The checks of what only the stack knows: its Meta secret and its failure queues.

use super::Check;
use crate::target::Target;
use shared::providers::meta::MetaSecrets;

pub async fn meta_secret(target: &Target) -> Check {
    let name = "Meta secret";
    let Some(secret_id) = target.output("MetaWebhookSecretName") else {
        return Check::needs_stack(name);
    };
    let client = aws_sdk_secretsmanager::Client::new(&target.config);
    let value = match client.get_secret_value().secret_id(secret_id).send().await {
        Ok(value) => value,
        Err(err) => return Check::unknown(name, &err),
    };
    let text = value.secret_string().unwrap_or_default();
    let parsed: Option<MetaSecrets> = serde_json::from_str(text).ok();
    let leftover = serde_json::from_str::<serde_json::Value>(text)
        .is_ok_and(|v| v.get("page_tokens").is_some());
    let Some(secrets) = parsed else {
        return Check::fail(
            name,
            format!("{secret_id} is not the expected JSON"),
            "leadctl meta set --app-secret - --verify-token …",
        );
    };
    if let Some(problem) = shared::secrets::CheckSecret::problem(&secrets) {
        return Check::warn(
            name,
            format!("{secret_id}: {problem}"),
            "leadctl meta set --app-secret - (Meta app → Settings → Basic → App secret)",
        );
    }
    if secrets.app_id.trim().is_empty() {
        return Check::warn(
            name,
            format!("{secret_id} has no app_id: Connect Meta cannot open Facebook Login"),
            "leadctl meta set --app-id APP_ID (Meta app → Settings → Basic → App ID)",
        );
    }
    if leftover {
        return Check::warn(
            name,
            format!("{secret_id}: {}", crate::meta::LEFTOVER),
            "PUT /admin/meta/pages/{page_id} with each workspace's admin key (docs/deploy.md)",
        );
    }
    Check::ok(
        name,
        "app secret set (page tokens are each workspace's)".to_owned(),
    )
}

/// Messages waiting in any dead-letter or failure queue of the stack.
pub async fn failure_queues(target: &Target) -> Vec<Check> {
    let Some(stack) = &target.stack else {
        return vec![Check::needs_stack("failure queues")];
    };
    let cloudformation = aws_sdk_cloudformation::Client::new(&target.config);
    let resources = match cloudformation
        .describe_stack_resources()
        .stack_name(stack)
        .send()
        .await
    {
        Ok(resources) => resources,
        Err(err) => return vec![Check::unknown("failure queues", &err)],
    };
    let queues = resources.stack_resources().iter().filter(|r| {
        let id = r.logical_resource_id().unwrap_or_default();
        r.resource_type() == Some("AWS::SQS::Queue")
            && (id.contains("DeadLetter") || id.contains("Failure"))
    });
    let sqs = aws_sdk_sqs::Client::new(&target.config);
    let mut checks = Vec::new();
    for queue in queues {
        let id = queue.logical_resource_id().unwrap_or_default();
        let url = queue.physical_resource_id().unwrap_or_default();
        let name = format!("queue {id}");
        let depth = sqs
            .get_queue_attributes()
            .queue_url(url)
            .attribute_names(aws_sdk_sqs::types::QueueAttributeName::ApproximateNumberOfMessages)
            .send()
            .await;
        checks.push(match depth {
            Ok(answer) => {
                let waiting = answer
                    .attributes()
                    .and_then(|a| a.get(&aws_sdk_sqs::types::QueueAttributeName::ApproximateNumberOfMessages))
                    .and_then(|n| n.parse::<u64>().ok())
                    .unwrap_or(0);
                match waiting {
                    0 => Check::ok(&name, "empty"),
                    n => Check::fail(&name, format!("{n} message(s) waiting: something failed for good"), format!("read them: aws sqs receive-message --queue-url {url} --max-number-of-messages 10")),
                }
            }
            Err(err) => Check::unknown(&name, &err),
        });
    }
    if checks.is_empty() {
        checks.push(Check::warn(
            "failure queues",
            format!("stack {stack} has none"),
            "is it a Lead Connectors stack?",
        ));
    }
    checks
}
