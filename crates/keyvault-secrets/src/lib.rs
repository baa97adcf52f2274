#![doc = include_str!("../README.md")]

mod client;
mod identifier;
mod models;

pub use client::{
    GetSecretOptions, SecretClient, SecretClientOptions, SetSecretOptions,
    UpdateSecretPropertiesOptions,
};
pub use identifier::KeyVaultSecretIdentifier;
pub use models::{DeletedSecret, KeyVaultSecret, SecretContentType, SecretProperties};

/// The `azure_core` this crate is built on: its `ClientOptions`, `Request` (for
/// `send_request`) and credential traits, at the version the clients take.
pub use keyvault_core::azure_core;
pub use keyvault_core::{
    ApiVersion, DeletionRecoveryLevel, Error, ListOptions, Page, Pager, Poller, PollerOptions,
    PollerStatus, Result, SecretBytes, SecretString,
};

#[cfg(test)]
mod wire_tests;
