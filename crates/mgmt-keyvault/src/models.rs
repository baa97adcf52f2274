//! The models of the `Microsoft.KeyVault` vault resources, as ARM sends them.

use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use time::OffsetDateTime;

keyvault_core::string_enum! {
    /// The SKU family of a vault.
    pub enum SkuFamily {
        /// The only family, `A`.
        A = "A",
    }
}

keyvault_core::string_enum! {
    /// The SKU of a vault: standard or premium (HSM-backed keys).
    pub enum SkuName {
        /// Software-protected keys.
        Standard = "standard",
        /// HSM-protected keys too.
        Premium = "premium",
    }
}

keyvault_core::string_enum! {
    /// A permission on keys granted by an access policy.
    pub enum KeyPermissions {
        /// Every permission.
        All = "all",
        /// Encrypt.
        Encrypt = "encrypt",
        /// Decrypt.
        Decrypt = "decrypt",
        /// Wrap a key.
        WrapKey = "wrapKey",
        /// Unwrap a key.
        UnwrapKey = "unwrapKey",
        /// Sign.
        Sign = "sign",
        /// Verify.
        Verify = "verify",
        /// Get.
        Get = "get",
        /// List.
        List = "list",
        /// Create.
        Create = "create",
        /// Update.
        Update = "update",
        /// Import.
        Import = "import",
        /// Delete.
        Delete = "delete",
        /// Back up.
        Backup = "backup",
        /// Restore.
        Restore = "restore",
        /// Recover.
        Recover = "recover",
        /// Purge.
        Purge = "purge",
        /// Release.
        Release = "release",
        /// Rotate.
        Rotate = "rotate",
        /// Get the rotation policy.
        GetRotationPolicy = "getrotationpolicy",
        /// Set the rotation policy.
        SetRotationPolicy = "setrotationpolicy",
    }
}

keyvault_core::string_enum! {
    /// A permission on secrets granted by an access policy.
    pub enum SecretPermissions {
        /// Every permission.
        All = "all",
        /// Get.
        Get = "get",
        /// List.
        List = "list",
        /// Set.
        Set = "set",
        /// Delete.
        Delete = "delete",
        /// Back up.
        Backup = "backup",
        /// Restore.
        Restore = "restore",
        /// Recover.
        Recover = "recover",
        /// Purge.
        Purge = "purge",
    }
}

keyvault_core::string_enum! {
    /// A permission on certificates granted by an access policy.
    pub enum CertificatePermissions {
        /// Every permission.
        All = "all",
        /// Get.
        Get = "get",
        /// List.
        List = "list",
        /// Delete.
        Delete = "delete",
        /// Create.
        Create = "create",
        /// Import.
        Import = "import",
        /// Update.
        Update = "update",
        /// Manage contacts.
        ManageContacts = "managecontacts",
        /// Get issuers.
        GetIssuers = "getissuers",
        /// List issuers.
        ListIssuers = "listissuers",
        /// Set issuers.
        SetIssuers = "setissuers",
        /// Delete issuers.
        DeleteIssuers = "deleteissuers",
        /// Manage issuers.
        ManageIssuers = "manageissuers",
        /// Recover.
        Recover = "recover",
        /// Purge.
        Purge = "purge",
        /// Back up.
        Backup = "backup",
        /// Restore.
        Restore = "restore",
    }
}

keyvault_core::string_enum! {
    /// A permission on storage accounts granted by an access policy.
    pub enum StoragePermissions {
        /// Every permission.
        All = "all",
        /// Get.
        Get = "get",
        /// List.
        List = "list",
        /// Delete.
        Delete = "delete",
        /// Set.
        Set = "set",
        /// Update.
        Update = "update",
        /// Regenerate a key.
        RegenerateKey = "regeneratekey",
        /// Recover.
        Recover = "recover",
        /// Purge.
        Purge = "purge",
        /// Back up.
        Backup = "backup",
        /// Restore.
        Restore = "restore",
        /// Set SAS definitions.
        SetSas = "setsas",
        /// List SAS definitions.
        ListSas = "listsas",
        /// Get SAS definitions.
        GetSas = "getsas",
        /// Delete SAS definitions.
        DeleteSas = "deletesas",
    }
}

keyvault_core::string_enum! {
    /// How a vault is created.
    pub enum CreateMode {
        /// Recover a soft-deleted vault of the same name.
        Recover = "recover",
        /// Create a new vault.
        Default = "default",
    }
}

keyvault_core::string_enum! {
    /// The provisioning state of a vault.
    pub enum VaultProvisioningState {
        /// The vault is ready.
        Succeeded = "Succeeded",
        /// The vault's DNS name is being registered.
        RegisteringDns = "RegisteringDns",
    }
}

keyvault_core::string_enum! {
    /// Which traffic bypasses the network rules.
    pub enum NetworkRuleBypassOptions {
        /// Trusted Azure services.
        AzureServices = "AzureServices",
        /// None.
        None = "None",
    }
}

keyvault_core::string_enum! {
    /// What the network rules do with traffic no rule matches.
    pub enum NetworkRuleAction {
        /// Allow it.
        Allow = "Allow",
        /// Deny it.
        Deny = "Deny",
    }
}

keyvault_core::string_enum! {
    /// Why a name is not available.
    pub enum Reason {
        /// The name is not a valid vault name.
        AccountNameInvalid = "AccountNameInvalid",
        /// A vault of that name exists (or is soft-deleted).
        AlreadyExists = "AlreadyExists",
    }
}

keyvault_core::string_enum! {
    /// How [`crate::KeyVaultManagementClient::update_access_policy`] changes the policies.
    pub enum AccessPolicyUpdateKind {
        /// Add the permissions to the policies of the same identities (or add the policies).
        Add = "add",
        /// Replace the policies of the same identities.
        Replace = "replace",
        /// Remove the permissions from the policies of the same identities.
        Remove = "remove",
    }
}

/// The SKU of a vault.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sku {
    /// The family, always `A`.
    pub family: SkuFamily,
    /// Standard or premium.
    pub name: SkuName,
}

impl Sku {
    /// The standard SKU (family `A`).
    pub fn standard() -> Self {
        Sku {
            family: SkuFamily::A,
            name: SkuName::Standard,
        }
    }

    /// The premium SKU (family `A`).
    pub fn premium() -> Self {
        Sku {
            family: SkuFamily::A,
            name: SkuName::Premium,
        }
    }
}

/// The permissions an access policy grants.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Permissions {
    /// On keys.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub keys: Option<Vec<KeyPermissions>>,
    /// On secrets.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secrets: Option<Vec<SecretPermissions>>,
    /// On certificates.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certificates: Option<Vec<CertificatePermissions>>,
    /// On storage accounts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub storage: Option<Vec<StoragePermissions>>,
}

/// An identity and the permissions it has on a vault's contents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AccessPolicyEntry {
    /// The Entra ID tenant of the identity (a GUID).
    pub tenant_id: String,
    /// The object id of the user, service principal or group.
    pub object_id: String,
    /// The application an identity acts on behalf of (compound identity).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub application_id: Option<String>,
    /// What it may do.
    pub permissions: Permissions,
}

/// An IP address or range allowed through the firewall.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IpRule {
    /// An IPv4 address or CIDR range.
    pub value: String,
}

/// A virtual network subnet allowed through the firewall.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VirtualNetworkRule {
    /// The subnet's resource id.
    pub id: String,
    /// Accept the rule before the subnet has the Key Vault service endpoint.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ignore_missing_vnet_service_endpoint: Option<bool>,
}

/// The firewall of a vault.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NetworkRuleSet {
    /// Which traffic bypasses the rules.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bypass: Option<NetworkRuleBypassOptions>,
    /// What happens to traffic no rule matches.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_action: Option<NetworkRuleAction>,
    /// Allowed IP ranges.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ip_rules: Option<Vec<IpRule>>,
    /// Allowed subnets.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub virtual_network_rules: Option<Vec<VirtualNetworkRule>>,
}

/// The properties of a vault, in a request and in a response.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VaultProperties {
    /// The Entra ID tenant whose identities may use the vault (a GUID).
    pub tenant_id: String,
    /// The SKU.
    pub sku: Sku,
    /// The access policies; ignored when `enable_rbac_authorization` is true.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_policies: Option<Vec<AccessPolicyEntry>>,
    /// The data-plane URL, `https://{name}.vault.azure.net/` (set by the service).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vault_uri: Option<String>,
    /// The HSM pool the vault lives in (read only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hsm_pool_resource_id: Option<String>,
    /// Virtual machines may retrieve certificates stored as secrets.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled_for_deployment: Option<bool>,
    /// Azure Disk Encryption may retrieve secrets and unwrap keys.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled_for_disk_encryption: Option<bool>,
    /// Azure Resource Manager may retrieve secrets.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled_for_template_deployment: Option<bool>,
    /// Soft delete (always on for new vaults).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enable_soft_delete: Option<bool>,
    /// Days a deleted vault is kept, 7 to 90.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub soft_delete_retention_in_days: Option<u32>,
    /// Authorize data actions with Azure RBAC instead of access policies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enable_rbac_authorization: Option<bool>,
    /// Create a new vault or recover a deleted one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub create_mode: Option<CreateMode>,
    /// Purge protection; once on it cannot be turned off.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enable_purge_protection: Option<bool>,
    /// The firewall.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network_acls: Option<NetworkRuleSet>,
    /// The provisioning state (set by the service).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provisioning_state: Option<VaultProvisioningState>,
    /// The private endpoint connections (read only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub private_endpoint_connections: Option<Vec<crate::PrivateEndpointConnectionItem>>,
    /// `Enabled` or `Disabled`: whether the vault accepts traffic from public networks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_network_access: Option<String>,
}

impl VaultProperties {
    /// Properties with only the two required fields set.
    pub fn new(tenant_id: impl Into<String>, sku: Sku) -> Self {
        VaultProperties {
            tenant_id: tenant_id.into(),
            sku,
            access_policies: None,
            vault_uri: None,
            hsm_pool_resource_id: None,
            enabled_for_deployment: None,
            enabled_for_disk_encryption: None,
            enabled_for_template_deployment: None,
            enable_soft_delete: None,
            soft_delete_retention_in_days: None,
            enable_rbac_authorization: None,
            create_mode: None,
            enable_purge_protection: None,
            network_acls: None,
            provisioning_state: None,
            private_endpoint_connections: None,
            public_network_access: None,
        }
    }
}

/// Who created and last modified a resource, and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct SystemData {
    /// The identity that created the resource.
    #[serde(default)]
    pub created_by: Option<String>,
    /// Its kind: `User`, `Application`, `ManagedIdentity` or `Key`.
    #[serde(default)]
    pub created_by_type: Option<String>,
    /// When the resource was created.
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub created_at: Option<OffsetDateTime>,
    /// The identity that last modified the resource.
    #[serde(default)]
    pub last_modified_by: Option<String>,
    /// Its kind.
    #[serde(default)]
    pub last_modified_by_type: Option<String>,
    /// When the resource was last modified.
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub last_modified_at: Option<OffsetDateTime>,
}

/// A key vault resource.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Vault {
    /// The ARM resource id.
    pub id: String,
    /// The vault name.
    pub name: String,
    /// `Microsoft.KeyVault/vaults`.
    #[serde(rename = "type")]
    pub resource_type: String,
    /// The Azure region.
    #[serde(default)]
    pub location: Option<String>,
    /// Tags.
    #[serde(default)]
    pub tags: HashMap<String, String>,
    /// Creation and modification metadata.
    #[serde(default)]
    pub system_data: Option<SystemData>,
    /// The properties.
    pub properties: VaultProperties,
}

/// The body of [`crate::KeyVaultManagementClient::create_or_update_vault`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VaultCreateOrUpdateParameters {
    /// The Azure region.
    pub location: String,
    /// Tags.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<HashMap<String, String>>,
    /// The properties.
    pub properties: VaultProperties,
}

/// The properties a PATCH may change; only what is set changes.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VaultPatchProperties {
    /// A new tenant.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tenant_id: Option<String>,
    /// A new SKU.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sku: Option<Sku>,
    /// New access policies, replacing the old ones.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_policies: Option<Vec<AccessPolicyEntry>>,
    /// See [`VaultProperties::enabled_for_deployment`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled_for_deployment: Option<bool>,
    /// See [`VaultProperties::enabled_for_disk_encryption`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled_for_disk_encryption: Option<bool>,
    /// See [`VaultProperties::enabled_for_template_deployment`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled_for_template_deployment: Option<bool>,
    /// See [`VaultProperties::enable_soft_delete`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enable_soft_delete: Option<bool>,
    /// See [`VaultProperties::enable_rbac_authorization`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enable_rbac_authorization: Option<bool>,
    /// See [`VaultProperties::soft_delete_retention_in_days`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub soft_delete_retention_in_days: Option<u32>,
    /// See [`VaultProperties::create_mode`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub create_mode: Option<CreateMode>,
    /// See [`VaultProperties::enable_purge_protection`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enable_purge_protection: Option<bool>,
    /// See [`VaultProperties::network_acls`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network_acls: Option<NetworkRuleSet>,
    /// See [`VaultProperties::public_network_access`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_network_access: Option<String>,
}

/// The body of [`crate::KeyVaultManagementClient::update_vault`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct VaultPatchParameters {
    /// New tags, replacing the old ones.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<HashMap<String, String>>,
    /// The properties to change.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub properties: Option<VaultPatchProperties>,
}

/// The access policies of [`crate::KeyVaultManagementClient::update_access_policy`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VaultAccessPolicyProperties {
    /// The policies to add, replace or remove.
    pub access_policies: Vec<AccessPolicyEntry>,
}

/// The request and response of an access policy update.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct VaultAccessPolicyParameters {
    /// The resource id (set by the service).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The resource name (set by the service).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The resource type (set by the service).
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub resource_type: Option<String>,
    /// The region (set by the service).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    /// The policies.
    pub properties: VaultAccessPolicyProperties,
}

impl VaultAccessPolicyParameters {
    /// A request carrying `access_policies`.
    pub fn new(access_policies: Vec<AccessPolicyEntry>) -> Self {
        VaultAccessPolicyParameters {
            id: None,
            name: None,
            resource_type: None,
            location: None,
            properties: VaultAccessPolicyProperties { access_policies },
        }
    }
}

/// The properties of a soft-deleted vault.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct DeletedVaultProperties {
    /// The resource id of the vault before it was deleted.
    #[serde(default)]
    pub vault_id: Option<String>,
    /// Its region.
    #[serde(default)]
    pub location: Option<String>,
    /// When it was deleted.
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub deletion_date: Option<OffsetDateTime>,
    /// When it will be purged.
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub scheduled_purge_date: Option<OffsetDateTime>,
    /// Its tags.
    #[serde(default)]
    pub tags: HashMap<String, String>,
    /// Whether purge protection was on.
    #[serde(default)]
    pub purge_protection_enabled: Option<bool>,
}

/// A soft-deleted vault.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct DeletedVault {
    /// The resource id of the deleted vault.
    pub id: String,
    /// The vault name.
    pub name: String,
    /// `Microsoft.KeyVault/deletedVaults`.
    #[serde(rename = "type")]
    pub resource_type: String,
    /// The properties.
    pub properties: DeletedVaultProperties,
}

/// The request of a name check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VaultCheckNameAvailabilityParameters {
    /// The name to check.
    pub name: String,
    /// Always `Microsoft.KeyVault/vaults`.
    #[serde(rename = "type")]
    pub resource_type: String,
}

/// Whether a vault name is available.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct CheckNameAvailabilityResult {
    /// True when the name can be used.
    pub name_available: bool,
    /// Why not.
    #[serde(default)]
    pub reason: Option<Reason>,
    /// An explanation.
    #[serde(default)]
    pub message: Option<String>,
}

/// A resource as ARM's generic resource list (`/subscriptions/{id}/resources`) shows it: its
/// identity, region and tags, without the properties of its type (read those with
/// [`crate::KeyVaultManagementClient::get_vault`]).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct TrackedResource {
    /// The ARM resource id.
    pub id: String,
    /// The resource name.
    pub name: String,
    /// The resource type, for example `Microsoft.KeyVault/vaults`.
    #[serde(rename = "type")]
    pub resource_type: String,
    /// The Azure region.
    pub location: String,
    /// Tags.
    #[serde(default)]
    pub tags: HashMap<String, String>,
    /// Creation and modification metadata, when the service includes it.
    #[serde(default)]
    pub system_data: Option<SystemData>,
}
