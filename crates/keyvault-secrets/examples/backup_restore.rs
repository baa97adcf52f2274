//! Back up and restore: back a secret up (every version, in a blob only Key Vault can read),
//! delete and purge it, restore it from the backup, and read it back.
//!
//! Runs against an emulator started in this process, or against your vault when
//! `AZURE_KEYVAULT_URL=https://{vault}.vault.azure.net` is set (signed in with `az login`;
//! purging needs the purge permission):
//!
//! ```sh
//! cargo run -p keyvault-secrets --example backup_restore
//! ```

use keyvault_emulator::Target;
use keyvault_secrets::{BeginDeleteSecretOptions, ExposeSecret, SecretClient, SecretClientOptions};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let target = Target::from_env("backup-restore").await?;
    let client = SecretClient::new(
        target.require_vault()?,
        target.credential.clone(),
        Some(SecretClientOptions {
            client_options: target.client_options.clone(),
            ..Default::default()
        }),
    )?;
    let delete_options = || {
        Some(BeginDeleteSecretOptions {
            polling_interval: Some(target.polling_interval),
            ..Default::default()
        })
    };

    // A name unique to this run, so that runs against a real vault do not collide.
    let suffix = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)?
        .as_secs();
    let name = format!("backup-example-{suffix}");
    let secret = client.set_secret(&name, "s3cr3t-value", None).await?;
    println!("set {}", secret.name());

    // The backup is `SecretBytes`: store it as you would the secret itself.
    let backup = client.backup_secret(&name, None).await?;
    println!("backed up {name}: {} bytes", backup.len());

    // A secret restores only under a name that is free: delete and purge the original.
    client
        .begin_delete_secret(&name, delete_options())
        .await?
        .await?;
    client.purge_deleted_secret(&name, None).await?;
    println!("deleted and purged {name}");

    // A vault finishes a purge in the background: until it has, the name is still taken and
    // the restore is refused with a conflict. Try again a while.
    let mut attempts = 0;
    let restored = loop {
        match client
            .restore_secret_backup(backup.expose_secret(), None)
            .await
        {
            Ok(restored) => break restored,
            Err(e) if e.is_conflict() && attempts < 90 => {
                attempts += 1;
                tokio::time::sleep(target.polling_interval).await;
            }
            Err(e) => return Err(e.into()),
        }
    };
    println!(
        "restored {} (version {:?})",
        restored.name, restored.version
    );
    assert_eq!(restored.version, secret.properties.version);

    let secret = client.get_secret(&name, None).await?;
    assert_eq!(secret.value.expose_secret(), "s3cr3t-value");
    println!("read {} back", secret.name());

    // Clean up.
    client
        .begin_delete_secret(&name, delete_options())
        .await?
        .await?;
    client.purge_deleted_secret(&name, None).await?;
    println!("deleted and purged {name}");
    Ok(())
}
