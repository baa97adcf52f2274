#![doc = include_str!("../README.md")]

mod client;
mod crypto;
mod duration;
mod enums;
mod identifier;
mod models;

pub use client::{
    CreateKeyOptions, GetKeyOptions, ImportKeyOptions, KeyClient, KeyClientOptions,
    ReleaseKeyOptions, UpdateKeyPropertiesOptions,
};
pub use crypto::{
    CryptographyClient, CryptographyClientOptions, DecryptOptions, DecryptResult, EncryptOptions,
    EncryptResult, SignResult, UnwrapResult, VerifyResult, WrapResult,
};
pub use enums::{
    EncryptionAlgorithm, KeyCurveName, KeyExportEncryptionAlgorithm, KeyOperation,
    KeyRotationPolicyAction, KeyType, KeyWrapAlgorithm, SignatureAlgorithm,
};
pub use identifier::KeyVaultKeyIdentifier;
pub use models::{
    DeletedKey, JsonWebKey, KeyAttestation, KeyProperties, KeyReleasePolicy,
    KeyRotationLifetimeAction, KeyRotationPolicy, KeyVaultKey, ReleaseKeyResult,
};

/// The `azure_core` this crate is built on: its `ClientOptions`, `Request` (for
/// `send_request`) and credential traits, at the version the clients take.
pub use keyvault_core::azure_core;
pub use keyvault_core::{
    ApiVersion, DeletionRecoveryLevel, Error, ExposeSecret, ListOptions, Page, Pager, Poller,
    PollerOptions, PollerStatus, Result, SecretBytes,
};

#[cfg(test)]
mod wire_tests;
