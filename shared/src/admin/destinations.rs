//! Destinations: where a workspace's new leads are forwarded (a CRM's webhook). The
//! signing secret is shown once, when it is made: on create and on rotation, after
//! which the old one stays valid for a grace period.

use super::input::Fields;
use super::{AdminContext, AdminError, Listing, PageRequest};
use crate::domain::{
    ConnectorId, Destination, DestinationId, DestinationSecret, DestinationStatus,
};
use crate::forwarding::reach::{self, Reach, ResolveError};
use crate::forwarding::sign;
use serde::Serialize;
use serde_json::Value;
use std::time::Duration;

const STATUSES: [&str; 2] = ["active", "paused"];
/// A rotated-out secret stays valid this long unless asked otherwise (1 day), at most a week.
const DEFAULT_GRACE_SECONDS: i64 = 86_400;
const MAX_GRACE_SECONDS: i64 = 7 * 86_400;

/// A destination as the admin API shows it: never its secrets.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DestinationView {
    pub id: DestinationId,
    pub url: String,
    pub connector_ids: Vec<ConnectorId>,
    pub status: DestinationStatus,
    /// Until when the secret before the last rotation is still signed with.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub previous_secret_valid_until: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

/// A destination with its new signing secret, shown this once.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DestinationWithSecret {
    #[serde(flatten)]
    pub destination: DestinationView,
    pub signing_secret: String,
}

impl DestinationView {
    fn of(destination: &Destination, now: i64) -> Self {
        let previous = destination
            .secrets
            .iter()
            .skip(1)
            .filter_map(|s| s.valid_until);
        let previous_secret_valid_until = previous
            .filter(|until| *until > now)
            .max()
            .and_then(|until| chrono::DateTime::from_timestamp(until, 0))
            .map(|at| at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true));
        Self {
            id: destination.id.clone(),
            url: destination.url.clone(),
            connector_ids: destination.connector_ids.clone(),
            status: destination.status,
            previous_secret_valid_until,
            created_at: destination.created_at.clone(),
            updated_at: destination.updated_at.clone(),
        }
    }
}

impl AdminContext<'_> {
    fn destination_view(&self, destination: &Destination) -> DestinationView {
        DestinationView::of(destination, self.store.clock().epoch())
    }

    fn with_secret(&self, destination: &Destination) -> DestinationWithSecret {
        DestinationWithSecret {
            destination: self.destination_view(destination),
            signing_secret: destination.secrets[0].value.clone(),
        }
    }

    async fn find_destination(&self, id: &DestinationId) -> Result<Destination, AdminError> {
        self.store
            .destination(self.workspace_id, id)
            .await?
            .ok_or(AdminError::NotFound("destination"))
    }

    /// Stores `destination` over the version read at `seen`.
    async fn save_destination(
        &self,
        destination: &Destination,
        seen: &str,
    ) -> Result<(), AdminError> {
        if self.store.save_destination(destination, seen).await? {
            return Ok(());
        }
        Err(AdminError::Conflict(
            "the destination changed while this request ran; read it again and retry".to_owned(),
        ))
    }

    /// `url` and `connector_ids` as the body sets them, each mistake under its field.
    async fn destination_fields(
        &self,
        fields: &mut Fields,
        reach: Reach,
        destination: &mut Destination,
    ) -> Result<(), AdminError> {
        if let Some(url) = fields.patch_text("url", 2048) {
            match url {
                None => fields.error("url", "is required"),
                Some(url) => match checked_url(&url, reach).await {
                    Ok(url) => destination.url = url,
                    Err(message) => fields.error("url", message),
                },
            }
        }
        if let Some(ids) = fields.string_list("connector_ids") {
            for id in &ids {
                let id = ConnectorId::from(id.as_str());
                if self
                    .store
                    .connector(self.workspace_id, &id)
                    .await?
                    .is_none()
                {
                    fields.error(
                        "connector_ids",
                        format!("no connector {id} in this workspace"),
                    );
                }
            }
            destination.connector_ids = ids.into_iter().map(ConnectorId::from).collect();
        }
        if let Some(status) = fields.choice("status", &STATUSES) {
            destination.status = status;
        }
        Ok(())
    }
}

/// The URL as it will be used, or why not: its form and any address written in it, and
/// the addresses its host resolves to now (a name that does not resolve yet is taken;
/// every attempt checks again).
async fn checked_url(raw: &str, reach: Reach) -> Result<String, String> {
    let url = reach::check_url(raw, reach).map_err(|err| err.to_string())?;
    if let Some(url::Host::Domain(host)) = url.host() {
        let resolved = tokio::time::timeout(Duration::from_secs(2), reach::resolve(host, reach));
        if let Ok(Err(ResolveError::Blocked(blocked))) = resolved.await {
            return Err(format!("resolves to {blocked}"));
        }
    }
    Ok(url.to_string())
}

pub async fn create_destination(
    ctx: &AdminContext<'_>,
    reach: Reach,
    body: Value,
) -> Result<DestinationWithSecret, AdminError> {
    let mut fields = Fields::new(body)?;
    let now = ctx.store.clock().stamp();
    let mut destination = Destination {
        id: DestinationId::new(),
        workspace_id: ctx.workspace_id.clone(),
        url: String::new(),
        connector_ids: Vec::new(),
        status: DestinationStatus::Active,
        secrets: vec![DestinationSecret {
            value: sign::new_secret(),
            valid_until: None,
        }],
        created_at: now.clone(),
        updated_at: now,
    };
    ctx.destination_fields(&mut fields, reach, &mut destination)
        .await?;
    if destination.url.is_empty() && !fields.errors.iter().any(|e| e.field == "url") {
        fields.error("url", "is required");
    }
    fields.finish()?;
    if !ctx.store.create_destination(&destination).await? {
        return Err(AdminError::Conflict("a new id collided; retry".to_owned()));
    }
    Ok(ctx.with_secret(&destination))
}

pub async fn list_destinations(
    ctx: &AdminContext<'_>,
    page: PageRequest,
) -> Result<Listing<DestinationView>, AdminError> {
    let page = ctx
        .store
        .destinations(ctx.workspace_id, page.limit, page.cursor.as_deref())
        .await??;
    Ok(Listing::of(page, |d| ctx.destination_view(&d)))
}

pub async fn destination(
    ctx: &AdminContext<'_>,
    id: &DestinationId,
) -> Result<DestinationView, AdminError> {
    Ok(ctx.destination_view(&ctx.find_destination(id).await?))
}

/// Changes `url`, `connector_ids` or `status` (a paused destination gets no new
/// deliveries, and its pending ones fail at their next attempt).
pub async fn update_destination(
    ctx: &AdminContext<'_>,
    reach: Reach,
    id: &DestinationId,
    body: Value,
) -> Result<DestinationView, AdminError> {
    let mut destination = ctx.find_destination(id).await?;
    let seen = destination.updated_at.clone();
    let mut fields = Fields::new(body)?;
    ctx.destination_fields(&mut fields, reach, &mut destination)
        .await?;
    fields.finish()?;
    destination.updated_at = ctx.store.clock().stamp();
    ctx.save_destination(&destination, &seen).await?;
    Ok(ctx.destination_view(&destination))
}

/// Removes a destination; its deliveries stay (and fail at any next attempt).
pub async fn delete_destination(
    ctx: &AdminContext<'_>,
    id: &DestinationId,
) -> Result<(), AdminError> {
    match ctx.store.delete_destination(ctx.workspace_id, id).await? {
        true => Ok(()),
        false => Err(AdminError::NotFound("destination")),
    }
}

/// A new signing secret; the current one stays valid for `grace_seconds` (default a
/// day, 0 to end it now, at most a week), so receivers can switch without a gap.
pub async fn rotate_secret(
    ctx: &AdminContext<'_>,
    id: &DestinationId,
    body: Value,
) -> Result<DestinationWithSecret, AdminError> {
    let mut destination = ctx.find_destination(id).await?;
    let seen = destination.updated_at.clone();
    let mut fields = Fields::new(body)?;
    let grace = match fields.patch_number("grace_seconds").flatten() {
        None => DEFAULT_GRACE_SECONDS,
        Some(grace)
            if grace.fract() == 0.0 && (0.0..=MAX_GRACE_SECONDS as f64).contains(&grace) =>
        {
            grace as i64
        }
        Some(_) => {
            fields.error(
                "grace_seconds",
                format!("must be a whole number from 0 to {MAX_GRACE_SECONDS}"),
            );
            0
        }
    };
    fields.finish()?;
    let now = ctx.store.clock().epoch();
    let current = DestinationSecret {
        value: destination.secrets[0].value.clone(),
        valid_until: Some(now + grace),
    };
    destination.secrets = vec![
        DestinationSecret {
            value: sign::new_secret(),
            valid_until: None,
        },
        current,
    ];
    destination.updated_at = ctx.store.clock().stamp();
    ctx.save_destination(&destination, &seen).await?;
    Ok(ctx.with_secret(&destination))
}
