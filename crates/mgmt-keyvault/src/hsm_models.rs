//! The models of the `Microsoft.KeyVault/managedHSMs` resources.

use crate::models::{
    CreateMode, IpRule, NetworkRuleAction, NetworkRuleBypassOptions, SystemData, VirtualNetworkRule,
};
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
    pub network_acls: Option<MhsmNetworkRuleSet>,
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
    /// The security domain's activation state (read only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub security_domain_properties: Option<ManagedHsmSecurityDomainProperties>,
    /// Properties the service sends that this version of the crate does not model yet: kept,
    /// so that a read-modify-write (get, change a field, update) sends them back unchanged.
    #[serde(flatten, default, skip_serializing_if = "serde_json::Map::is_empty")]
    pub additional_properties: serde_json::Map<String, serde_json::Value>,
}

/// The firewall of a Managed HSM: a vault's, plus service tags.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MhsmNetworkRuleSet {
    /// Which traffic bypasses the rules.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bypass: Option<NetworkRuleBypassOptions>,
    /// What happens to traffic no rule matches.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_action: Option<NetworkRuleAction>,
    /// Allowed IP ranges.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ip_rules: Option<Vec<IpRule>>,
    /// Allowed Azure service tags (`MHSMServiceTagRule`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_tags: Option<Vec<MhsmServiceTagRule>>,
    /// Allowed subnets.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub virtual_network_rules: Option<Vec<VirtualNetworkRule>>,
}

/// An Azure service tag allowed through a Managed HSM's firewall.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MhsmServiceTagRule {
    /// The service tag, for example `AzureCloud`.
    pub tag: String,
}

/// The activation state of a Managed HSM's security domain.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ManagedHsmSecurityDomainProperties {
    /// `Active`, `NotActivated`, `Unknown`, `Failed` or `NotAvailable`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub activation_status: Option<String>,
    /// A description of the state.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub activation_status_message: Option<String>,
}

/// A managed identity, ARM's `ManagedServiceIdentity`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ManagedServiceIdentity {
    /// `None`, `SystemAssigned`, `UserAssigned` or `SystemAssigned,UserAssigned`.
    #[serde(rename = "type")]
    pub identity_type: String,
    /// The system-assigned identity's principal id (set by the service).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub principal_id: Option<String>,
    /// The system-assigned identity's tenant id (set by the service).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tenant_id: Option<String>,
    /// The user-assigned identities, by resource id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_assigned_identities: Option<HashMap<String, UserAssignedIdentity>>,
}

/// A user-assigned identity of a [`ManagedServiceIdentity`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserAssignedIdentity {
    /// Its principal id (set by the service).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub principal_id: Option<String>,
    /// Its client id (set by the service).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
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
    /// The managed identity.
    #[serde(default)]
    pub identity: Option<ManagedServiceIdentity>,
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
    /// A managed identity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identity: Option<ManagedServiceIdentity>,
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

#[cfg(test)]
mod fidelity_tests {
    use super::*;

    /// A get -> update of a Managed HSM must not lose what the service sent: the firewall's
    /// service tags (`MHSMNetworkRuleSet.serviceTags`), the identity, the security domain's
    /// state, and properties a later API version adds.
    #[test]
    fn a_read_modify_write_keeps_every_property() {
        let body = serde_json::json!({
            "id": "/subscriptions/s/resourceGroups/g/providers/Microsoft.KeyVault/managedHSMs/h",
            "name": "h",
            "type": "Microsoft.KeyVault/managedHSMs",
            "location": "westus",
            "identity": {
                "type": "SystemAssigned, UserAssigned",
                "principalId": "p",
                "tenantId": "t",
                "userAssignedIdentities": {"/subscriptions/s/id": {"principalId": "up", "clientId": "uc"}}
            },
            "properties": {
                "tenantId": "t",
                "networkAcls": {
                    "bypass": "AzureServices",
                    "defaultAction": "Deny",
                    "ipRules": [{"value": "1.2.3.4/32"}],
                    "serviceTags": [{"tag": "AzureCloud"}],
                    "virtualNetworkRules": [{"id": "/subscriptions/s/subnet"}]
                },
                "securityDomainProperties": {"activationStatus": "Active", "activationStatusMessage": "ok"},
                "aPropertyOfALaterVersion": {"nested": [1, 2]}
            }
        });
        let hsm: ManagedHsm = serde_json::from_value(body.clone()).unwrap();
        let acls = hsm.properties.network_acls.as_ref().unwrap();
        assert_eq!(acls.service_tags.as_ref().unwrap()[0].tag, "AzureCloud");
        let identity = hsm.identity.as_ref().unwrap();
        assert_eq!(identity.principal_id.as_deref(), Some("p"));
        assert_eq!(
            identity.user_assigned_identities.as_ref().unwrap()["/subscriptions/s/id"]
                .client_id
                .as_deref(),
            Some("uc")
        );
        assert_eq!(
            hsm.properties
                .security_domain_properties
                .as_ref()
                .unwrap()
                .activation_status
                .as_deref(),
            Some("Active")
        );
        // The properties go back exactly as they came.
        let sent = serde_json::to_value(&hsm.properties).unwrap();
        assert_eq!(sent, body["properties"]);
        let identity_sent = serde_json::to_value(identity).unwrap();
        assert_eq!(identity_sent, body["identity"]);
    }
}
