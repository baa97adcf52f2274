#![doc = include_str!("../README.md")]
// docs.rs (nightly) labels items behind a cfg with it; `doc_auto_cfg` was merged into
// `doc_cfg` in Rust 1.92.
#![cfg_attr(docsrs, feature(doc_cfg))]

mod client;
mod hsm;
mod hsm_models;
mod key_models;
mod keys;
mod models;
mod operation;
mod private_link;
mod private_link_models;
mod provider_models;
mod secret_models;
mod secrets;
pub mod validation;

pub use client::{
    CheckVaultNameAvailabilityOptions, CreateOrUpdateVaultOptions, DeleteVaultOptions,
    GetDeletedVaultOptions, GetVaultOptions, KeyVaultManagementClient, ListDeletedVaultsOptions,
    ListOperationsOptions, ListVaultsByResourceGroupOptions, ListVaultsBySubscriptionOptions,
    ListVaultsOptions, ManagementClientOptions, PurgeDeletedVaultOptions,
    UpdateAccessPolicyOptions, UpdateVaultOptions, ARM_SCOPE, DEFAULT_API_VERSION,
    DEFAULT_ENDPOINT, RESOURCES_API_VERSION,
};
pub use hsm::{
    CheckManagedHsmNameAvailabilityOptions, CreateOrUpdateManagedHsmOptions,
    DeleteManagedHsmOptions, GetDeletedManagedHsmOptions, GetManagedHsmOptions,
    ListDeletedManagedHsmsOptions, ListManagedHsmsByResourceGroupOptions,
    ListManagedHsmsBySubscriptionOptions, PurgeDeletedManagedHsmOptions, UpdateManagedHsmOptions,
};
pub use hsm_models::{
    CheckMhsmNameAvailabilityParameters, DeletedManagedHsm, DeletedManagedHsmProperties,
    ManagedHsm, ManagedHsmCreateOrUpdateParameters, ManagedHsmPatchParameters,
    ManagedHsmProperties, ManagedHsmSecurityDomainProperties, ManagedHsmSku, ManagedHsmSkuFamily,
    ManagedHsmSkuName, ManagedServiceIdentity, MhsmGeoReplicatedRegion, MhsmNetworkRuleSet,
    MhsmServiceTagRule, ProvisioningState, UserAssignedIdentity,
};
pub use key_models::{
    Action, JsonWebKeyCurveName, JsonWebKeyOperation, JsonWebKeyType, Key, KeyAttributes,
    KeyCreateParameters, KeyProperties, KeyReleasePolicy, KeyRotationPolicyActionType,
    KeyRotationPolicyAttributes, LifetimeAction, RotationPolicy, Trigger,
};
pub use keys::{
    CreateKeyIfNotExistOptions, CreateManagedHsmKeyIfNotExistOptions, GetKeyOptions,
    GetKeyVersionOptions, GetManagedHsmKeyOptions, GetManagedHsmKeyVersionOptions,
    ListKeyVersionsOptions, ListKeysOptions, ListManagedHsmKeyVersionsOptions,
    ListManagedHsmKeysOptions,
};
pub use models::{
    AccessPolicyEntry, AccessPolicyUpdateKind, CertificatePermissions, CheckNameAvailabilityResult,
    CreateMode, DeletedVault, DeletedVaultProperties, IpRule, KeyPermissions, NetworkRuleAction,
    NetworkRuleBypassOptions, NetworkRuleSet, Permissions, Reason, SecretPermissions, Sku,
    SkuFamily, SkuName, StoragePermissions, SystemData, TrackedResource, Vault,
    VaultAccessPolicyParameters, VaultAccessPolicyProperties, VaultCheckNameAvailabilityParameters,
    VaultCreateOrUpdateParameters, VaultPatchParameters, VaultPatchProperties, VaultProperties,
    VaultProvisioningState, VirtualNetworkRule,
};
pub use private_link::{
    DeleteManagedHsmPrivateEndpointConnectionOptions, DeletePrivateEndpointConnectionOptions,
    GetManagedHsmPrivateEndpointConnectionOptions, GetNetworkSecurityPerimeterConfigurationOptions,
    GetPrivateEndpointConnectionOptions, ListManagedHsmPrivateEndpointConnectionsOptions,
    ListManagedHsmPrivateLinkResourcesOptions, ListManagedHsmRegionsOptions,
    ListNetworkSecurityPerimeterConfigurationsOptions, ListPrivateEndpointConnectionsOptions,
    ListPrivateLinkResourcesOptions, PutManagedHsmPrivateEndpointConnectionOptions,
    PutPrivateEndpointConnectionOptions, ReconcileNetworkSecurityPerimeterConfigurationOptions,
};
pub use private_link_models::{
    AccessRule, AccessRuleDirection, AccessRuleProperties, AccessRuleSubscription, ActionsRequired,
    IssueType, MhsmPrivateEndpointConnection, MhsmPrivateLinkResource, NetworkSecurityPerimeter,
    NetworkSecurityPerimeterConfiguration, NetworkSecurityPerimeterConfigurationProperties,
    NetworkSecurityPerimeterConfigurationProvisioningState, NetworkSecurityProfile,
    PrivateEndpoint, PrivateEndpointConnection, PrivateEndpointConnectionItem,
    PrivateEndpointConnectionParameters, PrivateEndpointConnectionProperties,
    PrivateEndpointConnectionProvisioningState, PrivateEndpointServiceConnectionStatus,
    PrivateLinkResource, PrivateLinkResourceProperties, PrivateLinkServiceConnectionState,
    ProvisioningIssue, ProvisioningIssueProperties, ResourceAssociation,
    ResourceAssociationAccessMode, Severity,
};
pub use provider_models::{
    DimensionProperties, LogSpecification, MetricSpecification, Operation, OperationDisplay,
    OperationProperties, ServiceSpecification,
};
pub use secret_models::{Secret, SecretAttributes, SecretParameters, SecretProperties};
pub use secrets::{
    CreateOrUpdateSecretOptions, GetSecretOptions, ListSecretsOptions, UpdateSecretOptions,
};

/// The `azure_core` this crate is built on: its `ClientOptions`, `Request` (for
/// `send_request`) and credential traits, at the version the client takes.
pub use keyvault_core::azure_core;
pub use keyvault_core::{
    ApiVersion, DeletionRecoveryLevel, Error, ExposeSecret, Page, Pager, Poller, PollerStatus,
    Result, SecretString,
};

#[cfg(test)]
mod wire_tests;
