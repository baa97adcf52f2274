//! The secrets crate's integration tests, one binary: `SecretClient` against the emulator over
//! HTTPS, fault tolerance, the secret cache and the configuration providers, what stays secret, where tokens go, and property tests of identifiers.
//!
//! One binary per crate rather than one per file: each test binary links the emulator and the
//! whole HTTP stack, so a binary per file multiplied link time and disk use.

#[cfg(feature = "cache")]
mod config_providers;
mod distributed_tracing;
mod fault_tolerance;
mod method_options;
mod properties;
#[cfg(feature = "cache")]
mod secret_cache;
mod secret_client;
mod secrets_stay_secret;
mod tokens_stay_home;
