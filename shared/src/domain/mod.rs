//! The domain: what a lead is, where it came from, and the values that must be valid
//! before anything is stored.

mod bulk;
mod candidate;
mod certificate;
mod connector;
mod contact;
mod followup;
mod form;
mod forwarding;
mod ids;
mod import;
mod lead;
mod review;
mod rules;
mod signing_secret;
mod state;
mod vendor;
mod workspace;

pub use bulk::{BulkCounts, BulkImport, BulkStatus, FailedRow};
pub use candidate::{FieldError, LeadCandidate, ValidLead};
pub use certificate::{JornayaLeadId, TrustedFormCert};
pub use connector::{
    random_token, Connector, ConnectorStatus, NeedsReconnect, Provider, ProviderSettings, Transport,
};
pub use contact::{Email, PhoneE164, Zip};
pub use followup::{FollowUp, FollowUpKind, FollowUpStatus, FollowUpTemplates, WorkspaceSettings};
pub use followup::{DEFAULT_ACKNOWLEDGEMENTS_PER_HOUR, DEFAULT_RETENTION_DAYS};
pub use form::{FormThrottle, DEFAULT_HONEYPOT_FIELD};
pub use forwarding::{
    Attempt, DeliveryStatus, Destination, DestinationSecret, DestinationStatus, LeadDelivery,
};
pub use ids::{
    new_id, BulkImportId, ClientId, ConnectorId, DeliveryId, DestinationId, ImportId, LeadId,
    ReviewId, WorkspaceId,
};
pub use import::{ImportRecord, ImportStatus, Receipt, RequestOrigin};
pub use lead::{name_key, Client, Lead};
pub use review::{ReviewItem, ReviewStatus};
pub use rules::{CertificateKind, OutsideRules, SourceRules};
pub use signing_secret::SigningSecret;
pub use state::{state_code, STATES as US_STATES};
pub use vendor::Vendor;
pub use workspace::{email_slug, ApiKey, Scope, Workspace};
