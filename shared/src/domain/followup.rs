//! Automations: the workspace's follow-up settings and the timeline of what was sent.

use serde::{Deserialize, Serialize};

/// The hourly acknowledgement cap of a workspace that set none.
pub const DEFAULT_ACKNOWLEDGEMENTS_PER_HOUR: u32 = 50;

/// How many days a workspace that set none keeps attempts that made no lead.
pub const DEFAULT_RETENTION_DAYS: u32 = 90;

/// How a workspace follows up on its leads. Every field has a sensible default, so a
/// workspace stored before these settings existed reads as the defaults.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct WorkspaceSettings {
    /// The From address of follow-ups; the deployment's sender when unset. It must
    /// belong to the SES identity the function may send as.
    pub sender_address: Option<String>,
    /// The display name on follow-ups; the workspace name when unset.
    pub sender_name: Option<String>,
    /// Where lead notifications go when the lead has no assigned rep.
    pub notification_address: Option<String>,
    /// Whether a new lead with an email gets a short acknowledgement.
    pub acknowledge_leads: bool,
    /// Safety lock: an acknowledgement to an email or phone that got one within this
    /// many minutes is skipped.
    pub safety_lock_minutes: u32,
    /// At most this many acknowledgements leave the workspace in one clock hour; the
    /// rest are skipped, so a flood of forms with strangers' addresses cannot turn the
    /// business's sender into a spam cannon.
    pub acknowledgements_per_hour: u32,
    /// How long the import log keeps an attempt that made no lead (failed, ignored,
    /// replayed), in days; DynamoDB's TTL removes it then. Leads and clients stay.
    pub retention_days: u32,
    /// Who hears about emails waiting for review; the notification address when empty.
    pub reviewer_addresses: Vec<String>,
    pub templates: FollowUpTemplates,
}

impl Default for WorkspaceSettings {
    fn default() -> Self {
        Self {
            sender_address: None,
            sender_name: None,
            notification_address: None,
            acknowledge_leads: false,
            safety_lock_minutes: 5,
            acknowledgements_per_hour: DEFAULT_ACKNOWLEDGEMENTS_PER_HOUR,
            retention_days: DEFAULT_RETENTION_DAYS,
            reviewer_addresses: Vec::new(),
            templates: FollowUpTemplates::default(),
        }
    }
}

/// Wording a workspace may change. Placeholders: `{name}`, `{service}`, `{source}`,
/// `{workspace}`. Unset fields use the built-in wording.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct FollowUpTemplates {
    pub notification_subject: Option<String>,
    pub acknowledgement_subject: Option<String>,
    /// Plain text; the HTML part is made from it.
    pub acknowledgement_body: Option<String>,
}

/// Which follow-up of a lead: each is sent at most once.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FollowUpKind {
    /// To the assigned rep (or the workspace's notification address).
    Notification,
    /// To the lead.
    Acknowledgement,
}

impl FollowUpKind {
    pub fn key(self) -> &'static str {
        match self {
            FollowUpKind::Notification => "notification",
            FollowUpKind::Acknowledgement => "acknowledgement",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FollowUpStatus {
    Sent,
    Skipped,
    Failed,
}

impl FollowUpStatus {
    pub fn key(self) -> &'static str {
        match self {
            FollowUpStatus::Sent => "sent",
            FollowUpStatus::Skipped => "skipped",
            FollowUpStatus::Failed => "failed",
        }
    }
}

/// One line of a lead's follow-up timeline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FollowUp {
    pub kind: FollowUpKind,
    pub status: FollowUpStatus,
    /// The recipient, when there was one.
    #[serde(default)]
    pub to: Option<String>,
    #[serde(default)]
    pub subject: Option<String>,
    /// Why it was skipped or failed, in words a person can act on.
    #[serde(default)]
    pub reason: Option<String>,
    /// SES's message id of a sent mail.
    #[serde(default)]
    pub message_id: Option<String>,
    pub at: String,
}
