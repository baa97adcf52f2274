//! The emulator clock: real time plus an offset that tests can advance.

use std::sync::Mutex;
use std::time::Duration;

use time::OffsetDateTime;

use crate::sync::lock;

/// A clock that follows real time, shifted forward by everything passed to [`Clock::advance`].
#[derive(Debug, Default)]
pub(crate) struct Clock {
    offset: Mutex<Duration>,
}

impl Clock {
    /// The current emulator time.
    pub(crate) fn now(&self) -> OffsetDateTime {
        OffsetDateTime::now_utc() + *lock(&self.offset)
    }

    /// The current emulator time as Unix seconds.
    pub(crate) fn unix(&self) -> i64 {
        self.now().unix_timestamp()
    }

    /// How far the clock is ahead of real time.
    pub(crate) fn offset(&self) -> Duration {
        *lock(&self.offset)
    }

    /// Puts the clock `offset` ahead of real time (a restart with `--state-dir`).
    pub(crate) fn set_offset(&self, offset: Duration) {
        *lock(&self.offset) = offset;
    }

    /// Moves the clock forward.
    pub(crate) fn advance(&self, by: Duration) {
        let mut offset = lock(&self.offset);
        *offset = offset.saturating_add(by);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn advance_moves_forward() {
        let clock = Clock::default();
        let before = clock.now();
        clock.advance(Duration::from_secs(3600));
        let after = clock.now();
        assert!(after - before >= time::Duration::seconds(3600));
    }
}
