//! Follow-ups: the once-only claim of each follow-up of a lead (here), its entry on the
//! lead's timeline (`timeline.rs`), the safety locks on contacts (`locks.rs`), the review
//! digest (`digest.rs`) and what the table's stream asks for (`stream.rs`).

mod digest;
mod locks;
mod stream;
mod timeline;

pub use digest::DigestRecord;
pub use stream::{change, Change, PendingReview};

use super::claim::{ClaimItem, ClaimKind, Hold};
use super::keys;
use super::{attribute, s, Item, Store, StoreError};
use crate::domain::{FollowUp, FollowUpKind};
use crate::domain::{LeadId, WorkspaceId};
use serde::Deserialize;

/// What the once-only claim of a follow-up found.
#[derive(Debug, Clone, PartialEq)]
pub enum Claim {
    /// This delivery holds the follow-up now: send it, then settle or release.
    Claimed,
    /// Settled and on the lead's timeline already.
    Done,
    /// Settled, but its timeline entry was not written yet.
    Unrecorded(FollowUp),
    /// Claimed by an attempt that stopped before settling it (a timeout, or one still
    /// running): it may have sent, so it is not sent again.
    InDoubt,
}

#[derive(Deserialize)]
struct ClaimRecord {
    #[serde(default)]
    entry: Option<FollowUp>,
    #[serde(default)]
    recorded: bool,
}

/// A follow-up's once-only claim: held while it is sent, and never taken over (a send
/// that stopped halfway may have gone out).
const FOLLOWUP: ClaimKind = ClaimKind {
    entity: "followup",
    state: "status",
    held: "sending",
};

impl Store {
    fn followup_claim(
        &self,
        workspace_id: &WorkspaceId,
        lead_id: &LeadId,
        kind: FollowUpKind,
    ) -> ClaimItem<'_> {
        self.claim(&FOLLOWUP, keys::followup(workspace_id, lead_id, kind))
    }

    /// Claims one follow-up of a lead with a conditional put.
    pub async fn claim_followup(
        &self,
        workspace_id: &WorkspaceId,
        lead_id: &LeadId,
        kind: FollowUpKind,
        now: &str,
    ) -> Result<Claim, StoreError> {
        let claim = self.followup_claim(workspace_id, lead_id, kind);
        let attributes = Item::from([
            ("lead_id".to_owned(), s(lead_id)),
            ("kind".to_owned(), s(kind.key())),
            ("claimed_at".to_owned(), s(now)),
        ]);
        if claim.take(Hold::Forever, attributes).await? {
            return Ok(Claim::Claimed);
        }
        Ok(match claim.read::<ClaimRecord>().await? {
            None => Claim::InDoubt,
            Some(ClaimRecord {
                entry: Some(entry),
                recorded: false,
            }) => Claim::Unrecorded(entry),
            Some(ClaimRecord { entry: Some(_), .. }) => Claim::Done,
            Some(ClaimRecord { entry: None, .. }) => Claim::InDoubt,
        })
    }

    /// Gives a claim back after a send that failed in a way a retry may fix.
    pub async fn release_followup(
        &self,
        workspace_id: &WorkspaceId,
        lead_id: &LeadId,
        kind: FollowUpKind,
    ) -> Result<(), StoreError> {
        self.followup_claim(workspace_id, lead_id, kind)
            .release()
            .await
    }

    /// Settles a claim with its outcome, then puts the outcome on the lead's timeline.
    /// The outcome is kept on the claim first, so a retry after a failure in between
    /// records it without sending again.
    pub async fn settle_followup(
        &self,
        workspace_id: &WorkspaceId,
        lead_id: &LeadId,
        entry: &FollowUp,
    ) -> Result<(), StoreError> {
        self.followup_claim(workspace_id, lead_id, entry.kind)
            .settle_held(entry.status.key(), vec![("entry", attribute(entry)?)])
            .await?;
        self.record_followup(workspace_id, lead_id, entry).await
    }
}
