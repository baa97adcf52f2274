//! The models of private endpoint connections, private link resources and network security
//! perimeter configurations of vaults and Managed HSM pools.

use crate::hsm_models::ManagedHsmSku;
use crate::models::SystemData;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

keyvault_core::string_enum! {
    /// Whether the owner of a vault or pool accepted a private endpoint's connection.
    pub enum PrivateEndpointServiceConnectionStatus {
        /// Waiting for the owner's approval.
        Pending = "Pending",
        /// Approved: traffic flows.
        Approved = "Approved",
        /// Rejected by the owner.
        Rejected = "Rejected",
        /// The private endpoint went away.
        Disconnected = "Disconnected",
    }
}

keyvault_core::string_enum! {
    /// The provisioning state of a private endpoint connection.
    pub enum PrivateEndpointConnectionProvisioningState {
        /// Settled.
        Succeeded = "Succeeded",
        /// Being created.
        Creating = "Creating",
        /// Being updated.
        Updating = "Updating",
        /// Being deleted.
        Deleting = "Deleting",
        /// The last change failed.
        Failed = "Failed",
        /// Deleted: the connection no longer links anything.
        Disconnected = "Disconnected",
    }
}

keyvault_core::string_enum! {
    /// Whether a change on the provider side needs the consumer to act.
    pub enum ActionsRequired {
        /// Nothing to do.
        None = "None",
    }
}

/// The private endpoint (a `Microsoft.Network/privateEndpoints` resource) of a connection.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrivateEndpoint {
    /// Its ARM resource id (set by the service).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
}

/// The approval state of a private endpoint connection: what a PUT changes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PrivateLinkServiceConnectionState {
    /// Approved, rejected, pending or disconnected.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<PrivateEndpointServiceConnectionStatus>,
    /// Why, in the owner's words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Whether the consumer has something to do.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actions_required: Option<ActionsRequired>,
}

/// The properties of a private endpoint connection; in a PUT only the connection state is
/// taken.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PrivateEndpointConnectionProperties {
    /// The private endpoint (set by the service).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub private_endpoint: Option<PrivateEndpoint>,
    /// The approval state.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub private_link_service_connection_state: Option<PrivateLinkServiceConnectionState>,
    /// The provisioning state (set by the service).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provisioning_state: Option<PrivateEndpointConnectionProvisioningState>,
}

/// The body of a private endpoint connection PUT, for a vault's or a pool's connection: the new
/// approval state, and the `etag` of the version it replaces when the change must not overwrite
/// another.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrivateEndpointConnectionParameters {
    /// The `etag` last read; the service refuses the PUT when the connection changed since.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub etag: Option<String>,
    /// The properties; `private_link_service_connection_state` is required.
    pub properties: PrivateEndpointConnectionProperties,
}

impl PrivateEndpointConnectionParameters {
    /// A PUT that sets `status` with `description`.
    pub fn new(status: PrivateEndpointServiceConnectionStatus, description: &str) -> Self {
        PrivateEndpointConnectionParameters {
            etag: None,
            properties: PrivateEndpointConnectionProperties {
                private_link_service_connection_state: Some(PrivateLinkServiceConnectionState {
                    status: Some(status),
                    description: Some(description.to_string()),
                    actions_required: None,
                }),
                ..Default::default()
            },
        }
    }

    /// A PUT that approves the connection.
    pub fn approve(description: &str) -> Self {
        Self::new(
            PrivateEndpointServiceConnectionStatus::Approved,
            description,
        )
    }

    /// A PUT that rejects the connection.
    pub fn reject(description: &str) -> Self {
        Self::new(
            PrivateEndpointServiceConnectionStatus::Rejected,
            description,
        )
    }
}

/// A private endpoint connection of a vault.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct PrivateEndpointConnection {
    /// The ARM resource id.
    pub id: String,
    /// The connection name.
    pub name: String,
    /// `Microsoft.KeyVault/vaults/privateEndpointConnections`.
    #[serde(rename = "type")]
    pub resource_type: String,
    /// The version of the connection, for a conditional PUT.
    #[serde(default)]
    pub etag: Option<String>,
    /// The vault's region.
    #[serde(default)]
    pub location: Option<String>,
    /// The vault's tags.
    #[serde(default)]
    pub tags: HashMap<String, String>,
    /// Creation and modification metadata.
    #[serde(default)]
    pub system_data: Option<SystemData>,
    /// The properties.
    #[serde(default)]
    pub properties: PrivateEndpointConnectionProperties,
}

/// A private endpoint connection as a vault's or a pool's own body lists it
/// (`properties.private_endpoint_connections`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PrivateEndpointConnectionItem {
    /// The connection's ARM resource id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The version of the connection.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub etag: Option<String>,
    /// Its endpoint, approval state and provisioning state.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub properties: Option<PrivateEndpointConnectionProperties>,
}

/// A private endpoint connection of a Managed HSM pool.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct MhsmPrivateEndpointConnection {
    /// The ARM resource id.
    pub id: String,
    /// The connection name.
    pub name: String,
    /// `Microsoft.KeyVault/managedHSMs/privateEndpointConnections`.
    #[serde(rename = "type")]
    pub resource_type: String,
    /// The version of the connection, for a conditional PUT.
    #[serde(default)]
    pub etag: Option<String>,
    /// The pool's region.
    #[serde(default)]
    pub location: Option<String>,
    /// The pool's SKU.
    #[serde(default)]
    pub sku: Option<ManagedHsmSku>,
    /// The pool's tags.
    #[serde(default)]
    pub tags: HashMap<String, String>,
    /// Creation and modification metadata.
    #[serde(default)]
    pub system_data: Option<SystemData>,
    /// The managed identity, as the service sent it.
    #[serde(default)]
    pub identity: Option<serde_json::Value>,
    /// The properties.
    #[serde(default)]
    pub properties: PrivateEndpointConnectionProperties,
}

/// What a private endpoint can connect to: a group of the resource and the DNS zones it needs.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct PrivateLinkResourceProperties {
    /// The group id a private endpoint names (`vault`, `managedhsm`).
    #[serde(default)]
    pub group_id: Option<String>,
    /// The members of the group.
    #[serde(default)]
    pub required_members: Vec<String>,
    /// The private DNS zones the endpoint needs, such as `privatelink.vaultcore.azure.net`.
    #[serde(default)]
    pub required_zone_names: Vec<String>,
}

/// A private link resource of a vault.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct PrivateLinkResource {
    /// The ARM resource id.
    pub id: String,
    /// The group name.
    pub name: String,
    /// `Microsoft.KeyVault/vaults/privateLinkResources`.
    #[serde(rename = "type")]
    pub resource_type: String,
    /// The vault's region.
    #[serde(default)]
    pub location: Option<String>,
    /// The vault's tags.
    #[serde(default)]
    pub tags: HashMap<String, String>,
    /// The properties.
    #[serde(default)]
    pub properties: PrivateLinkResourceProperties,
}

/// A private link resource of a Managed HSM pool.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct MhsmPrivateLinkResource {
    /// The ARM resource id.
    pub id: String,
    /// The group name.
    pub name: String,
    /// `Microsoft.KeyVault/managedHSMs/privateLinkResources`.
    #[serde(rename = "type")]
    pub resource_type: String,
    /// The pool's region.
    #[serde(default)]
    pub location: Option<String>,
    /// The pool's SKU.
    #[serde(default)]
    pub sku: Option<ManagedHsmSku>,
    /// The pool's tags.
    #[serde(default)]
    pub tags: HashMap<String, String>,
    /// Creation and modification metadata.
    #[serde(default)]
    pub system_data: Option<SystemData>,
    /// The managed identity, as the service sent it.
    #[serde(default)]
    pub identity: Option<serde_json::Value>,
    /// The properties.
    #[serde(default)]
    pub properties: PrivateLinkResourceProperties,
}

/// The body of the private link resource lists, which ARM does not page.
#[derive(Deserialize)]
#[serde(bound = "T: serde::de::DeserializeOwned")]
pub(crate) struct ListResult<T> {
    #[serde(default = "Vec::new")]
    pub(crate) value: Vec<T>,
}

keyvault_core::string_enum! {
    /// The provisioning state of a network security perimeter configuration.
    pub enum NetworkSecurityPerimeterConfigurationProvisioningState {
        /// Settled.
        Succeeded = "Succeeded",
        /// Being created.
        Creating = "Creating",
        /// Being updated.
        Updating = "Updating",
        /// Being deleted.
        Deleting = "Deleting",
        /// Accepted, not yet applied.
        Accepted = "Accepted",
        /// Failed.
        Failed = "Failed",
        /// Canceled.
        Canceled = "Canceled",
    }
}

keyvault_core::string_enum! {
    /// How a perimeter's access rules apply to the resource.
    pub enum ResourceAssociationAccessMode {
        /// The rules are enforced.
        Enforced = "Enforced",
        /// Violations are logged, not blocked.
        Learning = "Learning",
        /// Traffic is audited.
        Audit = "Audit",
    }
}

keyvault_core::string_enum! {
    /// The direction of an access rule.
    pub enum AccessRuleDirection {
        /// Traffic into the perimeter.
        Inbound = "Inbound",
        /// Traffic out of the perimeter.
        Outbound = "Outbound",
    }
}

keyvault_core::string_enum! {
    /// The kind of a provisioning issue.
    pub enum IssueType {
        /// Not known.
        Unknown = "Unknown",
        /// The configuration did not reach the resource.
        ConfigurationPropagationFailure = "ConfigurationPropagationFailure",
        /// The perimeter lacks a configuration the resource needs.
        MissingPerimeterConfiguration = "MissingPerimeterConfiguration",
        /// The resource's managed identity is missing.
        MissingIdentityConfiguration = "MissingIdentityConfiguration",
    }
}

keyvault_core::string_enum! {
    /// How grave a provisioning issue is.
    pub enum Severity {
        /// A warning.
        Warning = "Warning",
        /// An error.
        Error = "Error",
    }
}

/// A network security perimeter (`Microsoft.Network/networkSecurityPerimeters`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct NetworkSecurityPerimeter {
    /// Its ARM resource id.
    #[serde(default)]
    pub id: Option<String>,
    /// Its GUID.
    #[serde(default)]
    pub perimeter_guid: Option<String>,
    /// Its region.
    #[serde(default)]
    pub location: Option<String>,
}

/// A subscription an access rule names.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct AccessRuleSubscription {
    /// The subscription's ARM id.
    #[serde(default)]
    pub id: Option<String>,
}

/// What an access rule lets through.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct AccessRuleProperties {
    /// Inbound or outbound.
    #[serde(default)]
    pub direction: Option<AccessRuleDirection>,
    /// Address prefixes (CIDR).
    #[serde(default)]
    pub address_prefixes: Vec<String>,
    /// Subscriptions.
    #[serde(default)]
    pub subscriptions: Vec<AccessRuleSubscription>,
    /// Other perimeters.
    #[serde(default)]
    pub network_security_perimeters: Vec<NetworkSecurityPerimeter>,
    /// Fully qualified domain names.
    #[serde(default)]
    pub fully_qualified_domain_names: Vec<String>,
    /// E-mail addresses.
    #[serde(default)]
    pub email_addresses: Vec<String>,
    /// Phone numbers.
    #[serde(default)]
    pub phone_numbers: Vec<String>,
}

/// An access rule of a perimeter profile.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct AccessRule {
    /// Its name.
    #[serde(default)]
    pub name: Option<String>,
    /// What it lets through.
    #[serde(default)]
    pub properties: Option<AccessRuleProperties>,
}

/// The perimeter profile that applies to the resource.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct NetworkSecurityProfile {
    /// The profile name.
    #[serde(default)]
    pub name: Option<String>,
    /// The version of its access rules.
    #[serde(default)]
    pub access_rules_version: Option<i64>,
    /// Its access rules.
    #[serde(default)]
    pub access_rules: Vec<AccessRule>,
    /// The version of its diagnostic settings.
    #[serde(default)]
    pub diagnostic_settings_version: Option<i64>,
    /// The log categories it enables.
    #[serde(default)]
    pub enabled_log_categories: Vec<String>,
}

/// How the resource is associated with the perimeter.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ResourceAssociation {
    /// The association name.
    #[serde(default)]
    pub name: Option<String>,
    /// Enforced, learning or audit.
    #[serde(default)]
    pub access_mode: Option<ResourceAssociationAccessMode>,
}

/// The details of a provisioning issue.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ProvisioningIssueProperties {
    /// Its kind.
    #[serde(default)]
    pub issue_type: Option<IssueType>,
    /// How grave it is.
    #[serde(default)]
    pub severity: Option<Severity>,
    /// What it is.
    #[serde(default)]
    pub description: Option<String>,
    /// Resources that would fix it if added to the perimeter.
    #[serde(default)]
    pub suggested_resource_ids: Vec<String>,
    /// Access rules that would fix it if added to the profile.
    #[serde(default)]
    pub suggested_access_rules: Vec<AccessRule>,
}

/// A problem found applying a perimeter configuration to the resource.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct ProvisioningIssue {
    /// Its name.
    #[serde(default)]
    pub name: Option<String>,
    /// Its details.
    #[serde(default)]
    pub properties: Option<ProvisioningIssueProperties>,
}

/// The properties of a network security perimeter configuration.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct NetworkSecurityPerimeterConfigurationProperties {
    /// The provisioning state.
    #[serde(default)]
    pub provisioning_state: Option<NetworkSecurityPerimeterConfigurationProvisioningState>,
    /// Problems found applying it.
    #[serde(default)]
    pub provisioning_issues: Vec<ProvisioningIssue>,
    /// The perimeter.
    #[serde(default)]
    pub network_security_perimeter: Option<NetworkSecurityPerimeter>,
    /// How the vault is associated with the perimeter.
    #[serde(default)]
    pub resource_association: Option<ResourceAssociation>,
    /// The profile that applies.
    #[serde(default)]
    pub profile: Option<NetworkSecurityProfile>,
}

/// The configuration a network security perimeter applies to a vault.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct NetworkSecurityPerimeterConfiguration {
    /// The ARM resource id.
    pub id: String,
    /// The configuration name.
    pub name: String,
    /// `Microsoft.KeyVault/vaults/networkSecurityPerimeterConfigurations`.
    #[serde(rename = "type")]
    pub resource_type: String,
    /// Creation and modification metadata.
    #[serde(default)]
    pub system_data: Option<SystemData>,
    /// The properties.
    #[serde(default)]
    pub properties: NetworkSecurityPerimeterConfigurationProperties,
}
