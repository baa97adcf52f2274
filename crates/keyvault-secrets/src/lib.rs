#![doc = include_str!("../README.md")]
// docs.rs (nightly) labels items behind a cfg with it; `doc_auto_cfg` was merged into
// `doc_cfg` in Rust 1.92.
#![cfg_attr(docsrs, feature(doc_cfg))]

#[cfg(feature = "cache")]
mod cache;
mod client;
#[cfg(feature = "cache")]
mod configuration;
mod identifier;
mod models;

#[cfg(feature = "cache")]
#[cfg_attr(docsrs, doc(cfg(feature = "cache")))]
pub use cache::{CacheClock, CacheError, CacheStats, SecretCache, SecretCacheBuilder};
pub use client::{
    BackupSecretOptions, BeginDeleteSecretOptions, BeginRecoverDeletedSecretOptions,
    GetDeletedSecretOptions, GetSecretOptions, ListDeletedSecretsOptions,
    ListPropertiesOfSecretVersionsOptions, ListPropertiesOfSecretsOptions,
    PurgeDeletedSecretOptions, RestoreSecretBackupOptions, SecretClient, SecretClientOptions,
    SetSecretOptions, UpdateSecretPropertiesOptions,
};
#[cfg(feature = "cache")]
#[cfg_attr(docsrs, doc(cfg(feature = "cache")))]
pub use configuration::{SecretsConfig, SecretsConfigLoader, SecretsConfigWatch};
pub use identifier::KeyVaultSecretIdentifier;
pub use models::{DeletedSecret, KeyVaultSecret, SecretContentType, SecretProperties};

/// The `azure_core` this crate is built on: its `ClientOptions`, `Request` (for
/// `send_request`) and credential traits, at the version the clients take.
pub use keyvault_core::azure_core;
pub use keyvault_core::{
    ApiVersion, DeletionRecoveryLevel, Error, ExposeSecret, Page, Pager, Poller, PollerStatus,
    Result, SecretBytes, SecretString,
};

#[cfg(test)]
mod wire_tests;

// The repository's README is tested with this crate's doctests, since its code uses this crate
// (and the emulator, a dev-dependency). Not part of the package: only rustdoc's test build sees it.
#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
struct RepositoryReadme;
