//! Create a self-signed certificate, wait for Key Vault to issue it, and download it with its
//! private key as PKCS#12 (PFX) and as PEM through the certificate's secret; then delete and
//! purge it.
//!
//! Runs against an emulator started in this process, or against your vault when
//! `AZURE_KEYVAULT_URL=https://{vault}.vault.azure.net` is set (signed in with `az login`):
//!
//! ```sh
//! cargo run -p keyvault-certificates --example create_self_signed
//! ```

use base64::{engine::general_purpose::STANDARD, Engine};
use keyvault_certificates::{
    BeginCreateCertificateOptions, BeginDeleteCertificateOptions, CertificateClient,
    CertificateClientOptions, CertificateContentType, CertificatePolicy, WellKnownIssuerNames,
};
use keyvault_emulator::Target;
use keyvault_secrets::{ExposeSecret, GetSecretOptions, SecretClient, SecretClientOptions};

type Error = Box<dyn std::error::Error + Send + Sync>;

#[tokio::main]
async fn main() -> Result<(), Error> {
    let target = Target::from_env("create-self-signed").await?;
    let client = CertificateClient::new(
        target.require_vault()?,
        target.credential.clone(),
        Some(CertificateClientOptions {
            client_options: target.client_options.clone(),
            ..Default::default()
        }),
    )?;
    // The certificate's private key and the certificate itself are read through its secret.
    let secrets = SecretClient::new(
        target.require_vault()?,
        target.credential.clone(),
        Some(SecretClientOptions {
            client_options: target.client_options.clone(),
            ..Default::default()
        }),
    )?;
    let suffix = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)?
        .as_secs();

    for content_type in [CertificateContentType::Pkcs12, CertificateContentType::Pem] {
        let kind = if content_type == CertificateContentType::Pem {
            "pem"
        } else {
            "pfx"
        };
        let name = format!("self-signed-{kind}-{suffix}");

        // The policy says who issues the certificate (`Self`: Key Vault signs it with its own
        // key), its subject and alternative names, its validity, and the format of its secret.
        let policy = CertificatePolicy {
            san_dns_names: Some(vec!["www.contoso.com".into()]),
            content_type: Some(content_type.clone()),
            validity_in_months: Some(12),
            ..CertificatePolicy::new(WellKnownIssuerNames::SELF, "CN=contoso.com")
        };

        // Creating is a long-running operation: the poller follows it until the certificate
        // is issued.
        let poller = client
            .begin_create_certificate(
                &name,
                &policy,
                Some(BeginCreateCertificateOptions {
                    polling_interval: Some(target.polling_interval),
                    ..Default::default()
                }),
            )
            .await?;
        println!("create   {name}: waiting for Key Vault to issue it");
        let certificate = poller.await?.into_certificate()?;
        println!(
            "issued   {} version {:?}, {} bytes of DER",
            certificate.name(),
            certificate.version(),
            certificate.cer.len()
        );
        assert!(!certificate.cer.is_empty());
        assert_eq!(
            certificate
                .policy
                .as_ref()
                .and_then(|p| p.content_type.clone()),
            Some(content_type.clone())
        );

        // Download: the secret of the same name and version holds the certificate and its
        // private key, in the policy's format. Save it somewhere safe; it is never printed.
        let secret = secrets
            .get_secret(
                certificate.name(),
                Some(GetSecretOptions {
                    version: certificate.version().map(str::to_string),
                    ..Default::default()
                }),
            )
            .await?;
        println!(
            "download {} as {:?}",
            certificate.name(),
            secret.properties.content_type
        );
        if content_type == CertificateContentType::Pem {
            // PEM text: the private key and the certificate.
            let pem = secret.value.expose_secret();
            assert!(pem.contains("-----BEGIN CERTIFICATE-----"));
            assert!(pem.contains("PRIVATE KEY-----"));
            println!(
                "         {} PEM blocks (key and certificate)",
                pem.matches("-----BEGIN ").count()
            );
        } else {
            // PKCS#12: base64 of the archive (without a password), ready for `std::fs::write`.
            let pfx = STANDARD.decode(secret.value.expose_secret())?;
            let store = p12_keystore::KeyStore::from_pkcs12(
                &pfx,
                "",
                p12_keystore::Pkcs12ImportPolicy::Relaxed,
            )?;
            let (_, chain) = store
                .private_key_chain()
                .ok_or("the archive holds no private key")?;
            assert_eq!(chain.certs()[0].as_der(), certificate.cer.as_slice());
            println!(
                "         a PKCS#12 archive of {} bytes with the key and the certificate",
                pfx.len()
            );
        }

        // Clean up: delete (awaiting the poller in a vault with soft delete), then purge.
        client
            .begin_delete_certificate(
                &name,
                Some(BeginDeleteCertificateOptions {
                    polling_interval: Some(target.polling_interval),
                    ..Default::default()
                }),
            )
            .await?
            .await?;
        client.purge_deleted_certificate(&name, None).await?;
        println!("purge    {name}");
    }
    Ok(())
}
