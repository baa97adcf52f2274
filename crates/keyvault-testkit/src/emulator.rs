//! The emulator and its clients, as the client crates' integration tests start from them:
//! [`emulator`] (or [`start`] with options of your own), and
//! [`vault_clients!`](crate::vault_clients) and [`client_options!`](crate::client_options),
//! which write a test module's `options`, `vault` and `hsm` helpers for a client type (macros,
//! so that this crate does not depend on the client crates that use them).

pub use keyvault_emulator::{Emulator, EmulatorOptions};

/// An emulator with the default options: `127.0.0.1`, an ephemeral port.
pub async fn emulator() -> Emulator {
    start(EmulatorOptions::default()).await
}

/// An emulator with `options`; panics when it does not start.
pub async fn start(options: EmulatorOptions) -> Emulator {
    Emulator::start(options).await.expect("emulator starts")
}

/// Writes `fn options(emulator, api_version) -> $options` in the calling module: the client
/// options of that API version on the emulator's transport (which trusts its CA and resolves
/// every host name to it). `$options` is a client options type with the usual `api_version` and
/// `client_options` fields. A visibility before the type (`pub(crate) Options`) is the
/// function's, for sibling test modules.
///
/// ```ignore
/// keyvault_testkit::client_options!(AdministrationClientOptions, ApiVersion);
/// ```
#[macro_export]
macro_rules! client_options {
    ($vis:vis $options:ident, $api_version:ty) => {
        /// The client options of `api_version` on the emulator's transport.
        #[allow(dead_code)]
        $vis fn options(
            emulator: &$crate::emulator::Emulator,
            api_version: $api_version,
        ) -> $options {
            $options {
                api_version: Some(api_version),
                client_options: emulator.client_options(),
                ..Default::default()
            }
        }
    };
}

/// Writes [`client_options!`](crate::client_options)'s `options`, and `fn vault(emulator, name) -> $client` and
/// `fn hsm(emulator, name) -> $client` in the calling module: a client of the emulator's vault
/// or Managed HSM `name` at the default API version, with the emulator's credential.
///
/// ```ignore
/// keyvault_testkit::vault_clients!(KeyClient, KeyClientOptions, ApiVersion);
/// ```
#[macro_export]
macro_rules! vault_clients {
    ($vis:vis $client:ty, $options:ident, $api_version:ty) => {
        $crate::client_options!($vis $options, $api_version);

        /// A client of the emulator's vault `name`.
        #[allow(dead_code)]
        $vis fn vault(emulator: &$crate::emulator::Emulator, name: &str) -> $client {
            <$client>::new(
                &emulator.vault_url(name),
                emulator.credential(),
                Some(options(emulator, <$api_version>::default())),
            )
            .expect("client")
        }

        /// A client of the emulator's Managed HSM `name`.
        #[allow(dead_code)]
        $vis fn hsm(emulator: &$crate::emulator::Emulator, name: &str) -> $client {
            <$client>::new(
                &emulator.managed_hsm_url(name),
                emulator.credential(),
                Some(options(emulator, <$api_version>::default())),
            )
            .expect("client")
        }
    };
}
