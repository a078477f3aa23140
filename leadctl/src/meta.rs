//! `leadctl meta set`: the Meta webhook secret (app secret, verify token), merged and
//! checked before it is written. Page access tokens are not here: each workspace stores
//! its own with `PUT /admin/meta/pages/{page_id}`.

use crate::commands::{aws, CliError, Out};
use crate::target::Target;
use serde_json::{json, Value};
use shared::providers::meta::MetaSecrets;

/// What an older secret's `page_tokens` key now means.
pub const LEFTOVER: &str = "its page_tokens key is no longer read: store each page's token in \
     its workspace (PUT /admin/meta/pages/{page_id}), then remove page_tokens from the secret";

/// What `meta set` changes in the secret.
#[derive(Debug)]
pub struct MetaChange {
    /// The Meta app's id (Facebook Login's client id for Connect Meta).
    pub app_id: Option<String>,
    pub app_secret: Option<String>,
    pub verify_token: Option<String>,
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
    let leftover = value.get("page_tokens").is_some();
    out.print(
        &json!({ "secret_id": secret_id, "page_tokens_unused": leftover }),
        || {
            let mut lines = vec![
                format!("{secret_id} updated"),
                "  the Meta function reads it again within 5 minutes (META_SECRET_TTL_SECONDS)"
                    .to_owned(),
            ];
            if leftover {
                lines.push(format!("  {LEFTOVER}"));
            }
            lines
        },
    );
    Ok(())
}
