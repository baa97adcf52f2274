//! The keys crate's integration tests, one binary: `KeyClient` and `CryptographyClient` against the
//! emulator over HTTPS, what stays secret, and property tests of JSON Web Key handling.
//!
//! One binary per crate rather than one per file: each test binary links the emulator and the
//! whole HTTP stack, so a binary per file multiplied link time and disk use.

mod cryptography_client;
mod key_client;
mod keys_stay_secret;
mod method_options;
mod properties;
mod remote_only;
