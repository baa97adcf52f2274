#![doc = include_str!("../README.md")]
// docs.rs (nightly) labels items behind a cfg with it; `doc_auto_cfg` was merged into
// `doc_cfg` in Rust 1.92.
#![cfg_attr(docsrs, feature(doc_cfg))]

mod access_control;
mod backup;
mod ekm;
mod models;
mod scope;
mod security_domain;
mod settings;
mod validation;

pub use access_control::{
    AdministrationClientOptions, CreateRoleAssignmentOptions, DeleteRoleAssignmentOptions,
    DeleteRoleDefinitionOptions, GetRoleAssignmentOptions, GetRoleDefinitionOptions,
    KeyVaultAccessControlClient, ListRoleAssignmentsOptions, ListRoleDefinitionsOptions,
    SetRoleDefinitionOptions,
};
pub use backup::{
    BeginBackupOptions, BeginPreBackupOptions, BeginPreRestoreOptions, BeginRestoreOptions,
    KeyVaultBackupClient,
};
pub use ekm::{
    CheckEkmConnectionOptions, CreateEkmConnectionOptions, DeleteEkmConnectionOptions,
    GetEkmCertificateOptions, GetEkmConnectionOptions, KeyVaultEkmClient,
    UpdateEkmConnectionOptions,
};
pub use models::{
    CertificateInfo, KeyVaultBackupResult, KeyVaultDataAction, KeyVaultEkmConnection,
    KeyVaultEkmConnectionUpdate, KeyVaultEkmProxyClientCertificateInfo, KeyVaultEkmProxyInfo,
    KeyVaultPermission, KeyVaultRestoreResult, KeyVaultRoleAssignment,
    KeyVaultRoleAssignmentProperties, KeyVaultRoleDefinition, KeyVaultRoleType, KeyVaultSetting,
    KeyVaultSettingType, SecurityDomain, SecurityDomainJsonWebKey, SecurityDomainOperationStatus,
    SecurityDomainStatus, StorageAuthentication, TransferKey,
};
pub use scope::KeyVaultRoleScope;
pub use security_domain::{
    BeginDownloadOptions, BeginUploadOptions, GetDownloadStatusOptions, GetTransferKeyOptions,
    GetUploadStatusOptions, KeyVaultSecurityDomainClient,
};
pub use settings::{
    GetSettingOptions, KeyVaultSettingsClient, ListSettingsOptions, UpdateSettingOptions,
};

pub use keyvault_core::async_operation::{AsyncOperationStatus, OperationStatus};
/// The `azure_core` this crate is built on: its `ClientOptions`, `Request` (for
/// `send_request`) and credential traits, at the version the clients take.
pub use keyvault_core::azure_core;
pub use keyvault_core::{
    ApiVersion, Error, ExposeSecret, Page, Pager, Poller, PollerStatus, Result, SecretString,
};

#[cfg(test)]
mod wire_tests;
