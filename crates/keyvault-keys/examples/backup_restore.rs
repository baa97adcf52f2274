//! Back a key up, delete and purge it, then restore it from the backup, every version intact;
//! finally delete and purge it again.
//!
//! Runs against an emulator started in this process, or against your vault when
//! `AZURE_KEYVAULT_URL=https://{vault}.vault.azure.net` is set (signed in with `az login`; a
//! purge can take a while there before the name is free to restore into):
//!
//! ```sh
//! cargo run -p keyvault-keys --example backup_restore
//! ```

use futures::TryStreamExt;
use keyvault_emulator::Target;
use keyvault_keys::{BeginDeleteKeyOptions, ExposeSecret, KeyClient, KeyClientOptions};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let target = Target::from_env("backup-restore").await?;
    let client = KeyClient::new(
        target.require_vault()?,
        target.credential.clone(),
        Some(KeyClientOptions {
            client_options: target.client_options.clone(),
            ..Default::default()
        }),
    )?;
    let suffix = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)?
        .as_secs();
    let name = format!("example-backup-{suffix}");
    let delete = || {
        Some(BeginDeleteKeyOptions {
            polling_interval: Some(target.polling_interval),
            ..Default::default()
        })
    };

    let first = client.create_ec_key(&name, None).await?;
    let second = client.create_ec_key(&name, None).await?;
    println!("created {} with two versions", first.name());

    // The backup is a blob only Key Vault can read, kept as `SecretBytes` (never printed).
    let backup = client.backup_key(&name, None).await?;
    println!(
        "backed up: {} bytes {:?}",
        backup.expose_secret().len(),
        backup
    );

    client.begin_delete_key(&name, delete()).await?.await?;
    client.purge_deleted_key(&name, None).await?;
    println!("deleted and purged {name}");
    assert!(client
        .get_key(&name, None)
        .await
        .unwrap_err()
        .is_not_found());

    let restored = client
        .restore_key_backup(backup.expose_secret(), None)
        .await?;
    println!(
        "restored {} version {:?}",
        restored.name(),
        restored.properties.version
    );
    assert_eq!(restored.properties.version, second.properties.version);
    assert_eq!(restored.key.x, second.key.x);
    let versions: Vec<_> = client
        .list_properties_of_key_versions(&name, None)?
        .try_collect()
        .await?;
    println!("{} versions restored", versions.len());
    assert_eq!(versions.len(), 2);

    client.begin_delete_key(&name, delete()).await?.await?;
    client.purge_deleted_key(&name, None).await?;
    println!("deleted and purged {name} again");
    Ok(())
}
