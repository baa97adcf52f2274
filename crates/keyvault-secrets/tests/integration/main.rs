//! The secrets crate's integration tests, one binary: `SecretClient` against the emulator over
//! HTTPS, fault tolerance, what stays secret, where tokens go, and property tests of identifiers.
//!
//! One binary per crate rather than one per file: each test binary links the emulator and the
//! whole HTTP stack, so a binary per file multiplied link time and disk use.

mod distributed_tracing;
mod fault_tolerance;
mod method_options;
mod properties;
mod secret_cache;
mod secret_client;
mod secrets_stay_secret;
mod tokens_stay_home;
