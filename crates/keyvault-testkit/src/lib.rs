//! Test support for the Key Vault crates. Not published: the crates name it as a path-only
//! dev-dependency, which `cargo publish` strips.
//!
//! - [`fixtures`]: the REST spec examples and real recorded exchanges kept in the repository's
//!   `eng/testdata/` (see its `README.md` for their provenance), for wire-fidelity tests.
//! - [`emulator`]: the emulator the client crates' integration tests start, and the
//!   [`vault_clients!`](crate::vault_clients) and [`client_options!`](crate::client_options) helpers of their clients.
//! - [`logs`]: the process's `tracing` log captured as text.
//! - [`spans`]: a tracer provider that records the spans it is given, for distributed tracing
//!   tests.

pub mod context;
pub mod emulator;
pub mod fidelity;
pub mod fixtures;
pub mod logs;
pub mod spans;
