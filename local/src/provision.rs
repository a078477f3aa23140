//! Creates the AWS resources of `template.yaml` on a local AWS API (moto).

use crate::template::{TableDefinition, Template, TemplateError};
use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, GlobalSecondaryIndex, KeySchemaElement, KeyType, Projection,
    ProjectionType, ScalarAttributeType, StreamSpecification, StreamViewType,
    TimeToLiveSpecification,
};
use std::collections::HashMap;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

#[derive(Debug, thiserror::Error)]
pub enum ProvisionError {
    #[error(transparent)]
    Template(#[from] TemplateError),
    #[error("could not create {resource}")]
    Aws {
        resource: String,
        #[source]
        source: BoxError,
    },
}

fn aws(resource: &str) -> impl FnOnce(BoxError) -> ProvisionError + '_ {
    move |source| ProvisionError::Aws {
        resource: resource.to_owned(),
        source,
    }
}

fn key_schema(elements: &[crate::template::KeyElement]) -> Result<Vec<KeySchemaElement>, BoxError> {
    elements
        .iter()
        .map(|e| {
            KeySchemaElement::builder()
                .attribute_name(&e.attribute_name)
                .key_type(KeyType::from(e.key_type.as_str()))
                .build()
                .map_err(Into::into)
        })
        .collect()
}

async fn create_table(
    client: &aws_sdk_dynamodb::Client,
    name: &str,
    table: &TableDefinition,
) -> Result<(), BoxError> {
    let mut request = client
        .create_table()
        .table_name(name)
        .billing_mode(BillingMode::PayPerRequest)
        .set_key_schema(Some(key_schema(&table.key_schema)?));
    for attribute in &table.attribute_definitions {
        request = request.attribute_definitions(
            AttributeDefinition::builder()
                .attribute_name(&attribute.attribute_name)
                .attribute_type(ScalarAttributeType::from(attribute.attribute_type.as_str()))
                .build()?,
        );
    }
    for index in &table.global_secondary_indexes {
        request = request.global_secondary_indexes(
            GlobalSecondaryIndex::builder()
                .index_name(&index.index_name)
                .set_key_schema(Some(key_schema(&index.key_schema)?))
                .projection(
                    Projection::builder()
                        .projection_type(ProjectionType::from(
                            index.projection.projection_type.as_str(),
                        ))
                        .build(),
                )
                .build()?,
        );
    }
    if let Some(stream) = &table.stream_specification {
        request = request.stream_specification(
            StreamSpecification::builder()
                .stream_enabled(true)
                .stream_view_type(StreamViewType::from(stream.stream_view_type.as_str()))
                .build()?,
        );
    }
    request.send().await?;
    if let Some(ttl) = &table.time_to_live_specification {
        client
            .update_time_to_live()
            .table_name(name)
            .time_to_live_specification(
                TimeToLiveSpecification::builder()
                    .attribute_name(&ttl.attribute_name)
                    .enabled(ttl.enabled)
                    .build()?,
            )
            .send()
            .await?;
    }
    Ok(())
}

/// The From address of follow-up mail: the template's `SenderAddress`, as local runs set it.
pub fn sender_address() -> Result<String, TemplateError> {
    Template::load()?
        .parameter("SenderAddress")
        .ok_or_else(|| TemplateError::Missing("SenderAddress parameter".into()))
}

/// Verifies the sender's domain as an SES identity, as a deployment must before SES
/// sends from it.
async fn verify_sender(config: &aws_config::SdkConfig, sender: &str) -> Result<(), BoxError> {
    let domain = sender.rsplit_once('@').map_or(sender, |(_, domain)| domain);
    aws_sdk_ses::Client::new(config)
        .verify_domain_identity()
        .domain(domain)
        .send()
        .await?;
    Ok(())
}

/// The local resources: the table, and every bucket and queue of the template by its
/// logical id (`InboundEmailBucket` → bucket `inbound-email-bucket`).
#[derive(Debug, Clone, Default)]
pub struct Resources {
    pub table: String,
    pub buckets: HashMap<String, String>,
    pub queue_urls: HashMap<String, String>,
    /// The Meta webhook secret, holding the sample values of `seed`.
    pub meta_secret: String,
    /// The prefix of the workspaces' Meta page-token secrets, as template.yaml sets
    /// `META_PAGES_SECRET_PREFIX` (`lead-connectors/local/meta-pages`).
    pub meta_pages_prefix: String,
}

impl Resources {
    pub const TABLE: &'static str = "lead-connectors-local";
    pub const META_SECRET: &'static str = "lead-connectors-local-meta-webhook";

    pub fn bucket(&self, logical_id: &str) -> &str {
        self.buckets.get(logical_id).map_or("", String::as_str)
    }

    pub fn queue_url(&self, logical_id: &str) -> &str {
        self.queue_urls.get(logical_id).map_or("", String::as_str)
    }
}

/// `META_PAGES_SECRET_PREFIX` of the admin function in `template`, evaluated.
pub fn meta_pages_prefix(template: &Template) -> Result<String, TemplateError> {
    let path = ["Environment", "Variables", "META_PAGES_SECRET_PREFIX"];
    template
        .property("AdminApiFunction", &path)
        .and_then(|value| template.scope().string(value))
        .ok_or_else(|| TemplateError::Missing("AdminApiFunction's META_PAGES_SECRET_PREFIX".into()))
}

/// Creates (or overwrites) a Secrets Manager secret with a string value.
pub async fn put_secret(
    config: &aws_config::SdkConfig,
    name: &str,
    value: &str,
) -> Result<(), ProvisionError> {
    let client = aws_sdk_secretsmanager::Client::new(config);
    let created = client
        .create_secret()
        .name(name)
        .secret_string(value)
        .send()
        .await;
    match created {
        Ok(_) => Ok(()),
        Err(err)
            if err
                .as_service_error()
                .is_some_and(|e| e.is_resource_exists_exception()) =>
        {
            client
                .put_secret_value()
                .secret_id(name)
                .secret_string(value)
                .send()
                .await
                .map_err(|e| aws(name)(Box::new(e)))?;
            Ok(())
        }
        Err(err) => Err(aws(name)(Box::new(err))),
    }
}

/// Sets the template's S3 → SQS notifications on the local buckets: moto then sends
/// the events as S3 would.
async fn notify_queues(
    config: &aws_config::SdkConfig,
    template: &Template,
    resources: &Resources,
) -> Result<(), BoxError> {
    use aws_sdk_s3::types::{
        Event, FilterRule, FilterRuleName, NotificationConfiguration,
        NotificationConfigurationFilter, QueueConfiguration, S3KeyFilter,
    };
    let sqs = aws_sdk_sqs::Client::new(config);
    let mut by_bucket: HashMap<String, Vec<QueueConfiguration>> = HashMap::new();
    for notification in template.queue_notifications() {
        let arn = sqs
            .get_queue_attributes()
            .queue_url(resources.queue_url(&notification.queue))
            .attribute_names(aws_sdk_sqs::types::QueueAttributeName::QueueArn)
            .send()
            .await?
            .attributes
            .and_then(|mut a| a.remove(&aws_sdk_sqs::types::QueueAttributeName::QueueArn))
            .ok_or("a queue without an ARN")?;
        let mut rules = S3KeyFilter::builder();
        for (name, value) in &notification.rules {
            let rule = FilterRule::builder().name(FilterRuleName::from(name.as_str()));
            rules = rules.filter_rules(rule.value(value).build());
        }
        let filter = NotificationConfigurationFilter::builder()
            .key(rules.build())
            .build();
        let configuration = QueueConfiguration::builder()
            .queue_arn(arn)
            .events(Event::from(notification.event.as_str()))
            .filter(filter)
            .build()?;
        let bucket = resources.bucket(&notification.bucket).to_owned();
        by_bucket.entry(bucket).or_default().push(configuration);
    }
    let s3 = shared::aws::s3(config);
    for (bucket, configurations) in by_bucket {
        let notification = NotificationConfiguration::builder()
            .set_queue_configurations(Some(configurations))
            .build();
        s3.put_bucket_notification_configuration()
            .bucket(bucket)
            .notification_configuration(notification)
            .send()
            .await?;
    }
    Ok(())
}

/// `InboundEmailBucket` → `inbound-email-bucket`.
pub fn local_name(logical_id: &str) -> String {
    let mut name = String::new();
    for c in logical_id.chars() {
        if c.is_uppercase() && !name.is_empty() {
            name.push('-');
        }
        name.extend(c.to_lowercase());
    }
    name
}

/// Creates every resource the template declares that a local run needs: the table,
/// the buckets and the queues.
pub async fn provision(config: &aws_config::SdkConfig) -> Result<Resources, ProvisionError> {
    let template = Template::load()?;
    let mut resources = Resources {
        table: Resources::TABLE.to_owned(),
        meta_secret: Resources::META_SECRET.to_owned(),
        meta_pages_prefix: meta_pages_prefix(&template)?,
        ..Resources::default()
    };
    let dynamodb = aws_sdk_dynamodb::Client::new(config);
    create_table(&dynamodb, &resources.table, &template.table()?)
        .await
        .map_err(aws(&resources.table))?;
    if let Some((logical_id, _)) = template.resources_of_type("AWS::DynamoDB::Table").next() {
        crate::calls::stands_for(&resources.table, logical_id);
    }

    let s3 = shared::aws::s3(config);
    for (logical_id, _) in template.resources_of_type("AWS::S3::Bucket") {
        let name = local_name(logical_id);
        s3.create_bucket()
            .bucket(&name)
            .send()
            .await
            .map_err(|e| aws(&name)(e.into()))?;
        crate::calls::stands_for(&name, logical_id);
        resources.buckets.insert(logical_id.to_owned(), name);
    }
    let sqs = aws_sdk_sqs::Client::new(config);
    for (logical_id, queue) in template.resources_of_type("AWS::SQS::Queue") {
        let name = local_name(logical_id);
        // The visibility timeout is part of how redeliveries are timed: as declared.
        let visibility = queue
            .get("Properties")
            .and_then(|p| p.get("VisibilityTimeout"))
            .and_then(serde_yaml::Value::as_i64);
        let created = sqs
            .create_queue()
            .queue_name(&name)
            .set_attributes(visibility.map(|seconds| {
                HashMap::from([(
                    aws_sdk_sqs::types::QueueAttributeName::VisibilityTimeout,
                    seconds.to_string(),
                )])
            }))
            .send()
            .await
            .map_err(|e| aws(&name)(e.into()))?;
        let url = created.queue_url.unwrap_or_default();
        crate::calls::stands_for(&url, logical_id);
        resources.queue_urls.insert(logical_id.to_owned(), url);
    }
    notify_queues(config, &template, &resources)
        .await
        .map_err(aws("the bucket notifications"))?;
    verify_sender(config, &sender_address()?)
        .await
        .map_err(aws("the SES sender identity"))?;
    let meta_secret = crate::seed::sample_meta_secret().to_string();
    put_secret(config, &resources.meta_secret, &meta_secret).await?;
    crate::calls::stands_for(&resources.meta_secret, "MetaWebhookSecret");
    Ok(resources)
}

#[cfg(test)]
mod tests {
    #[test]
    fn logical_ids_become_kebab_case_names() {
        assert_eq!(
            super::local_name("InboundEmailBucket"),
            "inbound-email-bucket"
        );
    }
}
