//! A tour of the Key Vault crates: secrets, keys with local and remote cryptography, and a
//! self-signed certificate downloaded as PEM.
//!
//! Without `AZURE_KEYVAULT_URL` it starts the emulator in-process and tours it over HTTPS with
//! a real `azure_identity` credential against the emulator's token endpoint. With it, it tours
//! that vault with `azure_identity`'s developer credential chain (Azure CLI, Azure Developer
//! CLI), creating, then purging, objects whose names start with `tour-`.

use futures::TryStreamExt;
use keyvault_certificates::{
    BeginDeleteCertificateOptions, CertificateClient, CertificateClientOptions,
    CertificateContentType, CertificatePolicy, WellKnownIssuerNames,
};
use keyvault_emulator::Target;
use keyvault_keys::{
    BeginDeleteKeyOptions, CreateEcKeyOptions, CreateRsaKeyOptions, EncryptionAlgorithm, KeyClient,
    KeyClientOptions, KeyCurveName, SignatureAlgorithm,
};
use keyvault_secrets::ExposeSecret;
use keyvault_secrets::{
    BeginDeleteSecretOptions, BeginRecoverDeletedSecretOptions, GetSecretOptions,
    ListPropertiesOfSecretsOptions, SecretClient, SecretClientOptions, SetSecretOptions,
};
use sha2::{Digest, Sha256};
use std::error::Error;

type TourResult = Result<(), Box<dyn Error + Send + Sync>>;

async fn secrets_tour(target: &Target, suffix: &str) -> TourResult {
    println!("\n== Secrets");
    let options = SecretClientOptions {
        client_options: target.client_options.clone(),
        ..Default::default()
    };
    let client = SecretClient::new(&target.vault_url, target.credential.clone(), Some(options))?;
    let name = format!("tour-secret-{suffix}");
    let delete = || {
        Some(BeginDeleteSecretOptions {
            polling_interval: Some(target.polling_interval),
            ..Default::default()
        })
    };

    let set = client
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
        "set      {} (version {})",
        set.name(),
        set.properties.version.as_deref().unwrap_or("?")
    );

    let got = client.get_secret(&name, None).await?;
    println!(
        "get      {} = {} characters (Debug shows {:?})",
        got.name(),
        got.value.expose_secret().len(),
        got.value
    );

    let listed: Vec<_> = client
        .list_properties_of_secrets(Some(ListPropertiesOfSecretsOptions {
            max_page_size: Some(25),
            ..Default::default()
        }))?
        .try_collect()
        .await?;
    println!(
        "list     {} secrets, ours among them: {}",
        listed.len(),
        listed.iter().any(|p| p.name == name)
    );

    let deleted = client.begin_delete_secret(&name, delete()).await?.await?;
    println!(
        "delete   {} (purge scheduled {:?})",
        deleted.name(),
        deleted.scheduled_purge_date
    );

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
    println!("recover  {}", recovered.name);

    client.begin_delete_secret(&name, delete()).await?.await?;
    client.purge_deleted_secret(&name, None).await?;
    println!("purge    {name}");
    Ok(())
}

async fn keys_tour(target: &Target, suffix: &str) -> TourResult {
    println!("\n== Keys");
    let options = KeyClientOptions {
        client_options: target.client_options.clone(),
        ..Default::default()
    };
    let client = KeyClient::new(&target.vault_url, target.credential.clone(), Some(options))?;
    let poll = Some(BeginDeleteKeyOptions {
        polling_interval: Some(target.polling_interval),
        ..Default::default()
    });

    let rsa_name = format!("tour-rsa-{suffix}");
    let rsa = client
        .create_rsa_key(
            &rsa_name,
            Some(CreateRsaKeyOptions {
                size: Some(2048),
                ..Default::default()
            }),
        )
        .await?;
    println!("create   {} ({})", rsa.name(), rsa.key_type());

    // The public key is fetched once: encrypt and verify run here, decrypt and sign in the vault.
    let crypto = client.get_cryptography_client(&rsa_name, None)?;
    let encrypted = crypto
        .encrypt(EncryptionAlgorithm::RsaOaep256, b"tour plaintext", None)
        .await?;
    let decrypted = crypto
        .decrypt(EncryptionAlgorithm::RsaOaep256, &encrypted.ciphertext, None)
        .await?;
    println!(
        "encrypt  locally, decrypt in the vault: round trip {}",
        if decrypted.plaintext.expose_secret() == b"tour plaintext" {
            "ok"
        } else {
            "FAILED"
        }
    );
    let digest = Sha256::digest(b"tour message");
    let signature = crypto
        .sign(SignatureAlgorithm::Ps256, &digest, None)
        .await?;
    let verified = crypto
        .verify(
            SignatureAlgorithm::Ps256,
            &digest,
            &signature.signature,
            None,
        )
        .await?;
    println!(
        "sign     in the vault, verify locally: valid = {}",
        verified.is_valid
    );

    let ec_name = format!("tour-ec-{suffix}");
    client
        .create_ec_key(
            &ec_name,
            Some(CreateEcKeyOptions {
                curve: Some(KeyCurveName::P256),
                ..Default::default()
            }),
        )
        .await?;
    let ec = client.get_cryptography_client(&ec_name, None)?;
    let signature = ec.sign(SignatureAlgorithm::Es256, &digest, None).await?;
    let verified = ec
        .verify(
            SignatureAlgorithm::Es256,
            &digest,
            &signature.signature,
            None,
        )
        .await?;
    println!(
        "ES256    sign in the vault, verify locally: valid = {}",
        verified.is_valid
    );
    if decrypted.plaintext.expose_secret() != b"tour plaintext" || !verified.is_valid {
        return Err("a cryptographic round trip failed".into());
    }

    for name in [&rsa_name, &ec_name] {
        client.begin_delete_key(name, poll.clone()).await?.await?;
        client.purge_deleted_key(name, None).await?;
    }
    println!("purge    {rsa_name}, {ec_name}");
    Ok(())
}

async fn certificates_tour(target: &Target, suffix: &str) -> TourResult {
    println!("\n== Certificates");
    let client = CertificateClient::new(
        &target.vault_url,
        target.credential.clone(),
        Some(CertificateClientOptions {
            client_options: target.client_options.clone(),
            ..Default::default()
        }),
    )?;
    let poll = Some(BeginDeleteCertificateOptions {
        polling_interval: Some(target.polling_interval),
        ..Default::default()
    });
    let name = format!("tour-cert-{suffix}");
    let policy = CertificatePolicy {
        san_dns_names: Some(vec!["tour.example.com".into()]),
        content_type: Some(CertificateContentType::Pem),
        validity_in_months: Some(12),
        ..CertificatePolicy::new(WellKnownIssuerNames::SELF, "CN=tour.example.com")
    };
    let poller = client
        .begin_create_certificate(&name, &policy, None)
        .await?;
    println!("create   {name}: a self-signed certificate, waiting for the operation");
    let certificate = poller.await?.into_certificate()?;
    println!(
        "issued   {} ({} bytes of DER, thumbprint {} bytes)",
        certificate.name(),
        certificate.cer.len(),
        certificate
            .properties
            .x509_thumbprint
            .as_ref()
            .map_or(0, Vec::len)
    );

    // The certificate's secret holds the certificate and its private key, as PEM per the policy.
    let secrets = SecretClient::new(
        &target.vault_url,
        target.credential.clone(),
        Some(SecretClientOptions {
            client_options: target.client_options.clone(),
            ..Default::default()
        }),
    )?;
    let pem = secrets
        .get_secret(
            certificate.name(),
            Some(GetSecretOptions {
                version: certificate.version().map(str::to_string),
                ..Default::default()
            }),
        )
        .await?;
    let text = pem.value.expose_secret();
    let blocks = text.matches("-----BEGIN ").count();
    println!(
        "download {} as PEM: {blocks} blocks (certificate and private key)",
        certificate.name()
    );
    if !text.contains("BEGIN CERTIFICATE") || !text.contains("PRIVATE KEY") {
        return Err("the downloaded PEM lacks the certificate or its key".into());
    }

    client.begin_delete_certificate(&name, poll).await?.await?;
    client.purge_deleted_certificate(&name, None).await?;
    println!("purge    {name}");
    Ok(())
}

#[tokio::main]
async fn main() -> TourResult {
    let target = Target::from_env("tour").await?;
    let suffix = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)?
        .as_secs()
        .to_string();
    secrets_tour(&target, &suffix).await?;
    keys_tour(&target, &suffix).await?;
    certificates_tour(&target, &suffix).await?;
    println!("\nTour complete.");
    Ok(())
}
