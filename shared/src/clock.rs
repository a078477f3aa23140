//! The one clock: every timestamp, lock and window reads it, so a test can set the
//! time instead of waiting for it.

use chrono::{DateTime, SecondsFormat, Utc};
use std::sync::{Arc, Mutex, PoisonError};

/// The system clock, or one a test holds still and moves by hand. Cheap to clone;
/// clones of a set clock share its time.
#[derive(Debug, Clone, Default)]
pub struct Clock {
    set: Option<Arc<Mutex<DateTime<Utc>>>>,
}

impl Clock {
    /// The time as the machine tells it.
    pub fn system() -> Self {
        Self::default()
    }

    /// A clock that stands at `at` until it is moved.
    pub fn at(at: DateTime<Utc>) -> Self {
        Self {
            set: Some(Arc::new(Mutex::new(at))),
        }
    }

    /// Moves a set clock by `by` (a system clock ignores it).
    pub fn advance(&self, by: chrono::Duration) {
        if let Some(set) = &self.set {
            let mut now = set.lock().unwrap_or_else(PoisonError::into_inner);
            *now += by;
        }
    }

    pub fn now(&self) -> DateTime<Utc> {
        match &self.set {
            Some(set) => *set.lock().unwrap_or_else(PoisonError::into_inner),
            None => Utc::now(),
        }
    }

    /// Seconds since the epoch (TTLs, locks, windows).
    pub fn epoch(&self) -> i64 {
        self.now().timestamp()
    }

    /// A new ULID whose time part is this clock's now: ids sort as their times do.
    pub fn ulid(&self) -> String {
        ulid::Ulid::from_datetime(self.now().into()).to_string()
    }

    /// RFC 3339 with milliseconds in UTC, as every stored timestamp is written.
    pub fn stamp(&self) -> String {
        stamp(self.now())
    }
}

/// A time as every stored timestamp is written: RFC 3339 with milliseconds in UTC, so
/// that stamps sort as their times do.
pub fn stamp(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// [`stamp`] of a time in seconds since the epoch (one outside chrono's range: the epoch).
pub fn stamp_epoch(epoch: i64) -> String {
    stamp(DateTime::from_timestamp(epoch, 0).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_set_clock_stands_still_until_moved_and_its_clones_follow() {
        let start = DateTime::parse_from_rfc3339("2026-11-29T10:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let clock = Clock::at(start);
        let clone = clock.clone();
        assert_eq!(clock.stamp(), "2026-11-29T10:00:00.000Z");
        clock.advance(chrono::Duration::seconds(90));
        assert_eq!(clone.epoch(), start.timestamp() + 90);
    }
}
