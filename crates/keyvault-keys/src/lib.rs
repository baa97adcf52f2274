#![doc = include_str!("../README.md")]

mod client;
mod crypto;
mod duration;
mod enums;
mod identifier;
mod models;

pub use client::{
    BackupKeyOptions, BeginDeleteKeyOptions, BeginRecoverDeletedKeyOptions, CreateEcKeyOptions,
    CreateKeyOptions, CreateOctKeyOptions, CreateRsaKeyOptions, GetCryptographyClientOptions,
    GetDeletedKeyOptions, GetKeyAttestationOptions, GetKeyOptions, GetKeyRotationPolicyOptions,
    GetRandomBytesOptions, ImportKeyOptions, KeyClient, KeyClientOptions, ListDeletedKeysOptions,
    ListPropertiesOfKeyVersionsOptions, ListPropertiesOfKeysOptions, PurgeDeletedKeyOptions,
    ReleaseKeyOptions, RestoreKeyBackupOptions, RotateKeyOptions, UpdateKeyPropertiesOptions,
    UpdateKeyRotationPolicyOptions, DEFAULT_API_VERSION,
};
pub use crypto::{
    CryptographyClient, CryptographyClientOptions, DecryptOptions, DecryptResult, EncryptOptions,
    EncryptResult, SignOptions, SignResult, UnwrapKeyOptions, UnwrapResult, VerifyOptions,
    VerifyResult, WrapKeyOptions, WrapResult,
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
    ApiVersion, DeletionRecoveryLevel, Error, ExposeSecret, Page, Pager, Poller, PollerStatus,
    Result, SecretBytes,
};

#[cfg(test)]
mod wire_tests;
