//! What an import settles in its own transaction and sets going besides its lead.

use crate::store::Settles;

/// What a stored lead sets going besides itself: speed-to-lead (when its connector has
/// it on) and forwarding to the workspace's destinations. A live delivery starts both;
/// a bulk import of past leads neither, unless asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Aftercare {
    pub speed_to_lead: bool,
    pub forward: bool,
}

impl Aftercare {
    pub const LIVE: Aftercare = Aftercare {
        speed_to_lead: true,
        forward: true,
    };
}

/// What an import settles and sets going besides its lead and entry.
#[derive(Debug, Clone)]
pub struct Options {
    /// What the attempt's own transaction settles besides (the request's
    /// `Idempotency-Key`, the inbound email it came from, a held review): an outcome, its
    /// entry and that are written together or not at all.
    pub settles: Settles,
    /// What a stored lead sets going (a bulk import's row may start neither).
    pub aftercare: Aftercare,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            settles: Settles::Nothing,
            aftercare: Aftercare::LIVE,
        }
    }
}

impl Options {
    /// A live attempt that settles `settles` in its own transaction.
    pub fn settling(settles: Settles) -> Self {
        Self {
            settles,
            ..Self::default()
        }
    }

    /// An attempt that settles nothing and sets going only what `aftercare` says.
    pub fn with_aftercare(aftercare: Aftercare) -> Self {
        Self {
            aftercare,
            ..Self::default()
        }
    }
}
