//! Fault injection: the next N vault requests get a throttling status, a delay, a dropped
//! connection or a lost response.

use std::time::Duration;

use crate::errors::ServiceError;
pub use crate::storage::faults::Fault;
pub(crate) use crate::storage::faults::FaultQueue;
use crate::sync::lock;

impl Fault {
    /// The error answered for a [`Fault::Status`].
    pub(crate) fn error(status: u16, retry_after: Duration) -> ServiceError {
        let secs = retry_after.as_secs() + u64::from(retry_after.subsec_nanos() > 0);
        let error = match status {
            429 => ServiceError::new(
                429,
                "Throttled",
                "Request was not processed because too many requests were received. Reason: VaultRequestTypeLimitReached",
            ),
            503 => ServiceError::new(
                503,
                "ServiceUnavailable",
                "The service is temporarily unavailable. Please retry later.",
            ),
            other => ServiceError::new(other, "InjectedFault", "A fault was injected by the emulator."),
        };
        // The service's other errors carry no Retry-After, and clients that honour the header on
        // any status (azure-core does) would retry a 403 that has one until it succeeds.
        if matches!(status, 429 | 503) || !retry_after.is_zero() {
            error.with_header("retry-after", secs.to_string())
        } else {
            error
        }
    }
}

impl FaultQueue {
    pub(crate) fn push(&self, fault: Fault, count: u32) {
        if count > 0 {
            lock(&self.pending).push_back((fault, count));
        }
    }

    /// Takes one use of the next fault, if any.
    pub(crate) fn take(&self) -> Option<Fault> {
        let mut pending = lock(&self.pending);
        let (fault, remaining) = pending.front_mut()?;
        let fault = fault.clone();
        *remaining -= 1;
        if *remaining == 0 {
            pending.pop_front();
        }
        Some(fault)
    }

    pub(crate) fn clear(&self) {
        lock(&self.pending).clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn consumes_in_order() {
        let q = FaultQueue::default();
        q.push(Fault::DropConnection, 1);
        q.push(Fault::Delay(Duration::from_millis(5)), 2);
        assert_eq!(q.take(), Some(Fault::DropConnection));
        assert_eq!(q.take(), Some(Fault::Delay(Duration::from_millis(5))));
        assert_eq!(q.take(), Some(Fault::Delay(Duration::from_millis(5))));
        assert_eq!(q.take(), None);
    }

    #[test]
    fn retry_after_rounds_up() {
        let e = Fault::error(429, Duration::from_millis(1500));
        assert_eq!(
            e.headers,
            vec![("retry-after".to_string(), "2".to_string())]
        );
        assert_eq!(e.code, "Throttled");
    }

    #[test]
    fn retry_after_only_where_the_service_sends_it() {
        assert_eq!(
            Fault::error(503, Duration::ZERO).headers,
            vec![("retry-after".to_string(), "0".to_string())]
        );
        assert!(Fault::error(403, Duration::ZERO).headers.is_empty());
        assert_eq!(
            Fault::error(500, Duration::from_secs(3)).headers,
            vec![("retry-after".to_string(), "3".to_string())]
        );
    }
}
