//! Hello world: set a secret, read it back, change its properties, then delete and purge it.
//!
//! Runs against an emulator started in this process, or against your vault when
//! `AZURE_KEYVAULT_URL=https://{vault}.vault.azure.net` is set (signed in with `az login`):
//!
//! ```sh
//! cargo run -p keyvault-secrets --example hello_world
//! ```

use keyvault_emulator::Target;
use keyvault_secrets::{
    BeginDeleteSecretOptions, ExposeSecret, SecretClient, SecretClientOptions, SetSecretOptions,
    UpdateSecretPropertiesOptions,
};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let target = Target::from_env("hello-world").await?;
    // A name of its own for each run, so that runs against a real vault never collide.
    let name = format!(
        "hello-world-{}",
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)?
            .as_secs()
    );
    let client = SecretClient::new(
        target.require_vault()?,
        target.credential.clone(),
        Some(SecretClientOptions {
            client_options: target.client_options.clone(),
            ..Default::default()
        }),
    )?;

    // Create the secret, or add a version to it.
    let secret = client
        .set_secret(
            &name,
            "correct horse battery staple",
            Some(SetSecretOptions {
                content_type: Some("text/plain".into()),
                ..Default::default()
            }),
        )
        .await?;
    println!(
        "set {} version {:?}",
        secret.name(),
        secret.properties.version
    );

    // Read the latest version. The value is a `SecretString`: `{:?}` prints a placeholder.
    let secret = client.get_secret(&name, None).await?;
    println!("got {} = {:?}", secret.name(), secret.value);
    assert_eq!(secret.value.expose_secret(), "correct horse battery staple");

    // Properties change without a new version; the value never does.
    let properties = client
        .update_secret_properties(
            &name,
            Some(UpdateSecretPropertiesOptions {
                content_type: Some("text/x-password".into()),
                ..Default::default()
            }),
        )
        .await?;
    println!("content type now {:?}", properties.content_type);

    // Deleting is a long-running operation in a vault with soft delete: await the poller before
    // purging.
    let deleted = client
        .begin_delete_secret(
            &name,
            Some(BeginDeleteSecretOptions {
                polling_interval: Some(target.polling_interval),
                ..Default::default()
            }),
        )
        .await?
        .await?;
    println!(
        "deleted {}, purge scheduled {:?}",
        deleted.name(),
        deleted.scheduled_purge_date
    );
    client.purge_deleted_secret(&name, None).await?;
    println!("purged");
    Ok(())
}
