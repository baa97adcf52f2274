//! Delete, recover and purge: in a vault with soft delete, a deleted secret can be read,
//! listed and recovered until it is purged (or its retention period ends).
//!
//! Deletes a secret and waits for the deletion with the poller, reads the deleted secret, finds
//! it among the deleted secrets, recovers it, then deletes it again and purges it for good.
//!
//! Runs against an emulator started in this process, or against your vault when
//! `AZURE_KEYVAULT_URL=https://{vault}.vault.azure.net` is set (signed in with `az login`;
//! purging needs the purge permission):
//!
//! ```sh
//! cargo run -p keyvault-secrets --example delete_recover_purge
//! ```

use futures::TryStreamExt;
use keyvault_emulator::Target;
use keyvault_secrets::{
    BeginDeleteSecretOptions, BeginRecoverDeletedSecretOptions, ExposeSecret, SecretClient,
    SecretClientOptions,
};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let target = Target::from_env("delete-recover-purge").await?;
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
    let name = format!("delete-example-{suffix}");
    client.set_secret(&name, "s3cr3t-value", None).await?;
    println!("set {name}");

    // Deleting is a long-running operation: the poller completes once the deleted secret
    // can be read.
    let deleted = client
        .begin_delete_secret(&name, delete_options())
        .await?
        .await?;
    println!(
        "deleted {} on {:?}, purge scheduled {:?}",
        deleted.name(),
        deleted.deleted_date,
        deleted.scheduled_purge_date
    );
    let error = client
        .get_secret(&name, None)
        .await
        .expect_err("a deleted secret cannot be read");
    assert!(error.is_not_found());
    println!("get_secret now fails: {}", error.code().unwrap_or("?"));

    // The deleted secret: its properties and recovery id (no value).
    let deleted = client.get_deleted_secret(&name, None).await?;
    println!(
        "deleted secret {} recovery id {:?}",
        deleted.name(),
        deleted.recovery_id
    );

    // Among the deleted secrets of the vault.
    let mut found = false;
    let mut deleted_secrets = client.list_deleted_secrets(None)?;
    while let Some(deleted) = deleted_secrets.try_next().await? {
        if deleted.name() == name {
            found = true;
            println!("listed deleted secret {}", deleted.name());
        }
    }
    assert!(found);

    // Recover it: the poller completes once the secret can be read again.
    let recovered = client
        .begin_recover_deleted_secret(
            &name,
            Some(BeginRecoverDeletedSecretOptions {
                polling_interval: Some(target.polling_interval),
                ..Default::default()
            }),
        )
        .await?
        .await?;
    println!("recovered {}", recovered.name);
    let secret = client.get_secret(&name, None).await?;
    assert_eq!(secret.value.expose_secret(), "s3cr3t-value");
    println!("read {} back after recovery", secret.name());

    // Delete it again, and purge it: no recovery after this.
    client
        .begin_delete_secret(&name, delete_options())
        .await?
        .await?;
    client.purge_deleted_secret(&name, None).await?;
    println!("deleted and purged {name}");
    Ok(())
}
