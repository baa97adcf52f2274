//! Envelope encryption: wrap a locally generated AES key with a vault RSA key (locally, with
//! the public key), then unwrap it in the vault, where the private key stays; then delete and
//! purge the key.
//!
//! Runs against an emulator started in this process, or against your vault when
//! `AZURE_KEYVAULT_URL=https://{vault}.vault.azure.net` is set (signed in with `az login`):
//!
//! ```sh
//! cargo run -p keyvault-keys --example wrap_unwrap
//! ```

use keyvault_emulator::Target;
use keyvault_keys::{
    BeginDeleteKeyOptions, CreateRsaKeyOptions, ExposeSecret, KeyClient, KeyClientOptions,
    KeyOperation, KeyWrapAlgorithm,
};
use rand_core::{OsRng, RngCore};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let target = Target::from_env("wrap-unwrap").await?;
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
    let name = format!("example-kek-{suffix}");

    // A key-encryption key that may only wrap and unwrap.
    let kek = client
        .create_rsa_key(
            &name,
            Some(CreateRsaKeyOptions {
                size: Some(3072),
                key_operations: Some(vec![KeyOperation::WrapKey, KeyOperation::UnwrapKey]),
                ..Default::default()
            }),
        )
        .await?;
    println!(
        "created {} permitting {:?}",
        kek.name(),
        kek.key_operations()
    );

    // The data-encryption key: 256 random bits, never printed.
    let mut data_key = [0u8; 32];
    OsRng.fill_bytes(&mut data_key);

    let crypto = client.get_cryptography_client(&name, None)?;
    let wrapped = crypto
        .wrap_key(KeyWrapAlgorithm::RsaOaep256, &data_key, None)
        .await?;
    println!(
        "wrapped a {}-byte key into {} bytes with {} ({:?})",
        data_key.len(),
        wrapped.encrypted_key.len(),
        wrapped.algorithm,
        wrapped.key_id
    );
    // Store `wrapped.encrypted_key` next to the data it protects; later:
    let unwrapped = crypto
        .unwrap_key(KeyWrapAlgorithm::RsaOaep256, &wrapped.encrypted_key, None)
        .await?;
    println!("unwrapped in the vault: {:?}", unwrapped.key);
    assert_eq!(unwrapped.key.expose_secret(), &data_key[..]);

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
