//! Encrypt, decrypt, sign and verify with `CryptographyClient`: with the public key alone,
//! locally (nothing is sent), and with a client of the vault's key, which runs locally what the
//! public key allows (encrypt, verify) and sends to the vault what needs the private key
//! (decrypt, sign). A request log shows which operation ran where.
//!
//! Runs against an emulator started in this process, or against your vault when
//! `AZURE_KEYVAULT_URL=https://{vault}.vault.azure.net` is set (signed in with `az login`):
//!
//! ```sh
//! cargo run -p keyvault-keys --example crypto_local_and_remote
//! ```

use async_trait::async_trait;
use keyvault_emulator::Target;
use keyvault_keys::azure_core::http::{
    policies::{Policy, PolicyResult},
    Context, Request,
};
use keyvault_keys::{
    BeginDeleteKeyOptions, CryptographyClient, EncryptionAlgorithm, ExposeSecret, KeyClient,
    KeyClientOptions, SignatureAlgorithm,
};
use sha2::{Digest, Sha256};
use std::sync::{Arc, Mutex};

/// Remembers every request sent, so that the example can say what ran where.
#[derive(Debug, Default)]
struct RequestLog(Mutex<Vec<String>>);

impl RequestLog {
    /// The requests sent since the last call, as `METHOD /path`; empty when all ran locally.
    fn take(&self) -> Vec<String> {
        std::mem::take(&mut *self.0.lock().unwrap())
    }

    fn report(&self, operation: &str) {
        let sent = self.take();
        if sent.is_empty() {
            println!("{operation:<25} ran locally: nothing sent");
        } else if sent.iter().all(|request| request.starts_with("GET ")) {
            // The first operation of a client of a key id reads the key (its public part).
            println!(
                "{operation:<25} ran locally, after reading the key once: {}",
                sent.join(", ")
            );
        } else {
            println!("{operation:<25} sent to the vault: {}", sent.join(", "));
        }
    }
}

#[allow(elided_lifetimes_in_paths)]
#[async_trait]
impl Policy for RequestLog {
    async fn send(
        &self,
        ctx: &Context,
        request: &mut Request,
        next: &[Arc<dyn Policy>],
    ) -> PolicyResult {
        self.0
            .lock()
            .unwrap()
            .push(format!("{} {}", request.method(), request.url().path()));
        next[0].send(ctx, request, &next[1..]).await
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let target = Target::from_env("crypto").await?;
    let log = Arc::new(RequestLog::default());
    let mut client_options = target.client_options.clone();
    client_options.per_call_policies.push(log.clone());
    let client = KeyClient::new(
        target.require_vault()?,
        target.credential.clone(),
        Some(KeyClientOptions {
            client_options,
            ..Default::default()
        }),
    )?;
    let suffix = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)?
        .as_secs();
    let name = format!("example-crypto-{suffix}");
    let key = client.create_rsa_key(&name, None).await?;
    log.report("create_rsa_key");

    let plaintext = b"a message for the vault";
    let digest = Sha256::digest(b"a message to sign");

    // 1. The public key alone: a local-only client. Only what a public key can do works, and
    //    nothing is ever sent.
    let public = CryptographyClient::from_jwk(key.key.public_only())?;
    let encrypted_locally = public
        .encrypt(EncryptionAlgorithm::RsaOaep256, plaintext, None)
        .await?;
    log.report("public key: encrypt");
    let cannot_decrypt = public
        .decrypt(
            EncryptionAlgorithm::RsaOaep256,
            &encrypted_locally.ciphertext,
            None,
        )
        .await;
    println!(
        "{:<25} refused: {}",
        "public key: decrypt",
        cannot_decrypt.unwrap_err()
    );
    assert!(log.take().is_empty(), "a local-only client never sends");

    // 2. A client of the vault's key (sharing the KeyClient's pipeline). It reads the key once,
    //    then runs encrypt and verify locally with its public part; decrypt and sign need the
    //    private key, which never leaves the vault.
    let crypto = client.get_cryptography_client(&name, None)?;
    let encrypted = crypto
        .encrypt(EncryptionAlgorithm::RsaOaep256, plaintext, None)
        .await?;
    log.report("vault key: encrypt");
    let decrypted = crypto
        .decrypt(EncryptionAlgorithm::RsaOaep256, &encrypted.ciphertext, None)
        .await?;
    log.report("vault key: decrypt");
    assert_eq!(decrypted.plaintext.expose_secret(), plaintext);

    // What was encrypted with the public key alone, the vault decrypts too.
    let decrypted = crypto
        .decrypt(
            EncryptionAlgorithm::RsaOaep256,
            &encrypted_locally.ciphertext,
            None,
        )
        .await?;
    log.report("vault key: decrypt again");
    assert_eq!(decrypted.plaintext.expose_secret(), plaintext);

    let signed = crypto
        .sign(SignatureAlgorithm::Ps256, &digest, None)
        .await?;
    log.report("vault key: sign");
    let verified = crypto
        .verify(SignatureAlgorithm::Ps256, &digest, &signed.signature, None)
        .await?;
    log.report("vault key: verify");
    assert!(verified.is_valid);

    // The public key alone verifies the vault's signature, and sees a forged one.
    let verified = public
        .verify(SignatureAlgorithm::Ps256, &digest, &signed.signature, None)
        .await?;
    log.report("public key: verify");
    assert!(verified.is_valid);
    let mut forged = signed.signature.clone();
    forged[0] ^= 1;
    let verified = public
        .verify(SignatureAlgorithm::Ps256, &digest, &forged, None)
        .await?;
    println!("a forged signature is valid: {}", verified.is_valid);
    assert!(!verified.is_valid);

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
