//! The emulator's integration tests, one binary: each REST surface over raw HTTPS, its
//! authentication, fault injection and control endpoints, the spec examples, and property tests of
//! request handling.
//!
//! One binary per crate rather than one per file: each test binary links the emulator and the
//! whole HTTP stack, so a binary per file multiplied link time and disk use.

mod access_policies;
mod admin;
mod arm;
mod auth;
mod certificates;
mod certificates_js_sdk;
mod certificates_spec_examples;
mod common;
mod control;
mod fixtures;
mod keys;
mod keys_spec_examples;
mod layers;
mod persistence;
mod properties;
mod secrets;
mod security_domain;
mod soft_delete;
mod spec_examples;
