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

pub use keyvault_core::{
    ApiVersion, DeletionRecoveryLevel, Error, ListOptions, Page, Pager, Poller, PollerOptions,
    PollerStatus, Result, SecretBytes, SecretString,
};

#[cfg(test)]
mod wire_tests;
