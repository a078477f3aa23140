//! Territories: the rep covering a ZIP, used when a connector has no rep of its own.

use super::input::Fields;
use super::{AdminContext, AdminError, Listing, PageRequest};
use crate::domain::{Email, Zip};
use crate::store::Territory;
use serde_json::Value;

fn zip_key(raw: &str) -> Result<String, AdminError> {
    let zip = Zip::parse(raw).map_err(|message| AdminError::field("zip", message))?;
    Ok(zip.territory_key().to_owned())
}

/// Sets the rep (`{"rep": "<email>"}`) for a ZIP; a US ZIP+4 counts as its five digits.
pub async fn put_territory(
    ctx: &AdminContext<'_>,
    zip: &str,
    body: Value,
) -> Result<Territory, AdminError> {
    let zip = zip_key(zip)?;
    let mut fields = Fields::new(body)?;
    let rep = match fields.text("rep", 254).map(|raw| Email::parse(&raw)) {
        Some(Ok(rep)) => Some(rep),
        Some(Err(message)) => {
            fields.error("rep", message);
            None
        }
        None => {
            fields.error("rep", "is required: the rep's email address");
            None
        }
    };
    fields.finish()?;
    let territory = Territory {
        zip,
        rep: rep.map(String::from).unwrap_or_default(),
    };
    ctx.store
        .put_territory(ctx.workspace_id, &territory.zip, &territory.rep)
        .await?;
    Ok(territory)
}

pub async fn delete_territory(ctx: &AdminContext<'_>, zip: &str) -> Result<(), AdminError> {
    let zip = zip_key(zip)?;
    match ctx.store.delete_territory(ctx.workspace_id, &zip).await? {
        true => Ok(()),
        false => Err(AdminError::NotFound("territory")),
    }
}

pub async fn list_territories(
    ctx: &AdminContext<'_>,
    page: PageRequest,
) -> Result<Listing<Territory>, AdminError> {
    let page = ctx
        .store
        .territories(ctx.workspace_id, page.limit, page.cursor.as_deref())
        .await??;
    Ok(Listing::of(page, |territory| territory))
}
