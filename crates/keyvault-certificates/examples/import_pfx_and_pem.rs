//! Import a certificate you already have, with its private key: a PKCS#12 (PFX) archive
//! protected by a password, and PEM text (private key and certificate). The example makes both
//! locally with `rcgen` (and `p12-keystore` for the archive); in your program they would come
//! from a file. Then it deletes and purges them.
//!
//! Runs against an emulator started in this process, or against your vault when
//! `AZURE_KEYVAULT_URL=https://{vault}.vault.azure.net` is set (signed in with `az login`):
//!
//! ```sh
//! cargo run -p keyvault-certificates --example import_pfx_and_pem
//! ```

use keyvault_certificates::{
    BeginDeleteCertificateOptions, CertificateClient, CertificateClientOptions,
    CertificateContentType, ImportCertificateOptions, SecretString,
};
use keyvault_emulator::Target;
use std::collections::HashMap;

type Error = Box<dyn std::error::Error + Send + Sync>;

/// A fresh key pair and a self-signed certificate for `dns_name`, made locally.
fn self_signed(dns_name: &str) -> Result<(rcgen::KeyPair, rcgen::Certificate), Error> {
    let key = rcgen::KeyPair::generate()?;
    let certificate =
        rcgen::CertificateParams::new(vec![dns_name.to_string()])?.self_signed(&key)?;
    Ok((key, certificate))
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    let target = Target::from_env("import-pfx-and-pem").await?;
    let client = CertificateClient::new(
        target.require_vault()?,
        target.credential.clone(),
        Some(CertificateClientOptions {
            client_options: target.client_options.clone(),
            ..Default::default()
        }),
    )?;
    let suffix = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)?
        .as_secs();

    // A PKCS#12 archive holding the key and the certificate, under a password.
    let password = "pfx-password";
    let (key, certificate) = self_signed("pfx.contoso.com")?;
    let chain = p12_keystore::PrivateKeyChain::new(
        b"1".to_vec(),
        p12_keystore::PrivateKey::from_der(&key.serialize_der())?,
        [p12_keystore::Certificate::from_der(certificate.der())?],
    );
    let mut store = p12_keystore::KeyStore::new();
    store.add_entry("pfx", p12_keystore::KeyStoreEntry::PrivateKeyChain(chain));
    let pfx: Vec<u8> = store.writer(password).write()?;

    let pfx_name = format!("imported-pfx-{suffix}");
    let imported = client
        .import_certificate(
            &pfx_name,
            &pfx,
            Some(ImportCertificateOptions {
                // The password is a `SecretString`: never shown by `{:?}`.
                password: Some(SecretString::new(password)),
                tags: Some(HashMap::from([("source".into(), "pfx".into())])),
                ..Default::default()
            }),
        )
        .await?;
    println!(
        "imported {} version {:?} from a PKCS#12 archive of {} bytes",
        imported.name(),
        imported.version(),
        pfx.len()
    );
    assert_eq!(imported.cer, certificate.der().to_vec());
    assert_eq!(
        imported
            .policy
            .as_ref()
            .and_then(|p| p.content_type.clone()),
        Some(CertificateContentType::Pkcs12)
    );

    // PEM text: the private key, then the certificate (and any chain after it). The content
    // type (PEM) is taken from the bytes.
    let (key, certificate) = self_signed("pem.contoso.com")?;
    let pem = format!("{}{}", key.serialize_pem(), certificate.pem());
    let pem_name = format!("imported-pem-{suffix}");
    let imported = client
        .import_certificate(&pem_name, pem.as_bytes(), None)
        .await?;
    println!(
        "imported {} version {:?} from PEM text",
        imported.name(),
        imported.version()
    );
    assert_eq!(imported.cer, certificate.der().to_vec());
    assert_eq!(
        imported
            .policy
            .as_ref()
            .and_then(|p| p.content_type.clone()),
        Some(CertificateContentType::Pem)
    );

    // Clean up: delete (awaiting the poller in a vault with soft delete), then purge.
    for name in [pfx_name, pem_name] {
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
        println!("purged   {name}");
    }
    Ok(())
}
