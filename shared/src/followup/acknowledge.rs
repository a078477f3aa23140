//! The acknowledgement to a lead: once per contact in the safety lock's window, at most
//! the workspace's hourly cap, and through [`compose::acknowledgement`], which leaves out
//! any link the lead typed.

use super::{compose, Attempt, Context, FollowUps};
use crate::domain::{FollowUpKind, FollowUpStatus, Lead, WorkspaceId};
use crate::store::StoreError;

/// The throttle scope counting a workspace's acknowledgements per hour.
const ACKNOWLEDGEMENT_SCOPE: &str = "acknowledgements";

impl FollowUps {
    pub(super) async fn acknowledge(&self, lead: &Lead, context: &Context) -> Attempt {
        let kind = FollowUpKind::Acknowledgement;
        let Some(email) = &lead.customer_email else {
            return Ok(self.skipped(kind, None, "the lead has no email address"));
        };
        let mut contacts = vec![("email", email.as_ref())];
        if let Some(phone) = &lead.customer_phone {
            contacts.push(("phone", phone.as_ref()));
        }
        let minutes = context.settings.safety_lock_minutes;
        let now = self.store.clock().epoch();
        let until = now + i64::from(minutes) * 60;
        let (ws, owner) = (&lead.workspace_id, &lead.id);
        if minutes > 0
            && !self
                .store
                .lock_contacts(ws, &contacts, owner, now, until)
                .await?
        {
            let reason = format!("safety lock: this email or phone got an acknowledgement in the last {minutes} minutes");
            return Ok(self.skipped(kind, Some(email.as_ref()), reason));
        }
        let outcome = match self.within_hourly_cap(ws, context, now).await {
            Ok(true) => {
                let message = compose::acknowledgement(
                    lead,
                    &context.sender,
                    &context.settings,
                    email.as_ref(),
                );
                self.deliver(kind, email.as_ref(), &message).await
            }
            Ok(false) => {
                let cap = context.settings.acknowledgements_per_hour;
                let reason =
                    format!("the workspace's hourly cap of {cap} acknowledgements is reached");
                Ok(self.skipped(kind, Some(email.as_ref()), reason))
            }
            Err(err) => Err(err.into()),
        };
        let nothing_sent = !matches!(&outcome, Ok(e) if e.status == FollowUpStatus::Sent);
        if minutes > 0 && nothing_sent {
            self.store.unlock_contacts(ws, &contacts, owner).await?;
        }
        outcome
    }

    /// Counts one acknowledgement against the workspace's cap for the clock hour of
    /// `now`: `false` once the cap is spent (the count goes on, and is gone by TTL).
    async fn within_hourly_cap(
        &self,
        workspace_id: &WorkspaceId,
        context: &Context,
        now: i64,
    ) -> Result<bool, StoreError> {
        let hour = u64::try_from(now / 3600).unwrap_or_default();
        let sent = self
            .store
            .throttle_hit(ACKNOWLEDGEMENT_SCOPE, workspace_id, hour, (hour + 2) * 3600)
            .await?;
        Ok(sent <= u64::from(context.settings.acknowledgements_per_hour))
    }
}
