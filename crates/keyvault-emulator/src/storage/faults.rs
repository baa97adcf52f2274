//! The faults queued for the next vault requests. What each does is in `server::faults`.

use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::Duration;

/// Queue of pending faults, consumed one use at a time.
#[derive(Debug, Default)]
pub(crate) struct FaultQueue {
    pub(crate) pending: Mutex<VecDeque<(Fault, u32)>>,
}

/// A fault applied to a vault request (never to the token or control endpoints).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// Answer with this status without processing the request: 429 or 503 with a `Retry-After`
    /// header, any other error status without one unless `retry_after` is non-zero.
    Status {
        /// The HTTP status: 429, 503, or another error status (403 for a missing permission...).
        status: u16,
        /// The value of the `Retry-After` header (whole seconds, rounded up).
        retry_after: Duration,
    },
    /// Wait this long, then process the request normally.
    Delay(Duration),
    /// Close the connection without answering.
    DropConnection,
    /// Process the request, then close the connection without answering: the client cannot
    /// tell whether the request was applied.
    LoseResponse,
}
