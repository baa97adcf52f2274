//! Set a key's rotation policy, rotate the key now, and list its versions; then delete and
//! purge it.
//!
//! Runs against an emulator started in this process, or against your vault when
//! `AZURE_KEYVAULT_URL=https://{vault}.vault.azure.net` is set (signed in with `az login`):
//!
//! ```sh
//! cargo run -p keyvault-keys --example rotate_key
//! ```

use futures::TryStreamExt;
use keyvault_emulator::Target;
use keyvault_keys::{
    BeginDeleteKeyOptions, KeyClient, KeyClientOptions, KeyRotationLifetimeAction,
    KeyRotationPolicy, KeyRotationPolicyAction,
};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let target = Target::from_env("rotate-key").await?;
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
    let name = format!("example-rotating-{suffix}");

    let first = client.create_rsa_key(&name, None).await?;
    println!(
        "created {} version {:?}",
        first.name(),
        first.properties.version
    );

    // Rotate 90 days after creation, notify 30 days before expiry; new versions expire after
    // a year. Durations are ISO 8601, checked before anything is sent.
    let policy = KeyRotationPolicy {
        lifetime_actions: vec![
            KeyRotationLifetimeAction::rotate_after_create("P90D"),
            KeyRotationLifetimeAction::notify_before_expiry("P30D"),
        ],
        expires_in: Some("P1Y".into()),
        ..Default::default()
    };
    let updated = client
        .update_key_rotation_policy(&name, &policy, None)
        .await?;
    println!(
        "rotation policy set: {} actions, new versions expire in {:?}",
        updated.lifetime_actions.len(),
        updated.expires_in
    );
    let read = client.get_key_rotation_policy(&name, None).await?;
    let rotate = read
        .lifetime_actions
        .iter()
        .find(|action| action.action == KeyRotationPolicyAction::Rotate)
        .expect("the policy has a Rotate action");
    println!("rotates {:?} after creation", rotate.time_after_create);
    assert_eq!(rotate.time_after_create.as_deref(), Some("P90D"));

    // Rotate now, as the policy would: a new version with new material.
    let rotated = client.rotate_key(&name, None).await?;
    println!("rotated: new version {:?}", rotated.properties.version);
    assert_ne!(rotated.properties.version, first.properties.version);

    // The key now has two versions.
    let versions: Vec<_> = client
        .list_properties_of_key_versions(&name, None)?
        .try_collect()
        .await?;
    for version in &versions {
        println!(
            "  version {:?} created {:?}",
            version.version, version.created_on
        );
    }
    assert_eq!(versions.len(), 2);

    client
        .begin_delete_key(
            &name,
            Some(BeginDeleteKeyOptions {
                polling_interval: Some(target.polling_interval),
                ..Default::default()
            }),
        )
        .await?
        .await?;
    client.purge_deleted_key(&name, None).await?;
    println!("deleted and purged {name}");
    Ok(())
}
