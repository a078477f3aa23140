//! Every key of the one table, and nowhere else: no other code spells a key.

use crate::domain::{BulkImportId, DeliveryId, DestinationId};
use crate::domain::{ClientId, ConnectorId, ImportId, LeadId, ReviewId, WorkspaceId};
use crate::domain::{Email, FollowUpKind, PhoneE164, Provider, Transport};
use aws_sdk_dynamodb::types::AttributeValue;
use std::collections::HashMap;

pub const PK: &str = "pk";
pub const SK: &str = "sk";
pub const GSI1: &str = "gsi1";
pub const GSI1PK: &str = "gsi1pk";
pub const GSI1SK: &str = "gsi1sk";
pub const GSI2PK: &str = "gsi2pk";
pub const GSI2SK: &str = "gsi2sk";
pub const GSI3PK: &str = "gsi3pk";
pub const GSI3SK: &str = "gsi3sk";
pub const EXPIRES_AT: &str = "expires_at";

/// A global secondary index of the table: its name and key attributes.
#[derive(Debug, PartialEq, Eq)]
pub struct Index {
    pub name: &'static str,
    pub pk: &'static str,
    pub sk: &'static str,
}

/// Lists by time: a workspace's leads, a connector's imports.
pub const BY_TIME: Index = Index {
    name: GSI1,
    pk: GSI1PK,
    sk: GSI1SK,
};

/// A client's leads by time: search by email or phone (contact item → client → leads).
pub const BY_CLIENT: Index = Index {
    name: "gsi2",
    pk: GSI2PK,
    sk: GSI2SK,
};

/// A workspace's leads by normalised name: search by the start of a name.
pub const BY_NAME: Index = Index {
    name: "gsi3",
    pk: GSI3PK,
    sk: GSI3SK,
};

/// The primary key of one item.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Key {
    pub pk: String,
    pub sk: String,
}

impl Key {
    fn new(pk: impl Into<String>, sk: impl Into<String>) -> Self {
        Self {
            pk: pk.into(),
            sk: sk.into(),
        }
    }

    /// The key of a stored item.
    pub fn of(item: &HashMap<String, AttributeValue>) -> Self {
        let text = |name: &str| {
            let value = item.get(name).and_then(|value| value.as_s().ok());
            value.cloned().unwrap_or_default()
        };
        Self::new(text(PK), text(SK))
    }

    pub fn to_item(&self) -> HashMap<String, AttributeValue> {
        HashMap::from([
            (PK.to_owned(), AttributeValue::S(self.pk.clone())),
            (SK.to_owned(), AttributeValue::S(self.sk.clone())),
        ])
    }
}

/// What a route item finds a connector by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RouteKind {
    ConnectorKey,
    FormId,
    MetaPage,
    GoogleConnector,
    /// A vendor connector, by its id (the vendor door's `{connector_id}`).
    VendorConnector,
}

impl RouteKind {
    fn tag(self) -> &'static str {
        match self {
            RouteKind::ConnectorKey => "CONNECTOR_KEY",
            RouteKind::FormId => "FORM",
            RouteKind::MetaPage => "META_PAGE",
            RouteKind::GoogleConnector => "GOOGLE",
            RouteKind::VendorConnector => "VENDOR",
        }
    }
}

fn ws(workspace_id: &str) -> String {
    format!("WS#{workspace_id}")
}

pub fn workspace(workspace_id: &WorkspaceId) -> Key {
    Key::new(ws(workspace_id), "WORKSPACE")
}

pub fn email_slug(slug: &str) -> Key {
    Key::new(format!("SLUG#{slug}"), "SLUG")
}

pub fn api_key(key_hash: &str) -> Key {
    Key::new(format!("APIKEY#{key_hash}"), "APIKEY")
}

pub fn connector(workspace_id: &WorkspaceId, connector_id: &ConnectorId) -> Key {
    Key::new(
        ws(workspace_id),
        format!("{CONNECTOR_PREFIX}{connector_id}"),
    )
}

/// A connector's delivery counts: one item beside the connector's, written by the
/// stream's counter (never by an intake), read with the connector.
pub fn connector_counts(workspace_id: &WorkspaceId, connector_id: &ConnectorId) -> Key {
    Key::new(ws(workspace_id), format!("COUNTS#{connector_id}"))
}

/// The sort-key prefix of a workspace's connectors.
pub const CONNECTOR_PREFIX: &str = "CONNECTOR#";

/// A workspace's pointer to one of its API keys (by id), which holds the key's hash.
pub fn api_key_ref(workspace_id: &WorkspaceId, key_id: &str) -> Key {
    Key::new(ws(workspace_id), format!("{API_KEY_REF_PREFIX}{key_id}"))
}

/// The sort-key prefix of a workspace's API key pointers.
pub const API_KEY_REF_PREFIX: &str = "APIKEYREF#";

/// The [`BY_TIME`] partition listing every routed Meta page of the deployment (their
/// route items, by page id): the pages whose tokens the daily health check reads.
pub const META_PAGES_INDEX: &str = "ROUTES#META_PAGE";

pub fn route(kind: RouteKind, value: &str) -> Key {
    Key::new(format!("ROUTE#{}#{value}", kind.tag()), "ROUTE")
}

pub fn active_slot(workspace_id: &WorkspaceId, provider: Provider, transport: Transport) -> Key {
    Key::new(ws(workspace_id), format!("ACTIVE#{provider}#{transport}"))
}

pub fn client(workspace_id: &WorkspaceId, client_id: &ClientId) -> Key {
    Key::new(ws(workspace_id), format!("CLIENT#{client_id}"))
}

pub fn contact_email(workspace_id: &WorkspaceId, email: &Email) -> Key {
    Key::new(ws(workspace_id), format!("CONTACT#EMAIL#{email}"))
}

pub fn contact_phone(workspace_id: &WorkspaceId, phone: &PhoneE164) -> Key {
    Key::new(ws(workspace_id), format!("CONTACT#PHONE#{phone}"))
}

pub fn lead(workspace_id: &WorkspaceId, lead_id: &LeadId) -> Key {
    Key::new(ws(workspace_id), format!("{LEAD_PREFIX}{lead_id}"))
}

/// The index partition listing a workspace's leads by creation time.
pub fn leads_index(workspace_id: &WorkspaceId) -> String {
    format!("{}#LEADS", ws(workspace_id))
}

/// The [`BY_CLIENT`] partition of one client's leads.
pub fn client_leads_index(workspace_id: &WorkspaceId, client_id: &ClientId) -> String {
    format!("{}#CLIENT#{client_id}", ws(workspace_id))
}

/// The [`BY_NAME`] partition of a workspace's leads.
pub fn lead_names_index(workspace_id: &WorkspaceId) -> String {
    format!("{}#NAMES", ws(workspace_id))
}

/// A lead's sort key in the time-ordered indexes: `{created_at}#{id}`, so that a
/// range of creation times is a range of keys.
pub fn lead_by_time(created_at: &str, lead_id: &LeadId) -> String {
    format!("{created_at}#{lead_id}")
}

/// A lead's sort key in [`BY_NAME`]: its name key first, so a name prefix is a key prefix.
pub fn lead_by_name(name_key: &str, created_at: &str, lead_id: &LeadId) -> String {
    format!("{name_key}#{created_at}#{lead_id}")
}

/// An external id longer than this is keyed by its SHA-256: a sort key holds 1 KiB.
const LONGEST_KEYED_ID: usize = 512;

/// The external-id guard of a lead. The ids of a trusted door (an API key, a signed
/// webhook) are the provider's own; on a public door (a website form, a forwarded email)
/// anyone can send any id, so there the guard is also the lead's contact's: the same id
/// with another email or phone is another lead, and nobody can spend tomorrow's ids.
pub fn external_id(
    workspace_id: &WorkspaceId,
    provider: Provider,
    external_id: &str,
    email: Option<&Email>,
    phone: Option<&PhoneE164>,
) -> Key {
    use sha2::{Digest, Sha256};
    let id = if external_id.len() > LONGEST_KEYED_ID {
        format!("sha256:{}", hex::encode(Sha256::digest(external_id)))
    } else {
        external_id.to_owned()
    };
    let sk = match provider.transport() {
        Transport::PublicForm | Transport::EmailInbound => {
            let contact = format!(
                "{}|{}",
                email.map_or("", |e| e.as_ref()),
                phone.map_or("", |p| p.as_ref())
            );
            let print = hex::encode(&Sha256::digest(contact)[..16]);
            format!("EXT#{provider}#{print}#{id}")
        }
        Transport::Api | Transport::Webhook => format!("EXT#{provider}#{id}"),
    };
    Key::new(ws(workspace_id), sk)
}

pub fn idempotency(workspace_id: &WorkspaceId, idempotency_key: &str) -> Key {
    Key::new(ws(workspace_id), format!("IDEM#{idempotency_key}"))
}

pub fn import(workspace_id: &WorkspaceId, import_id: &ImportId) -> Key {
    Key::new(ws(workspace_id), format!("{IMPORT_PREFIX}{import_id}"))
}

/// The sort-key prefix of a workspace's import log.
pub const IMPORT_PREFIX: &str = "IMPORT#";

/// The index partition listing one connector's imports by time.
pub fn connector_imports_index(workspace_id: &WorkspaceId, connector_id: &ConnectorId) -> String {
    format!("{}#CONNECTOR#{connector_id}", ws(workspace_id))
}

pub fn review(workspace_id: &WorkspaceId, review_id: &ReviewId) -> Key {
    Key::new(ws(workspace_id), format!("{REVIEW_PREFIX}{review_id}"))
}

/// The raw payload of one import-log entry: an item of its own, so that it can expire
/// (TTL) while the entry stays.
pub fn import_payload(workspace_id: &WorkspaceId, import_id: &ImportId) -> Key {
    Key::new(ws(workspace_id), format!("PAYLOAD#{import_id}"))
}

/// The sort-key prefix of a workspace's review items (lists and stream filters).
pub const REVIEW_PREFIX: &str = "REVIEW#";

pub fn territory(workspace_id: &WorkspaceId, zip: &str) -> Key {
    Key::new(ws(workspace_id), format!("{TERRITORY_PREFIX}{zip}"))
}

/// The sort-key prefix of a workspace's territories.
pub const TERRITORY_PREFIX: &str = "TERRITORY#";

pub fn throttle(scope: &str, value: &str, window: u64) -> Key {
    Key::new(format!("THROTTLE#{scope}#{value}#{window}"), "THROTTLE")
}

/// A connector's lead count of one UTC day (`2026-01-05`), for its daily cap.
pub fn daily_cap(workspace_id: &WorkspaceId, connector_id: &ConnectorId, day: &str) -> Key {
    Key::new(ws(workspace_id), format!("CAP#{connector_id}#{day}"))
}

/// A Meta login `state` that has been used: its nonce, kept until the state would have
/// expired anyway (TTL), so that each state opens one callback.
pub fn oauth_state(nonce: &str) -> Key {
    Key::new(format!("OAUTHSTATE#{nonce}"), "OAUTHSTATE")
}

pub fn inbound_email(message_id: &str) -> Key {
    Key::new(format!("EMAIL#{message_id}"), "EMAIL")
}

/// The partition key of a workspace's own items, for `Query`.
pub fn workspace_partition(workspace_id: &WorkspaceId) -> String {
    ws(workspace_id)
}

/// The sort-key prefix of lead items, as stream filters see it.
pub const LEAD_PREFIX: &str = "LEAD#";

/// The once-only claim of one follow-up of one lead.
pub fn followup(workspace_id: &WorkspaceId, lead_id: &LeadId, kind: FollowUpKind) -> Key {
    Key::new(
        ws(workspace_id),
        format!("FOLLOWUP#{lead_id}#{}", kind.key()),
    )
}

/// The safety lock on messaging one contact (`email` or `phone`), keyed by a hash so
/// the contact itself is not in a key.
pub fn followup_lock(workspace_id: &WorkspaceId, contact_kind: &str, value: &str) -> Key {
    use sha2::{Digest, Sha256};
    let hash = hex::encode(Sha256::digest(format!("{contact_kind}:{value}")));
    Key::new(ws(workspace_id), format!("FOLLOWUP_LOCK#{hash}"))
}

/// The claim of the one review digest a workspace sends in a time window.
pub fn review_digest(workspace_id: &WorkspaceId, window: i64) -> Key {
    Key::new(ws(workspace_id), format!("FOLLOWUP_DIGEST#{window}"))
}

pub fn destination(workspace_id: &WorkspaceId, destination_id: &DestinationId) -> Key {
    Key::new(
        ws(workspace_id),
        format!("{DESTINATION_PREFIX}{destination_id}"),
    )
}

/// The sort-key prefix of a workspace's destinations.
pub const DESTINATION_PREFIX: &str = "DEST#";

pub fn delivery(workspace_id: &WorkspaceId, delivery_id: &DeliveryId) -> Key {
    Key::new(ws(workspace_id), format!("{DELIVERY_PREFIX}{delivery_id}"))
}

/// The sort-key prefix of deliveries, as stream filters see it.
pub const DELIVERY_PREFIX: &str = "DELIVERY#";

/// The index partition listing one destination's deliveries, newest lead first.
pub fn destination_deliveries_index(
    workspace_id: &WorkspaceId,
    destination_id: &DestinationId,
) -> String {
    format!("{}#DEST#{destination_id}", ws(workspace_id))
}

pub fn bulk_import(workspace_id: &WorkspaceId, bulk_import_id: &BulkImportId) -> Key {
    Key::new(ws(workspace_id), format!("BULK#{bulk_import_id}"))
}

/// One failed row of a bulk import, in file order.
pub fn bulk_failure(workspace_id: &WorkspaceId, bulk_import_id: &BulkImportId, row: u64) -> Key {
    Key::new(
        ws(workspace_id),
        format!("{}{row:012}", bulk_failures_prefix(bulk_import_id)),
    )
}

/// The sort-key prefix of a bulk import's failed rows.
pub fn bulk_failures_prefix(bulk_import_id: &BulkImportId) -> String {
    format!("BULKFAIL#{bulk_import_id}#")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_external_id_still_fits_a_sort_key() {
        let ws = WorkspaceId::from("w");
        let long = "x".repeat(5000);
        let key = external_id(&ws, Provider::Api, &long, None, None);
        assert!(key.sk.len() < 100, "{}", key.sk);
        assert_eq!(key, external_id(&ws, Provider::Api, &long, None, None));
        assert_eq!(
            external_id(&ws, Provider::Api, "e-1", None, None).sk,
            "EXT#api#e-1"
        );
    }
}
