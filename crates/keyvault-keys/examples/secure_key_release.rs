//! Secure key release: create an exportable key whose release policy names an attestation
//! authority and a claim, then release it to an environment that presents an attestation
//! token satisfying the policy; the key arrives wrapped with the environment's own key. Finally
//! delete and purge what was created.
//!
//! Against the embedded emulator (the default) the attestation token is made up here: the
//! emulator reads its claims but does not check its signature. Against Azure, set
//! `AZURE_MANAGEDHSM_URL` (or `AZURE_KEYVAULT_URL` of a Premium vault), plus
//! `AZURE_ATTESTATION_AUTHORITY` (your Microsoft Azure Attestation provider's URL) and
//! `AZURE_ATTESTATION_TOKEN` (a token it issued to your confidential environment, carrying the
//! claim `sdk-test: true`):
//!
//! ```sh
//! cargo run -p keyvault-keys --example secure_key_release
//! ```

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use keyvault_emulator::Target;
use keyvault_keys::{
    BeginDeleteKeyOptions, CreateRsaKeyOptions, ExposeSecret, KeyClient, KeyClientOptions,
    KeyExportEncryptionAlgorithm, KeyReleasePolicy, ReleaseKeyOptions,
};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let target = Target::from_env("key-release").await?;
    let on_azure = target.emulator.is_none();
    let authority = match std::env::var("AZURE_ATTESTATION_AUTHORITY") {
        Ok(authority) => authority,
        Err(_) if on_azure => {
            println!("set AZURE_ATTESTATION_AUTHORITY and AZURE_ATTESTATION_TOKEN to release a key on Azure");
            return Ok(());
        }
        Err(_) => "https://attest.example".to_owned(),
    };
    // Exportable keys live in a Managed HSM or a Premium vault.
    let url = target
        .managed_hsm_url
        .clone()
        .unwrap_or_else(|| target.vault_url.clone());
    let client = KeyClient::new(
        &url,
        target.credential.clone(),
        Some(KeyClientOptions {
            client_options: target.client_options.clone(),
            ..Default::default()
        }),
    )?;
    let suffix = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)?
        .as_secs();
    let name = format!("example-exportable-{suffix}");

    // Release only to environments the authority attests with the claim `sdk-test: true`.
    let policy = KeyReleasePolicy {
        encoded_policy: serde_json::to_vec(&serde_json::json!({
            "version": "1.0.0",
            "anyOf": [{
                "authority": authority,
                "allOf": [{"claim": "sdk-test", "equals": "true"}],
            }],
        }))?,
        content_type: Some("application/json; charset=utf-8".into()),
        immutable: Some(false),
    };
    let key = client
        .create_rsa_key(
            &name,
            Some(CreateRsaKeyOptions {
                hardware_protected: true,
                exportable: Some(true),
                release_policy: Some(policy),
                ..Default::default()
            }),
        )
        .await?;
    println!(
        "created {} ({}), exportable = {:?}",
        key.name(),
        key.key_type(),
        key.properties.exportable
    );
    assert_eq!(key.properties.exportable, Some(true));

    // The environment's attestation token. On the emulator: an unsigned token whose runtime
    // key (the key the released key is wrapped with) is the public part of a second key.
    let mut cleanup = vec![name.clone()];
    let token = match std::env::var("AZURE_ATTESTATION_TOKEN") {
        Ok(token) => token,
        Err(_) => {
            let runtime_name = format!("example-runtime-{suffix}");
            let runtime = client.create_rsa_key(&runtime_name, None).await?;
            cleanup.push(runtime_name);
            let b64 = |bytes: &[u8]| URL_SAFE_NO_PAD.encode(bytes);
            let claims = serde_json::json!({
                "iss": authority,
                "sdk-test": "true",
                "x-ms-runtime": {"keys": [{
                    "kty": "RSA", "kid": "runtime", "key_ops": ["encrypt"],
                    "n": b64(runtime.key.n.as_deref().unwrap_or_default()),
                    "e": b64(runtime.key.e.as_deref().unwrap_or_default()),
                }]},
            });
            format!(
                "{}.{}.{}",
                b64(br#"{"alg":"RS256","typ":"JWT"}"#),
                b64(claims.to_string().as_bytes()),
                b64(b"unsigned")
            )
        }
    };

    let released = client
        .release_key(
            &name,
            &token,
            Some(ReleaseKeyOptions {
                algorithm: Some(KeyExportEncryptionAlgorithm::CkmRsaAesKeyWrap),
                nonce: Some(format!("nonce-{suffix}")),
                ..Default::default()
            }),
        )
        .await?;
    // A JWS whose payload holds the key wrapped for the environment; `{:?}` hides it.
    println!("released: {:?}", released.value);
    assert_eq!(
        released.value.expose_secret().split('.').count(),
        3,
        "a JWS"
    );

    for name in &cleanup {
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
