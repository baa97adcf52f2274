//! The certificates crate's integration tests, one binary: the client against the emulator over
//! HTTPS, what stays secret, and property tests of the import checks.
//!
//! One binary per crate rather than one per file: each test binary links the emulator and the
//! whole HTTP stack, so a binary per file multiplied link time and disk use.

mod certificate_client;
mod certificates_stay_secret;
mod method_options;
mod properties;
