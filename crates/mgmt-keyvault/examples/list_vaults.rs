//! List key vaults through Azure Resource Manager: those of a resource group page by page, then
//! those of the whole subscription; and check whether vault names are free. The example
//! creates two vaults to list, then deletes and purges them.
//!
//! Runs against the ARM provider of an emulator started in this process, or against Azure when
//! `AZURE_SUBSCRIPTION_ID` is set (signed in with `az login`), in the resource group
//! `AZURE_RESOURCE_GROUP` (`examples` by default, which must exist), for the tenant
//! `AZURE_TENANT_ID`:
//!
//! ```sh
//! cargo run -p mgmt-keyvault --example list_vaults
//! ```

use futures::TryStreamExt;
use keyvault_emulator::Target;
use mgmt_keyvault::{
    CreateOrUpdateVaultOptions, KeyVaultManagementClient, ListVaultsByResourceGroupOptions,
    ManagementClientOptions, PurgeDeletedVaultOptions, Sku, VaultCreateOrUpdateParameters,
    VaultProperties,
};
use std::time::{SystemTime, UNIX_EPOCH};

const LOCATION: &str = "westus";

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let target = Target::from_env("list-vaults").await?;
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
    let tenant_id = std::env::var("AZURE_TENANT_ID")
        .ok()
        .filter(|v| !v.trim().is_empty())
        .or_else(|| target.emulator.as_ref().map(|e| e.tenant_id().to_string()))
        .ok_or("set AZURE_TENANT_ID to run this on Azure")?;

    // Vault names are global: a suffix from the time keeps runs apart.
    let seconds = SystemTime::now().duration_since(UNIX_EPOCH)?.as_secs();
    let names = [
        format!("kv-list-a-{seconds:x}"),
        format!("kv-list-b-{seconds:x}"),
    ];

    // A free name can be taken.
    let check = client
        .check_vault_name_availability(&names[0], None)
        .await?;
    println!("{} available: {}", names[0], check.name_available);
    assert!(check.name_available);

    for name in &names {
        let parameters = VaultCreateOrUpdateParameters {
            location: LOCATION.into(),
            tags: None,
            properties: VaultProperties::new(tenant_id.clone(), Sku::standard()),
        };
        client
            .create_or_update_vault(
                group,
                name,
                parameters,
                Some(CreateOrUpdateVaultOptions {
                    polling_interval: Some(target.polling_interval),
                    ..Default::default()
                }),
            )
            .await?
            .await?;
        println!("created {name}");
    }

    // A taken name is not available, and the service says why.
    let check = client
        .check_vault_name_availability(&names[0], None)
        .await?;
    println!(
        "{} available: {} ({:?})",
        names[0], check.name_available, check.reason
    );
    assert!(!check.name_available);

    // The vaults of the resource group, one page at a time (`max_page_size` is ARM's `$top`).
    let mut pages = client
        .list_vaults_by_resource_group(
            group,
            Some(ListVaultsByResourceGroupOptions {
                max_page_size: Some(1),
                ..Default::default()
            }),
        )?
        .into_pages();
    let mut in_group = Vec::new();
    while let Some(page) = pages.try_next().await? {
        let page_names: Vec<_> = page.items.iter().map(|v| v.name.clone()).collect();
        println!("page of {group}: {page_names:?}");
        in_group.extend(page_names);
    }
    assert!(names.iter().all(|n| in_group.contains(n)));

    // Every vault of the subscription, as a stream of items.
    let mut vaults = client.list_vaults_by_subscription(None)?;
    let mut count = 0;
    while let Some(vault) = vaults.try_next().await? {
        println!(
            "{} in {}",
            vault.name,
            vault.location.as_deref().unwrap_or("?")
        );
        count += 1;
    }
    assert!(count >= names.len());

    // Clean up: delete, then purge each deleted vault.
    for name in &names {
        client.delete_vault(group, name, None).await?;
        client
            .purge_deleted_vault(
                LOCATION,
                name,
                Some(PurgeDeletedVaultOptions {
                    polling_interval: Some(target.polling_interval),
                    ..Default::default()
                }),
            )
            .await?
            .await?;
        println!("deleted and purged {name}");
    }
    Ok(())
}
