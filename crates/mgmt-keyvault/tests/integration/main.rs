//! The ARM client's integration tests, one binary: vaults, Managed HSM pools, their keys and
//! secrets, private link, and resumed long-running operations against the emulator's ARM provider.
//!
//! One binary per crate rather than one per file: each test binary links the emulator and the
//! whole HTTP stack, so a binary per file multiplied link time and disk use.

mod common;
mod distributed_tracing;
mod keys;
mod managed_hsms;
mod method_options;
mod private_link;
mod resume;
mod secrets;
mod vaults;
