#![doc = include_str!("../README.md")]
// docs.rs (nightly) labels items behind a cfg with it; `doc_auto_cfg` was merged into
// `doc_cfg` in Rust 1.92.
#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod api_version;
pub mod async_operation;
pub mod attributes;
pub mod auth;
pub mod challenge;
pub mod error;
pub mod identifier;
pub mod lifecycle;
mod macros;
pub mod paging;
pub mod pipeline;
pub mod polling;
pub mod repeat_guard;
pub mod secret;
pub mod serde;
pub mod transport;
pub mod validation;

#[cfg(test)]
mod test_support;

pub use api_version::ApiVersion;
pub use attributes::{Attributes, DeletionRecoveryLevel};
pub use error::{Error, Result};
pub use identifier::{IdentifierParts, KeyVaultIdentifier};
pub use paging::{ListOptions, Page, PageStream, Pager};
pub use pipeline::{ClientOptions, KeyVaultPipeline};
pub use polling::{Poller, PollerOptions, PollerStatus};
pub use secret::{ExposeSecret, SecretBytes, SecretString};

/// Re-exported for the secret types' conversions ([`SecretString`] into `secrecy::SecretString`).
pub use secrecy;

/// Re-exported so that users need not depend on `azure_core` for credentials and options.
pub use azure_core;

#[doc(hidden)]
pub mod __private {
    pub use serde;
}
