//! Creates the AWS resources of `template.yaml` on a local AWS API (moto).

use crate::template::{TableDefinition, Template, TemplateError};
use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, GlobalSecondaryIndex, KeySchemaElement, KeyType, Projection,
    ProjectionType, ScalarAttributeType, StreamSpecification, StreamViewType,
    TimeToLiveSpecification,
};

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

/// The From address of follow-up mail: the template's `SenderAddress` default.
pub fn sender_address() -> Result<String, TemplateError> {
    Template::load()?
        .parameter_default("SenderAddress")
        .ok_or_else(|| TemplateError::Missing("SenderAddress parameter default".into()))
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

/// Names of the local resources.
#[derive(Debug, Clone)]
pub struct Resources {
    pub table: String,
}

impl Default for Resources {
    fn default() -> Self {
        Self {
            table: "lead-connectors-local".to_owned(),
        }
    }
}

/// Creates every resource the template declares that a local run needs.
pub async fn provision(
    config: &aws_config::SdkConfig,
    resources: &Resources,
) -> Result<(), ProvisionError> {
    let template = Template::load()?;
    let dynamodb = aws_sdk_dynamodb::Client::new(config);
    create_table(&dynamodb, &resources.table, &template.table()?)
        .await
        .map_err(aws(&resources.table))?;
    verify_sender(config, &sender_address()?)
        .await
        .map_err(aws("the SES sender identity"))?;
    Ok(())
}
