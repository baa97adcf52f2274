//! The administration crate's integration tests, one binary: every client (access control,
//! backup, settings, EKM, security domain) against the emulator's Managed HSM over HTTPS.
//!
//! One binary per crate rather than one per file: each test binary links the emulator and the
//! whole HTTP stack, so a binary per file multiplied link time and disk use.

mod administration;
mod method_options;
mod security_domain;
