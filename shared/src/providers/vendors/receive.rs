//! The vendor door's use case, `POST /webhooks/{provider}/{connector_id}`: the
//! connector of that vendor, its signature over the raw request, the vendor's reading
//! of the body, then the pipeline. A refused delivery stores nothing; a settled one is
//! in the import log, whatever became of it.

use super::{is_uuid, read, Delivery, Request, SignatureError, Vendor, VendorError};
use crate::domain::{Connector, ConnectorId, Provider, RequestOrigin};
use crate::pipeline::{self, Outcome};
use crate::store::keys::RouteKind;
use crate::store::{Settles, Store, StoreError};

/// Why a delivery is refused, with nothing stored (but for [`VendorRefusal::Unreadable`],
/// which is logged `failed` too, so a fixed preset can re-run it).
#[derive(Debug, thiserror::Error)]
pub enum VendorRefusal {
    #[error("'{0}' is not a vendor this door takes webhooks from")]
    UnknownVendor(String),
    #[error("no {0} connector has this id")]
    UnknownConnector(Vendor),
    #[error("{0}")]
    Signature(#[from] SignatureError),
    #[error("{0}")]
    Unreadable(#[from] VendorError),
    #[error("{0}")]
    BadChallenge(&'static str),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Handles one delivery of `vendor_key` for connector `connector_id`.
pub async fn receive(
    store: &Store,
    vendor_key: &str,
    connector_id: &ConnectorId,
    request: &Request<'_>,
    origin: RequestOrigin,
) -> Result<Outcome, VendorRefusal> {
    let vendor = Vendor::from_key(vendor_key)
        .ok_or_else(|| VendorRefusal::UnknownVendor(vendor_key.to_owned()))?;
    let connector = connector(store, vendor, connector_id).await?;
    let secret = connector.settings.signing_secret.as_ref();
    let secret = secret.map(|s| s.expose()).unwrap_or_default();
    super::verify(vendor, secret, request, store.clock().epoch())?;

    let logged = redacted(request.body, secret);
    let delivery = pipeline::Delivery {
        raw: &logged,
        origin,
    };
    let mut entry = pipeline::record(store.clock(), &connector, &delivery);
    let read = match read(vendor, request) {
        Ok(read) => read,
        Err(err) => {
            pipeline::fail(store, entry, err.to_string(), Vec::new()).await?;
            return Err(err.into());
        }
    };
    if let Delivery::Notice { external_id } = &read {
        entry.external_id = Some(external_id.clone());
    }
    let reading = super::reading(vendor, read, &connector.field_aliases);
    Ok(pipeline::settle(store, &connector, reading, entry, Settles::Nothing).await?)
}

/// LinkedIn's answer to its endpoint validation.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Challenge {
    pub challenge_code: String,
    pub challenge_response: String,
}

/// `GET /webhooks/linkedin/{connector_id}?challengeCode=…`: LinkedIn checks that the URL
/// is its app's before it sends anything, and every two hours after. Only a code shaped
/// as LinkedIn's (a UUID) is answered: the answer is an HMAC with the same secret as
/// `X-LI-Signature`, so any other text could be made into a forged signature's body.
pub async fn challenge(
    store: &Store,
    vendor_key: &str,
    connector_id: &ConnectorId,
    code: Option<&str>,
) -> Result<Challenge, VendorRefusal> {
    let vendor = Vendor::from_key(vendor_key)
        .filter(|vendor| *vendor == Vendor::Linkedin)
        .ok_or_else(|| VendorRefusal::UnknownVendor(vendor_key.to_owned()))?;
    let connector = connector(store, vendor, connector_id).await?;
    let code =
        code.map(str::trim)
            .filter(|code| is_uuid(code))
            .ok_or(VendorRefusal::BadChallenge(
                "challengeCode must be the UUID LinkedIn sends",
            ))?;
    let secret = connector.settings.signing_secret.as_ref();
    let secret = secret.ok_or(SignatureError::Unconfigured)?;
    Ok(Challenge {
        challenge_code: code.to_owned(),
        challenge_response: super::linkedin_challenge_response(secret.expose(), code),
    })
}

/// The connector `connector_id` of `vendor`; another vendor's is as unknown as none.
async fn connector(
    store: &Store,
    vendor: Vendor,
    connector_id: &ConnectorId,
) -> Result<Connector, VendorRefusal> {
    store
        .connector_by_route(RouteKind::VendorConnector, connector_id)
        .await?
        .filter(|connector| connector.provider == Provider::Vendor(vendor))
        .ok_or(VendorRefusal::UnknownConnector(vendor))
}

/// The body for the import log, without the connector's secret (Jotform echoes its
/// webhook URL, `?secret=` included, in every body).
fn redacted(body: &[u8], secret: &str) -> String {
    let text = String::from_utf8_lossy(body).into_owned();
    if secret.is_empty() {
        return text;
    }
    let encoded: String = form_urlencoded::byte_serialize(secret.as_bytes()).collect();
    [secret.to_owned(), encoded.replace('+', "%20"), encoded]
        .iter()
        .fold(text, |text, form| text.replace(form.as_str(), "[redacted]"))
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_uuid_challenges_are_answered() {
        assert!(super::is_uuid("890e4665-4dfe-4ab1-b689-ed553bceeed1"));
        assert!(!super::is_uuid("hmacsha256={\"type\":\"LEAD_ACTION\"}"));
        assert!(!super::is_uuid("890e4665-4dfe-4ab1-b689-ed553bceeed"));
    }

    #[test]
    fn the_logged_body_never_carries_the_secret() {
        let body = b"url=https://x.io/h?secret=s%203cret%20x&s2=s+3cret+x&s3=s 3cret x";
        let logged = super::redacted(body, "s 3cret x");
        assert!(!logged.contains("3cret"), "{logged}");
        assert_eq!(super::redacted(b"{}", ""), "{}");
    }
}
