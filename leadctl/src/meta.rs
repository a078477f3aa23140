//! `leadctl meta set`: the Meta webhook secret, merged and checked before it is written.

use crate::commands::{aws, CliError, Out};
use crate::target::Target;
use serde_json::{json, Value};
use shared::providers::meta::MetaSecrets;

/// What `meta set` changes in the secret.
#[derive(Debug)]
pub struct MetaChange {
    /// The Meta app's id (Facebook Login's client id for Connect Meta).
    pub app_id: Option<String>,
    pub app_secret: Option<String>,
    pub verify_token: Option<String>,
    pub pages: Vec<String>,
}

fn stdin_or(value: String) -> Result<String, CliError> {
    if value != "-" {
        return Ok(value);
    }
    let mut line = String::new();
    std::io::stdin()
        .read_line(&mut line)
        .map_err(|e| CliError::Usage(format!("could not read standard input: {e}")))?;
    Ok(line.trim().to_owned())
}

pub async fn set_meta(
    target: &Target,
    out: Out,
    secret_id: Option<String>,
    change: MetaChange,
) -> Result<(), CliError> {
    let secret_id = secret_id
        .or_else(|| target.output("MetaWebhookSecretName").map(str::to_owned))
        .ok_or_else(|| {
            CliError::Usage("name the secret with --secret-id, or use --stack".into())
        })?;
    let client = aws_sdk_secretsmanager::Client::new(&target.config);
    let current = client
        .get_secret_value()
        .secret_id(&secret_id)
        .send()
        .await
        .map_err(aws("read the Meta secret"))?;
    let mut value: Value = current
        .secret_string()
        .and_then(|text| serde_json::from_str(text).ok())
        .filter(Value::is_object)
        .unwrap_or_else(|| json!({}));
    if let Some(app_id) = change.app_id {
        value["app_id"] = app_id.trim().into();
    }
    if let Some(app_secret) = change.app_secret {
        value["app_secret"] = stdin_or(app_secret)?.into();
    }
    if let Some(token) = change.verify_token {
        value["verify_token"] = stdin_or(token)?.into();
    }
    if !value["page_tokens"].is_object() {
        value["page_tokens"] = json!({});
    }
    for page in change.pages {
        let (page_id, token) = page.split_once('=').ok_or_else(|| {
            CliError::Usage(format!(
                "--page takes PAGE_ID=TOKEN, not '{}'",
                page.split('=').next().unwrap_or_default()
            ))
        })?;
        value["page_tokens"][page_id.trim()] = stdin_or(token.trim().to_owned())?.into();
    }
    let secrets: MetaSecrets = serde_json::from_value(value.clone()).unwrap_or_default();
    if let Some(problem) = shared::secrets::CheckSecret::problem(&secrets) {
        return Err(CliError::Usage(format!("not written: {problem}")));
    }
    client
        .put_secret_value()
        .secret_id(&secret_id)
        .secret_string(value.to_string())
        .send()
        .await
        .map_err(aws("write the Meta secret"))?;
    let pages: Vec<&String> = secrets.page_tokens.keys().collect();
    out.print(&json!({ "secret_id": secret_id, "pages": pages }), || {
        vec![
            format!(
                "{secret_id} updated; pages: {}",
                if pages.is_empty() {
                    "none".to_owned()
                } else {
                    pages
                        .iter()
                        .map(|p| p.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                }
            ),
            "  the Meta function reads it again within 5 minutes (META_SECRET_TTL_SECONDS)"
                .to_owned(),
        ]
    });
    Ok(())
}
