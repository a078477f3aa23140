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

/// Names of the local resources.
#[derive(Debug, Clone)]
pub struct Resources {
    pub table: String,
    /// The Meta webhook secret, holding the sample values of `seed`.
    pub meta_secret: String,
}

impl Default for Resources {
    fn default() -> Self {
        Self {
            table: "lead-connectors-local".to_owned(),
            meta_secret: "lead-connectors-local-meta-webhook".to_owned(),
        }
    }
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
    let meta_secret = crate::seed::sample_meta_secret().to_string();
    put_secret(config, &resources.meta_secret, &meta_secret).await?;
    Ok(())
}
