//! Shared helpers of the integration tests: clients of the emulator's ARM provider and the
//! request bodies most tests start from.
#![allow(dead_code)]

use keyvault_emulator::Emulator;
use mgmt_keyvault::{
    AccessPolicyEntry, CertificatePermissions, KeyPermissions, KeyVaultManagementClient,
    ManagedHsmCreateOrUpdateParameters, ManagedHsmProperties, ManagedHsmSku,
    ManagementClientOptions, Permissions, SecretPermissions, Sku, VaultCreateOrUpdateParameters,
    VaultProperties,
};
use std::{collections::HashMap, time::Duration};

/// A client of `subscription` on the emulator's ARM host.
pub fn arm_client(emulator: &Emulator, subscription: &str) -> KeyVaultManagementClient {
    arm_client_at(
        emulator,
        subscription,
        &format!("https://management.azure.com:{}", emulator.port()),
    )
}

/// A client of `subscription` whose ARM endpoint is `endpoint`.
pub fn arm_client_at(
    emulator: &Emulator,
    subscription: &str,
    endpoint: &str,
) -> KeyVaultManagementClient {
    let options = ManagementClientOptions {
        endpoint: endpoint.to_string(),
        client_options: emulator.client_options(),
        ..Default::default()
    };
    KeyVaultManagementClient::new(subscription, emulator.credential(), Some(options))
        .expect("client")
}

/// The options of every long-running operation, built the same way whatever the method.
pub trait Polling: Default {
    /// Options with this polling interval and continuation token.
    fn polling(interval: Option<Duration>, continuation_token: Option<String>) -> Self;
}

macro_rules! polling {
    ($($options:ident),* $(,)?) => {$(
        impl Polling for mgmt_keyvault::$options<'_> {
            fn polling(interval: Option<Duration>, continuation_token: Option<String>) -> Self {
                mgmt_keyvault::$options {
                    polling_interval: interval,
                    continuation_token,
                    ..Default::default()
                }
            }
        }
    )*};
}

polling!(
    CreateOrUpdateVaultOptions,
    PurgeDeletedVaultOptions,
    CreateOrUpdateManagedHsmOptions,
    UpdateManagedHsmOptions,
    DeleteManagedHsmOptions,
    PurgeDeletedManagedHsmOptions,
    DeletePrivateEndpointConnectionOptions,
    DeleteManagedHsmPrivateEndpointConnectionOptions
);

/// Pollers that poll every 10 ms when the service does not say.
pub fn fast<O: Polling>() -> Option<O> {
    Some(O::polling(Some(Duration::from_millis(10)), None))
}

/// Options that resume the operation of `token`, polling every 10 ms.
pub fn resume<O: Polling>(token: &str) -> Option<O> {
    Some(O::polling(
        Some(Duration::from_millis(10)),
        Some(token.to_string()),
    ))
}

/// A standard vault in `westus`, without tags, whose one access policy lets the emulator's
/// principal do everything on its data plane (as the portal grants a vault's creator).
pub fn standard_vault(emulator: &Emulator) -> VaultCreateOrUpdateParameters {
    let mut properties = VaultProperties::new(emulator.tenant_id(), Sku::standard());
    properties.access_policies = Some(vec![AccessPolicyEntry {
        tenant_id: emulator.tenant_id().to_string(),
        object_id: emulator.object_id().to_string(),
        application_id: None,
        permissions: Permissions {
            keys: Some(vec![KeyPermissions::All]),
            secrets: Some(vec![SecretPermissions::All]),
            certificates: Some(vec![CertificatePermissions::All]),
            ..Default::default()
        },
    }]);
    VaultCreateOrUpdateParameters {
        location: "westus".into(),
        tags: None,
        properties,
    }
}

/// A `Standard_B1` pool in `westus` with one administrator and 7 days of soft delete.
pub fn hsm_parameters(emulator: &Emulator) -> ManagedHsmCreateOrUpdateParameters {
    ManagedHsmCreateOrUpdateParameters {
        location: "westus".into(),
        sku: ManagedHsmSku::standard_b1(),
        tags: Some(HashMap::from([("Dept".to_string(), "hsm".to_string())])),
        properties: ManagedHsmProperties {
            tenant_id: Some(emulator.tenant_id().to_string()),
            initial_admin_object_ids: Some(vec!["00000000-0000-0000-0000-0000000000ad".into()]),
            soft_delete_retention_in_days: Some(7),
            ..Default::default()
        },
        identity: None,
    }
}

/// An emulator and a client of `subscription` in which the standard vault `vault` has been
/// created in `resource_group`.
pub async fn with_vault(
    subscription: &str,
    resource_group: &str,
    vault: &str,
) -> (Emulator, KeyVaultManagementClient) {
    let emulator = keyvault_testkit::emulator::emulator().await;
    let client = arm_client(&emulator, subscription);
    client
        .create_or_update_vault(resource_group, vault, standard_vault(&emulator), fast())
        .await
        .unwrap()
        .await
        .unwrap();
    (emulator, client)
}
