//! Create a key vault through Azure Resource Manager, give a principal access to its secrets
//! with an access policy, read the vault back, then delete it and purge the deleted vault.
//!
//! Runs against the ARM provider of an emulator started in this process, or against Azure when
//! `AZURE_SUBSCRIPTION_ID` is set (signed in with `az login`), in the resource group
//! `AZURE_RESOURCE_GROUP` (`examples` by default, which must exist), for the tenant
//! `AZURE_TENANT_ID` and the principal `AZURE_OBJECT_ID` (your own object id:
//! `az ad signed-in-user show --query id -o tsv`):
//!
//! ```sh
//! cargo run -p mgmt-keyvault --example create_vault
//! ```

use keyvault_emulator::Target;
use mgmt_keyvault::{
    AccessPolicyEntry, AccessPolicyUpdateKind, CreateOrUpdateVaultOptions,
    KeyVaultManagementClient, ManagementClientOptions, Permissions, PurgeDeletedVaultOptions,
    SecretPermissions, Sku, VaultAccessPolicyParameters, VaultCreateOrUpdateParameters,
    VaultProperties,
};
use std::time::{SystemTime, UNIX_EPOCH};

const LOCATION: &str = "westus";

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let target = Target::from_env("create-vault").await?;
    let client = KeyVaultManagementClient::new(
        target.require_subscription()?,
        target.credential.clone(),
        Some(ManagementClientOptions {
            endpoint: target.arm_endpoint.clone(),
            client_options: target.client_options.clone(),
            ..Default::default()
        }),
    )?;
    let group = target.resource_group.as_str();
    // The tenant of the vault and the principal to grant access: on Azure from the
    // environment, on the emulator its own.
    let env = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
    let tenant_id = env("AZURE_TENANT_ID")
        .or_else(|| target.emulator.as_ref().map(|e| e.tenant_id().to_string()))
        .ok_or("set AZURE_TENANT_ID to run this on Azure")?;
    let object_id = env("AZURE_OBJECT_ID")
        .or_else(|| target.emulator.as_ref().map(|e| e.object_id().to_string()))
        .ok_or("set AZURE_OBJECT_ID to run this on Azure")?;

    // Vault names are global: a suffix from the time keeps runs apart.
    let seconds = SystemTime::now().duration_since(UNIX_EPOCH)?.as_secs();
    let name = format!("kv-example-{seconds:x}");

    // Creating a vault is a long-running operation: await the poller for the provisioned vault.
    let parameters = VaultCreateOrUpdateParameters {
        location: LOCATION.into(),
        tags: None,
        properties: VaultProperties::new(tenant_id.clone(), Sku::standard()),
    };
    let vault = client
        .create_or_update_vault(
            group,
            &name,
            parameters,
            Some(CreateOrUpdateVaultOptions {
                polling_interval: Some(target.polling_interval),
                ..Default::default()
            }),
        )
        .await?
        .await?;
    println!(
        "created {} at {}",
        vault.name,
        vault.properties.vault_uri.as_deref().unwrap_or_default()
    );

    // Let the principal read and list the vault's secrets.
    let policy = AccessPolicyEntry {
        tenant_id,
        object_id: object_id.clone(),
        application_id: None,
        permissions: Permissions {
            secrets: Some(vec![SecretPermissions::Get, SecretPermissions::List]),
            ..Default::default()
        },
    };
    client
        .update_access_policy(
            group,
            &name,
            AccessPolicyUpdateKind::Add,
            VaultAccessPolicyParameters::new(vec![policy]),
            None,
        )
        .await?;
    println!("added an access policy for {object_id}");

    // Read the vault back: the policy is there.
    let vault = client.get_vault(group, &name, None).await?;
    let policies = vault.properties.access_policies.unwrap_or_default();
    let granted = policies
        .iter()
        .find(|p| p.object_id == object_id)
        .ok_or("the access policy is missing")?;
    assert_eq!(
        granted.permissions.secrets.as_deref(),
        Some(&[SecretPermissions::Get, SecretPermissions::List][..])
    );
    println!("{} has {} access policy(ies)", vault.name, policies.len());

    // Deleting keeps the vault as a deleted vault (soft delete) until it is purged; the purge
    // is a long-running operation.
    client.delete_vault(group, &name, None).await?;
    let deleted = client.get_deleted_vault(LOCATION, &name, None).await?;
    println!(
        "deleted {}, purge scheduled {:?}",
        deleted.name, deleted.properties.scheduled_purge_date
    );
    client
        .purge_deleted_vault(
            LOCATION,
            &name,
            Some(PurgeDeletedVaultOptions {
                polling_interval: Some(target.polling_interval),
                ..Default::default()
            }),
        )
        .await?
        .await?;
    println!("purged {name}");
    Ok(())
}
