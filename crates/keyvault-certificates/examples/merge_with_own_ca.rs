//! Have your own certificate authority sign a certificate whose private key never leaves Key
//! Vault: create it with the issuer `Unknown`, take the certificate signing request (CSR) of the
//! pending operation, sign it with your CA (here one made with `rcgen`), and merge the signed
//! certificate and its chain. Then delete and purge it.
//!
//! Runs against an emulator started in this process, or against your vault when
//! `AZURE_KEYVAULT_URL=https://{vault}.vault.azure.net` is set (signed in with `az login`):
//!
//! ```sh
//! cargo run -p keyvault-certificates --example merge_with_own_ca
//! ```

use keyvault_certificates::{
    BeginCreateCertificateOptions, BeginDeleteCertificateOptions, CertificateClient,
    CertificateClientOptions, CertificateOperationStatus, CertificatePolicy,
    CreateCertificateResult, KeyType, WellKnownIssuerNames,
};
use keyvault_emulator::Target;

type Error = Box<dyn std::error::Error + Send + Sync>;

/// Your certificate authority: its key, its parameters and its certificate (DER).
struct Ca {
    key: rcgen::KeyPair,
    params: rcgen::CertificateParams,
    der: Vec<u8>,
}

impl Ca {
    fn new() -> Result<Ca, Error> {
        let key = rcgen::KeyPair::generate()?;
        let mut params = rcgen::CertificateParams::new(Vec::<String>::new())?;
        params
            .distinguished_name
            .push(rcgen::DnType::CommonName, "Contoso Example Root CA");
        params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        params.key_usages = vec![
            rcgen::KeyUsagePurpose::KeyCertSign,
            rcgen::KeyUsagePurpose::CrlSign,
        ];
        let der = params.self_signed(&key)?.der().to_vec();
        Ok(Ca { key, params, der })
    }

    /// Signs a PKCS#10 CSR (DER) and returns the certificate (DER).
    fn sign(&self, csr: &[u8]) -> Result<Vec<u8>, Error> {
        let csr = rcgen::CertificateSigningRequestParams::from_der(&csr.to_vec().into())?;
        let issuer = rcgen::Issuer::from_params(&self.params, &self.key);
        Ok(csr.signed_by(&issuer)?.der().to_vec())
    }
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    let target = Target::from_env("merge-with-own-ca").await?;
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
    let name = format!("merged-{suffix}");

    // The issuer `Unknown`: Key Vault makes the key and a CSR, and waits for a merge.
    let policy = CertificatePolicy {
        san_dns_names: Some(vec!["app.contoso.com".into()]),
        key_type: Some(KeyType::Rsa),
        key_size: Some(2048),
        ..CertificatePolicy::new(WellKnownIssuerNames::UNKNOWN, "CN=app.contoso.com")
    };
    let result = client
        .begin_create_certificate(
            &name,
            &policy,
            Some(BeginCreateCertificateOptions {
                polling_interval: Some(target.polling_interval),
                ..Default::default()
            }),
        )
        .await?
        .await?;
    let CreateCertificateResult::AwaitingMerge(operation) = result else {
        return Err("a certificate of the Unknown issuer should await a merge".into());
    };
    let csr = operation
        .csr
        .clone()
        .ok_or("the pending operation has no CSR")?;
    println!(
        "create   {name}: {:?}, a CSR of {} bytes to sign",
        operation.status,
        csr.len()
    );

    // Sign the CSR with your CA, outside Key Vault.
    let ca = Ca::new()?;
    let signed = ca.sign(&csr)?;
    println!(
        "sign     the CSR with the CA: a certificate of {} bytes",
        signed.len()
    );

    // Merge the signed certificate, then its chain (leaf first). Each element may also be PEM.
    let merged = client
        .merge_certificate(&name, &[signed.clone(), ca.der.clone()], None)
        .await?;
    println!("merge    {} version {:?}", merged.name(), merged.version());
    assert_eq!(merged.cer, signed);
    let operation = client.get_certificate_operation(&name, None).await?;
    assert_eq!(
        operation.status,
        Some(CertificateOperationStatus::Completed)
    );
    println!("         the operation is {:?}", operation.status);

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
    Ok(())
}
