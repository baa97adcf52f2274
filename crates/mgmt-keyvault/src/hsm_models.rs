//! The models of the `Microsoft.KeyVault/managedHSMs` resources.

use crate::models::{CreateMode, NetworkRuleSet, SystemData};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use time::OffsetDateTime;

keyvault_core::string_enum! {
    /// The SKU family of a Managed HSM.
    pub enum ManagedHsmSkuFamily {
        /// Family B.
        B = "B",
        /// Family C.
        C = "C",
    }
}

keyvault_core::string_enum! {
    /// The SKU of a Managed HSM.
    pub enum ManagedHsmSkuName {
        /// The standard pool.
        StandardB1 = "Standard_B1",
        /// Custom B32.
        CustomB32 = "Custom_B32",
        /// Custom B6.
        CustomB6 = "Custom_B6",
        /// Custom C42.
        CustomC42 = "Custom_C42",
        /// Custom C10.
        CustomC10 = "Custom_C10",
    }
}

keyvault_core::string_enum! {
    /// The provisioning state of a Managed HSM.
    pub enum ProvisioningState {
        /// Ready.
        Succeeded = "Succeeded",
        /// Being created.
        Provisioning = "Provisioning",
        /// Creation or update failed.
        Failed = "Failed",
        /// Being updated.
        Updating = "Updating",
        /// Being deleted.
        Deleting = "Deleting",
        /// Activated (security domain downloaded).
        Activated = "Activated",
        /// Restoring its security domain.
        SecurityDomainRestore = "SecurityDomainRestore",
        /// Being restored.
        Restoring = "Restoring",
    }
}

/// The SKU of a Managed HSM.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManagedHsmSku {
    /// The family.
    pub family: ManagedHsmSkuFamily,
    /// The name.
    pub name: ManagedHsmSkuName,
}

impl ManagedHsmSku {
    /// `Standard_B1`, family `B`.
    pub fn standard_b1() -> Self {
        ManagedHsmSku {
            family: ManagedHsmSkuFamily::B,
            name: ManagedHsmSkuName::StandardB1,
        }
    }
}

/// A region a Managed HSM is replicated to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MhsmGeoReplicatedRegion {
    /// The region name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Its provisioning state (set by the service).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provisioning_state: Option<String>,
    /// Whether it is the primary region.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_primary: Option<bool>,
}

/// The properties of a Managed HSM; in a PATCH, only what is set changes.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ManagedHsmProperties {
    /// The Entra ID tenant (a GUID).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tenant_id: Option<String>,
    /// The object ids of the initial administrators.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub initial_admin_object_ids: Option<Vec<String>>,
    /// The data-plane URL (set by the service).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hsm_uri: Option<String>,
    /// Soft delete.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enable_soft_delete: Option<bool>,
    /// Days a deleted pool is kept, 7 to 90.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub soft_delete_retention_in_days: Option<u32>,
    /// Purge protection.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enable_purge_protection: Option<bool>,
    /// Create a new pool or recover a deleted one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub create_mode: Option<CreateMode>,
    /// A description of the state (set by the service).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_message: Option<String>,
    /// The provisioning state (set by the service).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provisioning_state: Option<ProvisioningState>,
    /// The firewall.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network_acls: Option<NetworkRuleSet>,
    /// Replication regions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub regions: Option<Vec<MhsmGeoReplicatedRegion>>,
    /// Private endpoint connections (read only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub private_endpoint_connections: Option<Vec<crate::PrivateEndpointConnectionItem>>,
    /// `Enabled` or `Disabled`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_network_access: Option<String>,
    /// When a deleted pool will be purged (set by the service).
    #[serde(
        default,
        with = "time::serde::rfc3339::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub scheduled_purge_date: Option<OffsetDateTime>,
    /// The security domain's activation state (read only), as the service sent it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub security_domain_properties: Option<serde_json::Value>,
}

/// A Managed HSM pool resource.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ManagedHsm {
    /// The ARM resource id.
    pub id: String,
    /// The pool name.
    pub name: String,
    /// `Microsoft.KeyVault/managedHSMs`.
    #[serde(rename = "type")]
    pub resource_type: String,
    /// The region.
    #[serde(default)]
    pub location: Option<String>,
    /// The SKU.
    #[serde(default)]
    pub sku: Option<ManagedHsmSku>,
    /// Tags.
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
    pub properties: ManagedHsmProperties,
}

/// The body of [`crate::KeyVaultManagementClient::create_or_update_managed_hsm`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ManagedHsmCreateOrUpdateParameters {
    /// The region.
    pub location: String,
    /// The SKU.
    pub sku: ManagedHsmSku,
    /// Tags.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<HashMap<String, String>>,
    /// The properties; `tenant_id` and `initial_admin_object_ids` are required.
    pub properties: ManagedHsmProperties,
    /// A managed identity, as ARM's `ManagedServiceIdentity`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identity: Option<serde_json::Value>,
}

/// The body of [`crate::KeyVaultManagementClient::update_managed_hsm`]: only what is set changes.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ManagedHsmPatchParameters {
    /// New tags, replacing the old ones.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<HashMap<String, String>>,
    /// A new SKU.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sku: Option<ManagedHsmSku>,
    /// The properties to change.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub properties: Option<ManagedHsmProperties>,
}

/// The properties of a soft-deleted Managed HSM.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct DeletedManagedHsmProperties {
    /// The resource id of the pool before it was deleted.
    #[serde(default)]
    pub mhsm_id: Option<String>,
    /// Its region.
    #[serde(default)]
    pub location: Option<String>,
    /// When it was deleted.
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub deletion_date: Option<OffsetDateTime>,
    /// When it will be purged.
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub scheduled_purge_date: Option<OffsetDateTime>,
    /// Whether purge protection was on.
    #[serde(default)]
    pub purge_protection_enabled: Option<bool>,
    /// Its tags.
    #[serde(default)]
    pub tags: HashMap<String, String>,
}

/// A soft-deleted Managed HSM.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct DeletedManagedHsm {
    /// The resource id of the deleted pool.
    pub id: String,
    /// The name.
    pub name: String,
    /// `Microsoft.KeyVault/deletedManagedHSMs`.
    #[serde(rename = "type")]
    pub resource_type: String,
    /// The properties.
    pub properties: DeletedManagedHsmProperties,
}

/// The request of a Managed HSM name check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckMhsmNameAvailabilityParameters {
    /// The name to check.
    pub name: String,
}
