//! The request log: the vault requests the emulator received, which [`crate::Control`] reads.

use serde::{Deserialize, Serialize};

/// One vault request as the emulator received it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordedRequest {
    /// HTTP method.
    pub method: String,
    /// The `Host` (or `:authority`) the request used, with its port.
    pub host: String,
    /// The path as sent, before normalisation.
    pub path: String,
    /// The raw query string, without `?`.
    pub query: String,
    /// Whether an `Authorization` header was present.
    pub has_authorization: bool,
    /// The W3C `traceparent` header, when the client propagated a trace.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub traceparent: Option<String>,
    /// Length of the request body in bytes.
    pub body_len: usize,
    /// The status answered; 0 when the connection was dropped by an injected fault.
    pub status: u16,
}
