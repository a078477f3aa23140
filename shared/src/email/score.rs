//! How far a parse can be trusted, and the reasons that lowered it.

/// Where the lead's email or phone was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContactOrigin {
    /// Under a label such as `Email:` or `Phone`.
    Labelled,
    /// Somewhere in unlabelled text.
    FreeText,
    /// From a mail header, because the body named no one.
    Sender,
    Missing,
}

#[derive(Debug, Clone, Copy)]
pub struct Evidence {
    pub has_name: bool,
    pub contact: ContactOrigin,
    pub several_contacts: bool,
    pub reply_chain: bool,
    pub signature_only: bool,
    pub auto_reply: bool,
}

pub const NO_NAME: &str = "no customer name";
pub const NO_CONTACT: &str = "no contact method";
pub const FREE_TEXT_CONTACT: &str = "contact found in free text";
pub const SENDER_CONTACT: &str = "contact taken from sender";
pub const SEVERAL_CONTACTS: &str = "several different contacts";
pub const REPLY_CHAIN: &str = "reply chain";
pub const SIGNATURE_ONLY: &str = "signature only";
pub const AUTO_REPLY: &str = "auto-reply";

pub fn score(evidence: &Evidence) -> (f64, Vec<String>) {
    let mut confidence: f64 = 1.0;
    let mut ceiling: f64 = 1.0;
    let mut reasons = Vec::new();
    let mut lower = |applies: bool, by: f64, cap: f64, reason: &str| {
        if applies {
            confidence -= by;
            ceiling = ceiling.min(cap);
            reasons.push(reason.to_owned());
        }
    };
    lower(!evidence.has_name, 0.35, 0.6, NO_NAME);
    match evidence.contact {
        ContactOrigin::Labelled => {}
        ContactOrigin::FreeText => lower(true, 0.25, 0.7, FREE_TEXT_CONTACT),
        ContactOrigin::Sender => lower(true, 0.45, 0.45, SENDER_CONTACT),
        ContactOrigin::Missing => lower(true, 0.6, 0.3, NO_CONTACT),
    }
    lower(evidence.several_contacts, 0.3, 0.6, SEVERAL_CONTACTS);
    lower(evidence.reply_chain, 0.2, 0.75, REPLY_CHAIN);
    lower(evidence.signature_only, 0.5, 0.25, SIGNATURE_ONLY);
    lower(evidence.auto_reply, 0.8, 0.1, AUTO_REPLY);
    (confidence.min(ceiling).clamp(0.0, 1.0), reasons)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clean() -> Evidence {
        Evidence {
            has_name: true,
            contact: ContactOrigin::Labelled,
            several_contacts: false,
            reply_chain: false,
            signature_only: false,
            auto_reply: false,
        }
    }

    #[test]
    fn a_clean_labelled_lead_is_fully_trusted() {
        assert_eq!(score(&clean()), (1.0, vec![]));
    }

    #[test]
    fn every_doubt_lowers_confidence_and_says_why() {
        let doubtful = Evidence {
            has_name: false,
            contact: ContactOrigin::Sender,
            auto_reply: true,
            ..clean()
        };
        let (confidence, reasons) = score(&doubtful);
        assert_eq!(confidence, 0.0);
        assert_eq!(reasons, [NO_NAME, SENDER_CONTACT, AUTO_REPLY]);
    }
}
