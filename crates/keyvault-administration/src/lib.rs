#![doc = include_str!("../README.md")]

mod access_control;
mod backup;
mod ekm;
mod models;
mod scope;
mod security_domain;
mod settings;
mod validation;

pub use access_control::{
    AdministrationClientOptions, CreateRoleAssignmentOptions, KeyVaultAccessControlClient,
    SetRoleDefinitionOptions,
};
pub use backup::{KeyVaultBackupClient, RestoreOptions};
pub use ekm::KeyVaultEkmClient;
pub use models::{
    CertificateInfo, KeyVaultBackupResult, KeyVaultDataAction, KeyVaultEkmConnection,
    KeyVaultEkmConnectionUpdate, KeyVaultEkmProxyClientCertificateInfo, KeyVaultEkmProxyInfo,
    KeyVaultPermission, KeyVaultRestoreResult, KeyVaultRoleAssignment,
    KeyVaultRoleAssignmentProperties, KeyVaultRoleDefinition, KeyVaultRoleType, KeyVaultSetting,
    KeyVaultSettingType, SecurityDomain, SecurityDomainJsonWebKey, SecurityDomainOperationStatus,
    SecurityDomainStatus, StorageAuthentication, TransferKey,
};
pub use scope::KeyVaultRoleScope;
pub use security_domain::{KeyVaultSecurityDomainClient, SecurityDomainOptions};
pub use settings::KeyVaultSettingsClient;

pub use keyvault_core::async_operation::{AsyncOperationStatus, OperationStatus};
/// The `azure_core` this crate is built on: its `ClientOptions`, `Request` (for
/// `send_request`) and credential traits, at the version the clients take.
pub use keyvault_core::azure_core;
pub use keyvault_core::{
    ApiVersion, Error, ExposeSecret, ListOptions, Page, Pager, Poller, PollerOptions, PollerStatus,
    Result, SecretString,
};

#[cfg(test)]
mod wire_tests;
