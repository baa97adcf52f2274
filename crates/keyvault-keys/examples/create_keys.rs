//! Create an RSA key and an elliptic-curve key, then list the vault's keys a page at a time;
//! finally delete and purge what was created.
//!
//! Runs against an emulator started in this process, or against your vault when
//! `AZURE_KEYVAULT_URL=https://{vault}.vault.azure.net` is set (signed in with `az login`):
//!
//! ```sh
//! cargo run -p keyvault-keys --example create_keys
//! ```

use futures::TryStreamExt;
use keyvault_emulator::Target;
use keyvault_keys::{
    BeginDeleteKeyOptions, CreateEcKeyOptions, CreateRsaKeyOptions, KeyClient, KeyClientOptions,
    KeyCurveName, KeyType, ListPropertiesOfKeysOptions,
};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let target = Target::from_env("create-keys").await?;
    let client = KeyClient::new(
        target.require_vault()?,
        target.credential.clone(),
        Some(KeyClientOptions {
            client_options: target.client_options.clone(),
            ..Default::default()
        }),
    )?;
    // Names that do not collide with an earlier run's (deleted keys keep their names a while).
    let suffix = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)?
        .as_secs();
    let rsa_name = format!("example-rsa-{suffix}");
    let ec_name = format!("example-ec-{suffix}");

    // An RSA key of 2048 bits; sizes, curves and exponents are checked before anything is sent.
    let rsa = client
        .create_rsa_key(
            &rsa_name,
            Some(CreateRsaKeyOptions {
                size: Some(2048),
                ..Default::default()
            }),
        )
        .await?;
    println!(
        "created {} ({}, version {:?})",
        rsa.name(),
        rsa.key_type(),
        rsa.properties.version
    );
    assert_eq!(rsa.key_type(), &KeyType::Rsa);

    // An elliptic-curve key on P-256.
    let ec = client
        .create_ec_key(
            &ec_name,
            Some(CreateEcKeyOptions {
                curve: Some(KeyCurveName::P256),
                ..Default::default()
            }),
        )
        .await?;
    println!(
        "created {} ({} on {:?})",
        ec.name(),
        ec.key_type(),
        ec.key.crv
    );
    assert_eq!(ec.key.crv, Some(KeyCurveName::P256));

    // List the keys' properties (never their material) a page at a time: pages of one key on
    // the emulator, to show the paging, of up to 25 (the service's maximum) on a real vault.
    let max_page_size = if target.emulator.is_some() { 1 } else { 25 };
    let mut pages = client
        .list_properties_of_keys(Some(ListPropertiesOfKeysOptions {
            max_page_size: Some(max_page_size),
            ..Default::default()
        }))?
        .into_pages();
    let mut found = 0;
    let mut page_number = 0;
    while let Some(page) = pages.try_next().await? {
        page_number += 1;
        println!(
            "page {page_number}: {} keys, more: {}",
            page.items.len(),
            page.continuation_token.is_some()
        );
        for properties in &page.items {
            if properties.name == rsa_name || properties.name == ec_name {
                println!("  {} enabled={:?}", properties.name, properties.enabled);
                found += 1;
            }
        }
    }
    assert_eq!(found, 2, "both keys are listed");

    // Clean up: delete (a long-running operation with soft delete), then purge.
    for name in [&rsa_name, &ec_name] {
        client
            .begin_delete_key(
                name,
                Some(BeginDeleteKeyOptions {
                    polling_interval: Some(target.polling_interval),
                    ..Default::default()
                }),
            )
            .await?
            .await?;
        client.purge_deleted_key(name, None).await?;
        println!("deleted and purged {name}");
    }
    Ok(())
}
