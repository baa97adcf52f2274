//! Full backup and restore of a Managed HSM: back every key of the HSM up into a new folder of
//! an Azure Blob Storage container, then restore the HSM from that folder. Both are
//! long-running operations: each call returns a poller, awaited here to the end.
//!
//! Runs against an emulator started in this process, which stands in for blob storage with a
//! temporary local folder and accepts any `https` container URL and any SAS token:
//!
//! ```sh
//! cargo run -p keyvault-administration --example full_backup_restore
//! ```
//!
//! On Azure, name your Managed HSM (signed in with `az login` as one of its administrators, or
//! holding the "Managed HSM Backup User" role), the container, and a SAS token for it with read,
//! write and list rights (without the leading `?`):
//!
//! ```sh
//! AZURE_MANAGEDHSM_URL=https://{hsm}.managedhsm.azure.net \
//! AZURE_STORAGE_CONTAINER_URL=https://{account}.blob.core.windows.net/{container} \
//! AZURE_STORAGE_SAS_TOKEN=$(az storage container generate-sas --account-name {account} \
//!     --name {container} --permissions crwl --expiry 2030-01-01 --https-only -o tsv) \
//!     cargo run -p keyvault-administration --example full_backup_restore
//! ```
//!
//! Without `AZURE_STORAGE_SAS_TOKEN`, the HSM reaches the container with its own managed
//! identity, which needs the "Storage Blob Data Contributor" role on it. A full restore puts
//! every key of the HSM back as the backup has it: run this on an HSM you can do that to. The
//! backup folder stays in your container; delete it there when you no longer need it.

use keyvault_administration::{
    AdministrationClientOptions, BeginBackupOptions, BeginRestoreOptions, KeyVaultBackupClient,
    StorageAuthentication,
};
use keyvault_emulator::Target;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let target = Target::from_env("full-backup-restore").await?;
    let client = KeyVaultBackupClient::new(
        target.require_managed_hsm()?,
        target.credential.clone(),
        Some(AdministrationClientOptions {
            client_options: target.client_options.clone(),
            ..Default::default()
        }),
    )?;

    // Where the backup goes, and how the HSM may write there.
    let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
    let (container_url, auth) = match (var("AZURE_STORAGE_CONTAINER_URL"), &target.emulator) {
        (Some(url), _) => {
            let auth = match var("AZURE_STORAGE_SAS_TOKEN") {
                Some(token) => StorageAuthentication::sas_token(token),
                None => StorageAuthentication::ManagedIdentity,
            };
            (url, auth)
        }
        // The emulator writes the container into a temporary folder of its own.
        (None, Some(_)) => (
            "https://examples.blob.core.windows.net/backups".to_owned(),
            StorageAuthentication::sas_token("sv=2024-08-04&sr=c&sp=crwl&sig=emulated"),
        ),
        (None, None) => return Err("set AZURE_STORAGE_CONTAINER_URL to run this on Azure".into()),
    };

    // Back up: a new folder of the container receives the HSM's keys.
    println!("backing up to {container_url}");
    let backup = client
        .begin_backup(
            &container_url,
            &auth,
            Some(BeginBackupOptions {
                polling_interval: Some(target.polling_interval),
                ..Default::default()
            }),
        )
        .await?
        .await?;
    println!(
        "backup {:?} done: {}",
        backup.job_id.as_deref().unwrap_or("-"),
        backup.folder_url
    );
    assert!(backup
        .folder_url
        .starts_with(container_url.trim_end_matches('/')));

    // Restore the whole HSM from that folder (with `key_name`, only that key).
    let restore = client
        .begin_restore(
            &backup.folder_url,
            &auth,
            Some(BeginRestoreOptions {
                polling_interval: Some(target.polling_interval),
                ..Default::default()
            }),
        )
        .await?
        .await?;
    println!(
        "restore {:?} done",
        restore.job_id.as_deref().unwrap_or("-")
    );
    Ok(())
}
