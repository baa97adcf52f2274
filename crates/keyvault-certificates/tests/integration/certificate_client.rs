//! Every `CertificateClient` operation against the emulator, over HTTPS, authenticated by a
//! real `azure_identity::ClientSecretCredential` against the emulator's token endpoint.
//!
//! What these tests expect of the emulator's certificates support (REST spec 2026-04-01):
//! - `POST /certificates/{name}/create` answers 202 with the pending `CertificateOperation`
//!   (with a real PKCS#10 CSR); with issuer `Self` the certificate is issued (at once or after
//!   a few polls of `GET /certificates/{name}/pending`, then `status: completed` and `target`);
//!   the X.509 certificate has the policy's subject, SANs (DNS, email, UPN, URI, IP), key type,
//!   size or curve, key usages, EKUs and `validity_months`; `x5t` is its SHA-1 thumbprint;
//!   `kid`/`sid` name a key and a secret of the same name and version, and the secret holds
//!   the certificate and its key as PKCS#12 (no password) or PEM, as `secret_props` says.
//! - With issuer `Unknown`, the operation stays `inProgress` with a CSR until
//!   `POST /certificates/{name}/pending/merge` receives the signed chain (`x5c`, leaf first),
//!   which issues the certificate (201) with the CSR's key; the operation is then `completed`.
//!   A pending certificate is listed by `GET /certificates` only with `includePending=true`.
//! - `PATCH /certificates/{name}/pending {"cancellation_requested":true}` marks the operation
//!   (`cancellation_requested: true`, status `cancelled`); `DELETE .../pending` removes it
//!   (then `GET .../pending` is 404).
//! - Import of PKCS#12 (base64, `pwd`) and PEM (`secret_props.contentType`
//!   `application/x-pem-file`); a wrong password is a 400.
//! - Policies (`GET`/`PATCH /certificates/{name}/policy`, merged on PATCH), versions, update of
//!   `enabled`/`tags`, soft delete/recover/purge with `deletedcertificates`, backup/restore,
//!   contacts (`/certificates/contacts`, 404 once deleted) and issuers
//!   (`/certificates/issuers/{name}`, the password never returned, 404 once deleted), with
//!   `CertificateNotFound` for a missing certificate.

use futures::TryStreamExt;
use keyvault_certificates::{
    AdministratorContact, ApiVersion, BeginCreateCertificateOptions, BeginDeleteCertificateOptions,
    BeginRecoverDeletedCertificateOptions, CertificateClient, CertificateClientOptions,
    CertificateContact, CertificateContentType, CertificateOperation, CertificateOperationStatus,
    CertificatePolicy, CertificatePolicyAction, CreateCertificateResult, CreateIssuerOptions,
    Error, ImportCertificateOptions, KeyCurveName, KeyType, KeyUsageType, LifetimeAction,
    ListDeletedCertificatesOptions, ListPropertiesOfCertificateVersionsOptions,
    ListPropertiesOfCertificatesOptions, ListPropertiesOfIssuersOptions, MergeCertificateOptions,
    PollerStatus, SecretString, UpdateCertificatePropertiesOptions, UpdateIssuerOptions,
    WellKnownIssuerNames,
};
use keyvault_core::ExposeSecret;
use keyvault_emulator::Emulator;
use keyvault_secrets::{GetSecretOptions, SecretClient};
use sha1::{Digest, Sha1};
use std::{collections::HashMap, time::Duration};
use x509_parser::{
    certificate::X509Certificate, extensions::GeneralName, prelude::FromDer, public_key::PublicKey,
};

use keyvault_testkit::emulator::emulator;

keyvault_testkit::vault_clients!(CertificateClient, CertificateClientOptions, ApiVersion);

fn secrets(emulator: &Emulator, vault: &str) -> SecretClient {
    SecretClient::new(
        &emulator.vault_url(vault),
        emulator.credential(),
        Some(keyvault_secrets::SecretClientOptions {
            client_options: emulator.client_options(),
            ..Default::default()
        }),
    )
    .expect("secret client")
}

/// The wait between polls of the tests' pollers.
const FAST: Option<Duration> = Some(Duration::from_millis(50));

fn fast() -> Option<BeginCreateCertificateOptions<'static>> {
    Some(BeginCreateCertificateOptions {
        polling_interval: FAST,
        ..Default::default()
    })
}

fn parse(der: &[u8]) -> X509Certificate<'_> {
    let (rest, certificate) = X509Certificate::from_der(der).expect("X.509 DER");
    assert!(rest.is_empty(), "nothing after the certificate");
    certificate
}

/// The certificate's subject alternative names, as text.
fn sans(certificate: &X509Certificate<'_>) -> Vec<String> {
    let Some(ext) = certificate.subject_alternative_name().unwrap() else {
        return Vec::new();
    };
    ext.value
        .general_names
        .iter()
        .map(|name| match name {
            GeneralName::DNSName(s) => format!("dns:{s}"),
            GeneralName::RFC822Name(s) => format!("email:{s}"),
            GeneralName::URI(s) => format!("uri:{s}"),
            GeneralName::IPAddress(bytes) => format!("ip:{bytes:?}"),
            GeneralName::OtherName(oid, _) => format!("other:{oid}"),
            other => format!("{other:?}"),
        })
        .collect()
}

async fn create_issued(
    client: &CertificateClient,
    name: &str,
    policy: &CertificatePolicy,
) -> keyvault_certificates::KeyVaultCertificate {
    client
        .begin_create_certificate(name, policy, fast())
        .await
        .unwrap()
        .await
        .unwrap()
        .into_certificate()
        .unwrap()
}

/// A test CA made with rcgen.
struct TestCa {
    key: rcgen::KeyPair,
    params: rcgen::CertificateParams,
    der: Vec<u8>,
}

impl TestCa {
    fn new() -> Self {
        let key = rcgen::KeyPair::generate().unwrap();
        let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
        params
            .distinguished_name
            .push(rcgen::DnType::CommonName, "Test Root CA");
        params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        params.key_usages = vec![
            rcgen::KeyUsagePurpose::KeyCertSign,
            rcgen::KeyUsagePurpose::CrlSign,
        ];
        let der = params.self_signed(&key).unwrap().der().to_vec();
        TestCa { key, params, der }
    }

    /// Signs a PKCS#10 CSR (DER) and returns the leaf certificate (DER).
    fn sign(&self, csr: &[u8]) -> Vec<u8> {
        let csr = rcgen::CertificateSigningRequestParams::from_der(&csr.to_vec().into())
            .expect("the CSR parses");
        let issuer = rcgen::Issuer::from_params(&self.params, &self.key);
        csr.signed_by(&issuer).unwrap().der().to_vec()
    }
}

/// A PKCS#12 archive of a fresh self-signed certificate and its key, and the certificate.
fn pfx(password: &str, dns_name: &str) -> (Vec<u8>, Vec<u8>) {
    let key = rcgen::KeyPair::generate().unwrap();
    let cert = rcgen::CertificateParams::new(vec![dns_name.to_string()])
        .unwrap()
        .self_signed(&key)
        .unwrap();
    let chain = p12_keystore::PrivateKeyChain::new(
        b"1".to_vec(),
        p12_keystore::PrivateKey::from_der(&key.serialize_der()).unwrap(),
        [p12_keystore::Certificate::from_der(cert.der()).unwrap()],
    );
    let mut store = p12_keystore::KeyStore::new();
    store.add_entry("cert", p12_keystore::KeyStoreEntry::PrivateKeyChain(chain));
    (store.writer(password).write().unwrap(), cert.der().to_vec())
}

/// Opens a PKCS#12 archive and returns the DER of its leaf certificate.
fn open_pfx(archive: &[u8], password: &str) -> Vec<u8> {
    let store = p12_keystore::KeyStore::from_pkcs12(
        archive,
        password,
        p12_keystore::Pkcs12ImportPolicy::Relaxed,
    )
    .expect("the PKCS#12 archive opens");
    let (_, chain) = store.private_key_chain().expect("a key with its chain");
    assert!(!chain.key().as_der().is_empty());
    chain.certs()[0].as_der().to_vec()
}

#[tokio::test]
async fn a_self_signed_certificate_has_everything_its_policy_asks() {
    let emulator = emulator().await;
    let client = vault(&emulator, "selfsigned");
    let policy = CertificatePolicy {
        san_dns_names: Some(vec!["www.contoso.com".into(), "api.contoso.com".into()]),
        san_emails: Some(vec!["admin@contoso.com".into()]),
        san_user_principal_names: Some(vec!["user@contoso.com".into()]),
        san_uris: Some(vec!["https://contoso.com/id".into()]),
        san_ip_addresses: Some(vec!["10.0.0.1".into()]),
        exportable: Some(true),
        key_type: Some(KeyType::Rsa),
        key_size: Some(3072),
        reuse_key: Some(false),
        content_type: Some(CertificateContentType::Pkcs12),
        validity_in_months: Some(12),
        enhanced_key_usage: Some(vec!["1.3.6.1.5.5.7.3.1".into()]),
        key_usage: Some(vec![
            KeyUsageType::DigitalSignature,
            KeyUsageType::KeyEncipherment,
        ]),
        lifetime_actions: Some(vec![LifetimeAction {
            lifetime_percentage: Some(80),
            ..LifetimeAction::new(CertificatePolicyAction::AutoRenew)
        }]),
        ..CertificatePolicy::new(WellKnownIssuerNames::SELF, "CN=contoso.com")
    };
    let tags = HashMap::from([("env".to_string(), "test".to_string())]);
    let mut poller = client
        .begin_create_certificate(
            "web",
            &policy,
            Some(BeginCreateCertificateOptions {
                enabled: Some(true),
                tags: Some(tags.clone()),
                polling_interval: FAST,
                ..Default::default()
            }),
        )
        .await
        .unwrap();
    assert!(poller
        .continuation_token()
        .contains("/certificates/web/pending"));
    while poller.poll().await.unwrap() == PollerStatus::InProgress {
        tokio::time::sleep(poller.next_wait()).await;
    }
    let CreateCertificateResult::Issued(certificate) = poller.result().unwrap().clone() else {
        panic!("a Self certificate is issued");
    };

    assert_eq!(certificate.name(), "web");
    let version = certificate.version().unwrap().to_string();
    assert_eq!(
        certificate.key_id.as_deref(),
        Some(format!("{}/keys/web/{version}", emulator.vault_url("selfsigned")).as_str())
    );
    assert_eq!(
        certificate.secret_id.as_deref(),
        Some(format!("{}/secrets/web/{version}", emulator.vault_url("selfsigned")).as_str())
    );
    let props = &certificate.properties;
    assert_eq!(props.tags, tags);
    assert_eq!(props.enabled, Some(true));
    assert_eq!(props.vault_url, emulator.vault_url("selfsigned"));
    assert_eq!(props.recoverable_days, Some(90));
    assert!(props.recovery_level.is_some());
    let thumbprint = Sha1::digest(&certificate.cer).to_vec();
    assert_eq!(props.x509_thumbprint.as_deref(), Some(&thumbprint[..]));

    let x509 = parse(&certificate.cer);
    assert_eq!(x509.subject().to_string(), "CN=contoso.com");
    assert_eq!(x509.issuer().to_string(), "CN=contoso.com", "self-signed");
    let names = sans(&x509);
    for expected in [
        "dns:www.contoso.com",
        "dns:api.contoso.com",
        "email:admin@contoso.com",
        "uri:https://contoso.com/id",
        "ip:[10, 0, 0, 1]",
        "other:1.3.6.1.4.1.311.20.2.3",
    ] {
        assert!(
            names.iter().any(|n| n == expected),
            "{expected} in {names:?}"
        );
    }
    match x509.public_key().parsed().unwrap() {
        PublicKey::RSA(rsa) => assert_eq!(rsa.key_size(), 3072),
        other => panic!("an RSA key, got {other:?}"),
    }
    let validity = x509.validity();
    let days = (validity.not_after.to_datetime() - validity.not_before.to_datetime()).whole_days();
    assert!((360..=372).contains(&days), "12 months, got {days} days");
    assert_eq!(
        props.expires_on.map(|t| t.unix_timestamp()),
        Some(validity.not_after.timestamp())
    );
    let key_usage = x509.key_usage().unwrap().expect("key usage").value;
    assert!(key_usage.digital_signature() && key_usage.key_encipherment());
    let eku = x509.extended_key_usage().unwrap().expect("EKU").value;
    assert!(eku.server_auth);

    let returned = certificate.policy.as_ref().expect("the policy comes along");
    assert_eq!(returned.subject.as_deref(), Some("CN=contoso.com"));
    assert_eq!(returned.key_size, Some(3072));
    assert_eq!(returned.san_dns_names, policy.san_dns_names);
    assert_eq!(returned.validity_in_months, Some(12));
    assert_eq!(
        returned.lifetime_actions.as_ref().unwrap()[0].action,
        CertificatePolicyAction::AutoRenew
    );

    // The secret holds the certificate and its key, as PKCS#12 without password.
    let secret = secrets(&emulator, "selfsigned")
        .get_secret(
            "web",
            Some(GetSecretOptions {
                version: Some(version.clone()),
                ..Default::default()
            }),
        )
        .await
        .unwrap();
    assert_eq!(
        secret.properties.content_type.as_deref(),
        Some("application/x-pkcs12")
    );
    assert!(secret.properties.managed);
    let archive = keyvault_core::serde::base64::decode(secret.value.expose_secret()).unwrap();
    assert_eq!(open_pfx(&archive, ""), certificate.cer);

    // The operation is done, and says where the certificate is.
    let operation = client.get_certificate_operation("web", None).await.unwrap();
    assert_eq!(
        operation.status,
        Some(CertificateOperationStatus::Completed)
    );
    assert_eq!(operation.issuer_name.as_deref(), Some("Self"));
    assert!(operation.target.unwrap().ends_with("/certificates/web"));
    assert!(operation.csr.is_some());

    let got = client.get_certificate("web", None).await.unwrap();
    assert_eq!(got.cer, certificate.cer);
    let by_version = client
        .get_certificate_version("web", &version, None)
        .await
        .unwrap();
    assert_eq!(by_version.properties.id, certificate.properties.id);
}

#[tokio::test]
async fn a_pem_certificate_with_an_ec_key_downloads_as_pem() {
    let emulator = emulator().await;
    let client = vault(&emulator, "pem");
    let policy = CertificatePolicy {
        issuer_name: Some(WellKnownIssuerNames::SELF.into()),
        san_dns_names: Some(vec!["pem.contoso.com".into()]),
        key_type: Some(KeyType::Ec),
        key_curve_name: Some(KeyCurveName::P256),
        content_type: Some(CertificateContentType::Pem),
        validity_in_months: Some(3),
        ..Default::default()
    };
    let certificate = create_issued(&client, "pem-cert", &policy).await;
    let x509 = parse(&certificate.cer);
    assert!(sans(&x509).contains(&"dns:pem.contoso.com".to_string()));
    match x509.public_key().parsed().unwrap() {
        PublicKey::EC(ec) => assert_eq!(ec.key_size(), 256),
        other => panic!("an EC key, got {other:?}"),
    }
    let validity = x509.validity();
    let days = (validity.not_after.to_datetime() - validity.not_before.to_datetime()).whole_days();
    assert!((88..=93).contains(&days), "3 months, got {days} days");

    let secret = secrets(&emulator, "pem")
        .get_secret("pem-cert", None)
        .await
        .unwrap();
    assert_eq!(
        secret.properties.content_type.as_deref(),
        Some("application/x-pem-file")
    );
    let blocks = pem::parse_many(secret.value.expose_secret()).unwrap();
    assert!(blocks.iter().any(|b| b.tag() == "PRIVATE KEY"));
    let leaf = blocks.iter().find(|b| b.tag() == "CERTIFICATE").unwrap();
    assert_eq!(leaf.contents(), &certificate.cer[..]);
}

#[tokio::test]
async fn the_create_poller_resumes_from_a_token() {
    let emulator = emulator().await;
    let client = vault(&emulator, "resume");
    let poller = client
        .begin_create_certificate("resumed", &CertificatePolicy::get_default(), fast())
        .await
        .unwrap();
    let token = poller.continuation_token();
    drop(poller);
    let resumed = client
        .begin_create_certificate(
            "resumed",
            &CertificatePolicy::default(),
            Some(BeginCreateCertificateOptions {
                continuation_token: Some(token),
                polling_interval: FAST,
                ..Default::default()
            }),
        )
        .await
        .unwrap()
        .await
        .unwrap();
    let certificate = resumed.into_certificate().unwrap();
    assert_eq!(certificate.name(), "resumed");
    assert_eq!(
        parse(&certificate.cer).subject().to_string(),
        "CN=DefaultPolicy"
    );
    // A token of another vault is refused.
    let other = CertificateClient::new(
        &emulator.vault_url("elsewhere"),
        emulator.credential(),
        Some(options(&emulator, ApiVersion::default())),
    )
    .unwrap();
    let err = other
        .begin_create_certificate(
            "resumed",
            &CertificatePolicy::default(),
            Some(BeginCreateCertificateOptions {
                continuation_token: Some(format!(
                    "{}/certificates/resumed/pending",
                    emulator.vault_url("resume")
                )),
                ..Default::default()
            }),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidArgument { .. }), "{err}");
}

#[tokio::test]
async fn an_unknown_issuer_waits_for_a_csr_signed_elsewhere_and_merged() {
    let emulator = emulator().await;
    let client = vault(&emulator, "merge");
    let policy = CertificatePolicy {
        san_dns_names: Some(vec!["merge.contoso.com".into()]),
        key_type: Some(KeyType::Rsa),
        key_size: Some(2048),
        ..CertificatePolicy::new(WellKnownIssuerNames::UNKNOWN, "CN=merge.contoso.com")
    };
    let result = client
        .begin_create_certificate("merged", &policy, fast())
        .await
        .unwrap()
        .await
        .unwrap();
    let CreateCertificateResult::AwaitingMerge(operation) = result.clone() else {
        panic!("an Unknown issuer awaits a merge");
    };
    assert!(result.into_certificate().is_err());
    assert!(operation.awaits_merge());
    assert_eq!(
        operation.status,
        Some(CertificateOperationStatus::InProgress)
    );
    assert_eq!(operation.issuer_name.as_deref(), Some("Unknown"));
    let csr = operation.csr.clone().expect("a CSR");
    let csr_params = rcgen::CertificateSigningRequestParams::from_der(&csr.clone().into()).unwrap();
    assert!(csr_params
        .params
        .subject_alt_names
        .iter()
        .any(|n| matches!(n, rcgen::SanType::DnsName(d) if d.as_str() == "merge.contoso.com")));

    // Pending: listed only when pending ones are asked for.
    let listed: Vec<_> = client
        .list_properties_of_certificates(None)
        .unwrap()
        .try_collect()
        .await
        .unwrap();
    assert!(listed.iter().all(|c| c.name != "merged"));
    let listed: Vec<_> = client
        .list_properties_of_certificates(Some(ListPropertiesOfCertificatesOptions {
            include_pending: Some(true),
            ..Default::default()
        }))
        .unwrap()
        .try_collect()
        .await
        .unwrap();
    assert!(listed.iter().any(|c| c.name == "merged"));

    let ca = TestCa::new();
    let leaf = ca.sign(&csr);
    let merged = client
        .merge_certificate(
            "merged",
            &[leaf.clone(), ca.der.clone()],
            Some(MergeCertificateOptions {
                tags: Some(HashMap::from([("signed".to_string(), "ca".to_string())])),
                ..Default::default()
            }),
        )
        .await
        .unwrap();
    assert_eq!(merged.cer, leaf);
    assert_eq!(
        merged.properties.tags.get("signed").map(String::as_str),
        Some("ca")
    );
    let x509 = parse(&merged.cer);
    assert_eq!(x509.issuer().to_string(), "CN=Test Root CA");
    assert_eq!(x509.subject().to_string(), "CN=merge.contoso.com");

    let done = client
        .get_certificate_operation("merged", None)
        .await
        .unwrap();
    assert_eq!(done.status, Some(CertificateOperationStatus::Completed));
    // The secret pairs the merged certificate with the key behind the CSR.
    let secret = secrets(&emulator, "merge")
        .get_secret("merged", None)
        .await
        .unwrap();
    let archive = keyvault_core::serde::base64::decode(secret.value.expose_secret()).unwrap();
    assert_eq!(open_pfx(&archive, ""), leaf);

    // Merging a certificate that is not pending is refused by the service.
    let err = client
        .merge_certificate("merged", &[leaf], None)
        .await
        .unwrap_err();
    assert!(
        err.status().is_some_and(|s| (400..500).contains(&s)),
        "{err}"
    );
}

#[tokio::test]
async fn pending_operations_can_be_cancelled_and_deleted() {
    let emulator = emulator().await;
    let client = vault(&emulator, "cancel");
    let policy = CertificatePolicy::new(WellKnownIssuerNames::UNKNOWN, "CN=cancel.me");
    let poller = client
        .begin_create_certificate("cancel-me", &policy, fast())
        .await
        .unwrap();
    let token = poller.continuation_token();
    assert!(poller.await.unwrap().pending_operation().is_some());

    let cancelled = client
        .cancel_certificate_operation("cancel-me", None)
        .await
        .unwrap();
    assert!(cancelled.cancellation_requested);
    let again = client
        .get_certificate_operation("cancel-me", None)
        .await
        .unwrap();
    assert!(again.cancellation_requested);
    assert_eq!(again.status, Some(CertificateOperationStatus::Cancelled));

    // A poller resumed over a cancelled operation fails with the operation's state.
    let err = client
        .begin_create_certificate(
            "cancel-me",
            &policy,
            Some(BeginCreateCertificateOptions {
                continuation_token: Some(token),
                polling_interval: FAST,
                ..Default::default()
            }),
        )
        .await
        .unwrap()
        .await
        .unwrap_err();
    assert!(err.to_string().contains("cancelled"), "{err}");
    let operation = CertificateOperation::from_error(&err).expect("the operation it carries");
    assert_eq!(
        operation.status,
        Some(CertificateOperationStatus::Cancelled)
    );
    assert_eq!(operation.name, "cancel-me");

    let deleted = client
        .delete_certificate_operation("cancel-me", None)
        .await
        .unwrap();
    assert_eq!(deleted.name, "cancel-me");
    let err = client
        .get_certificate_operation("cancel-me", None)
        .await
        .unwrap_err();
    assert!(err.is_not_found(), "{err}");
}

#[tokio::test]
async fn pkcs12_and_pem_imports_round_trip() {
    let emulator = emulator().await;
    let client = vault(&emulator, "imports");
    let (archive, der) = pfx("s3cret", "import.contoso.com");
    let tags = HashMap::from([("source".to_string(), "pfx".to_string())]);
    let imported = client
        .import_certificate(
            "with-password",
            &archive,
            Some(ImportCertificateOptions {
                password: Some(SecretString::new("s3cret")),
                enabled: Some(true),
                tags: Some(tags.clone()),
                ..Default::default()
            }),
        )
        .await
        .unwrap();
    assert_eq!(imported.cer, der);
    assert_eq!(imported.properties.tags, tags);
    assert_eq!(
        imported.policy.as_ref().unwrap().content_type,
        Some(CertificateContentType::Pkcs12)
    );
    let secret = secrets(&emulator, "imports")
        .get_secret("with-password", None)
        .await
        .unwrap();
    let exported = keyvault_core::serde::base64::decode(secret.value.expose_secret()).unwrap();
    assert_eq!(
        open_pfx(&exported, ""),
        der,
        "the vault re-exports without password"
    );

    let (no_password, der2) = pfx("", "nopass.contoso.com");
    let imported = client
        .import_certificate("no-password", &no_password, None)
        .await
        .unwrap();
    assert_eq!(imported.cer, der2);

    let err = client
        .import_certificate(
            "wrong-password",
            &archive,
            Some(ImportCertificateOptions {
                password: Some(SecretString::new("not it")),
                ..Default::default()
            }),
        )
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(400), "{err}");

    // PEM: key and certificate; the content type comes from the bytes.
    let key = rcgen::KeyPair::generate().unwrap();
    let cert = rcgen::CertificateParams::new(vec!["pem.import".to_string()])
        .unwrap()
        .self_signed(&key)
        .unwrap();
    let pem_text = format!("{}{}", key.serialize_pem(), cert.pem());
    let imported = client
        .import_certificate(
            "pem-import",
            pem_text.as_bytes(),
            Some(ImportCertificateOptions {
                preserve_cert_order: Some(true),
                ..Default::default()
            }),
        )
        .await
        .unwrap();
    assert_eq!(imported.cer, cert.der().to_vec());
    assert_eq!(imported.properties.preserve_order, Some(true));
    assert_eq!(
        imported.policy.as_ref().unwrap().content_type,
        Some(CertificateContentType::Pem)
    );
    let secret = secrets(&emulator, "imports")
        .get_secret("pem-import", None)
        .await
        .unwrap();
    assert!(secret
        .value
        .expose_secret()
        .contains("-----BEGIN CERTIFICATE-----"));
}

#[tokio::test]
async fn versions_properties_and_policies() {
    let emulator = emulator().await;
    let client = vault(&emulator, "versions");
    let first = create_issued(&client, "rotating", &CertificatePolicy::get_default()).await;
    let second = create_issued(&client, "rotating", &CertificatePolicy::get_default()).await;
    assert_ne!(first.version(), second.version());
    let versions: Vec<_> = client
        .list_properties_of_certificate_versions(
            "rotating",
            Some(ListPropertiesOfCertificateVersionsOptions {
                max_page_size: Some(1),
                ..Default::default()
            }),
        )
        .unwrap()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(versions.len(), 2);
    assert!(versions.iter().all(|v| v.x509_thumbprint.is_some()));

    let updated = client
        .update_certificate_properties(
            "rotating",
            Some(UpdateCertificatePropertiesOptions {
                version: first.version().map(str::to_string),
                enabled: Some(false),
                tags: Some(HashMap::from([("old".to_string(), "yes".to_string())])),
                ..Default::default()
            }),
        )
        .await
        .unwrap();
    assert_eq!(updated.properties.enabled, Some(false));
    assert_eq!(
        updated.properties.tags.get("old").map(String::as_str),
        Some("yes")
    );
    assert_eq!(
        client
            .get_certificate("rotating", None)
            .await
            .unwrap()
            .properties
            .enabled,
        Some(true),
        "the latest version is untouched"
    );

    let policy = client
        .get_certificate_policy("rotating", None)
        .await
        .unwrap();
    assert_eq!(policy.subject.as_deref(), Some("CN=DefaultPolicy"));
    assert!(policy
        .id
        .unwrap()
        .ends_with("/certificates/rotating/policy"));
    let changed = client
        .update_certificate_policy(
            "rotating",
            &CertificatePolicy {
                validity_in_months: Some(6),
                lifetime_actions: Some(vec![LifetimeAction {
                    days_before_expiry: Some(30),
                    ..LifetimeAction::new(CertificatePolicyAction::EmailContacts)
                }]),
                ..Default::default()
            },
            None,
        )
        .await
        .unwrap();
    assert_eq!(changed.validity_in_months, Some(6));
    assert_eq!(
        changed.subject.as_deref(),
        Some("CN=DefaultPolicy"),
        "merged"
    );
    assert_eq!(
        changed.lifetime_actions.unwrap()[0].days_before_expiry,
        Some(30)
    );
    let third = create_issued(&client, "rotating", &changed_policy(&client).await).await;
    let x509 = parse(&third.cer);
    let validity = x509.validity();
    let days = (validity.not_after.to_datetime() - validity.not_before.to_datetime()).whole_days();
    assert!((178..=186).contains(&days), "6 months, got {days} days");
}

async fn changed_policy(client: &CertificateClient) -> CertificatePolicy {
    client
        .get_certificate_policy("rotating", None)
        .await
        .unwrap()
}

#[tokio::test]
async fn delete_recover_purge_and_list_deleted() {
    let emulator = emulator().await;
    let client = vault(&emulator, "lifecycle");
    let original = create_issued(&client, "doomed", &CertificatePolicy::get_default()).await;
    let deleted = client
        .begin_delete_certificate(
            "doomed",
            Some(BeginDeleteCertificateOptions {
                polling_interval: FAST,
                ..Default::default()
            }),
        )
        .await
        .unwrap()
        .await
        .unwrap();
    assert_eq!(deleted.name(), "doomed");
    assert!(deleted
        .recovery_id
        .as_deref()
        .unwrap()
        .contains("/deletedcertificates/doomed"));
    assert!(deleted.deleted_on.is_some() && deleted.scheduled_purge_date.is_some());
    assert_eq!(deleted.cer.as_deref(), Some(&original.cer[..]));

    let err = client.get_certificate("doomed", None).await.unwrap_err();
    assert!(err.is_not_found());
    assert_eq!(err.code(), Some("CertificateNotFound"));
    let err = client
        .begin_create_certificate("doomed", &CertificatePolicy::get_default(), fast())
        .await
        .unwrap_err();
    assert!(err.is_conflict(), "{err}");
    assert_eq!(err.inner_code(), Some("ObjectIsDeletedButRecoverable"));

    let got = client
        .get_deleted_certificate("doomed", None)
        .await
        .unwrap();
    assert_eq!(got.properties.name, "doomed");
    let listed: Vec<_> = client
        .list_deleted_certificates(Some(ListDeletedCertificatesOptions {
            max_page_size: Some(5),
            ..Default::default()
        }))
        .unwrap()
        .try_collect()
        .await
        .unwrap();
    assert!(listed.iter().any(|d| d.name() == "doomed"));

    let recovered = client
        .begin_recover_deleted_certificate(
            "doomed",
            Some(BeginRecoverDeletedCertificateOptions {
                polling_interval: FAST,
                ..Default::default()
            }),
        )
        .await
        .unwrap()
        .await
        .unwrap();
    assert_eq!(recovered.name(), "doomed");
    assert_eq!(
        client.get_certificate("doomed", None).await.unwrap().cer,
        original.cer
    );

    client
        .begin_delete_certificate(
            "doomed",
            Some(BeginDeleteCertificateOptions {
                polling_interval: FAST,
                ..Default::default()
            }),
        )
        .await
        .unwrap()
        .await
        .unwrap();
    client
        .purge_deleted_certificate("doomed", None)
        .await
        .unwrap();
    let err = client
        .get_deleted_certificate("doomed", None)
        .await
        .unwrap_err();
    assert!(err.is_not_found());
    create_issued(&client, "doomed", &CertificatePolicy::get_default()).await;
}

#[tokio::test]
async fn backups_restore_into_another_vault() {
    let emulator = emulator().await;
    let source = vault(&emulator, "source");
    let target = vault(&emulator, "target");
    let original = create_issued(&source, "portable", &CertificatePolicy::get_default()).await;
    let backup = source.backup_certificate("portable", None).await.unwrap();
    assert!(!backup.is_empty());
    let restored = target
        .restore_certificate_backup(backup.expose_secret(), None)
        .await
        .unwrap();
    assert_eq!(restored.name(), "portable");
    assert_eq!(restored.properties.vault_url, emulator.vault_url("target"));
    assert_eq!(restored.cer, original.cer);
    let err = source
        .restore_certificate_backup(backup.expose_secret(), None)
        .await
        .unwrap_err();
    assert!(err.is_conflict(), "{err}");
    let err = target
        .restore_certificate_backup(b"not a backup", None)
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(400), "{err}");
}

#[tokio::test]
async fn contacts_are_set_read_and_deleted() {
    let emulator = emulator().await;
    let client = vault(&emulator, "contacts");
    let contacts = vec![
        CertificateContact {
            email: Some("one@contoso.com".into()),
            ..Default::default()
        },
        CertificateContact {
            email: Some("two@contoso.com".into()),
            name: Some("Two".into()),
            phone: Some("1234567891".into()),
        },
    ];
    assert_eq!(
        client.set_contacts(&contacts, None).await.unwrap(),
        contacts
    );
    assert_eq!(client.get_contacts(None).await.unwrap(), contacts);
    assert_eq!(client.delete_contacts(None).await.unwrap(), contacts);
    let err = client.get_contacts(None).await.unwrap_err();
    assert!(err.is_not_found(), "{err}");
}

#[tokio::test]
async fn issuers_are_created_read_updated_listed_and_deleted() {
    let emulator = emulator().await;
    let client = vault(&emulator, "issuers");
    let admins = vec![AdministratorContact {
        first_name: Some("John".into()),
        last_name: Some("Doe".into()),
        email: Some("admin@contoso.com".into()),
        phone: Some("4255555555".into()),
    }];
    let options = CreateIssuerOptions {
        enabled: Some(true),
        account_id: Some("keyvaultuser".into()),
        password: Some(SecretString::new("hunter2")),
        organization_id: Some("org-1".into()),
        admin_contacts: Some(admins.clone()),
        ..Default::default()
    };
    assert!(!format!("{options:?}").contains("hunter2"));
    let issuer = client
        .create_issuer("issuer01", "Test", Some(options))
        .await
        .unwrap();
    assert_eq!(issuer.name(), "issuer01");
    assert_eq!(issuer.provider(), Some("Test"));
    assert_eq!(issuer.account_id.as_deref(), Some("keyvaultuser"));
    assert!(issuer.password.is_none(), "the service never returns it");
    assert_eq!(issuer.organization_id.as_deref(), Some("org-1"));
    assert_eq!(issuer.admin_contacts, admins);
    assert_eq!(issuer.enabled, Some(true));
    assert!(issuer.created_on.is_some());

    let got = client.get_issuer("issuer01", None).await.unwrap();
    assert_eq!(got.properties, issuer.properties);
    let updated = client
        .update_issuer(
            "issuer01",
            Some(UpdateIssuerOptions {
                enabled: Some(false),
                account_id: Some("newuser".into()),
                password: Some(SecretString::new("newpassword")),
                ..Default::default()
            }),
        )
        .await
        .unwrap();
    assert_eq!(updated.enabled, Some(false));
    assert_eq!(updated.account_id.as_deref(), Some("newuser"));
    assert_eq!(updated.admin_contacts, admins, "unchanged by the update");

    client
        .create_issuer("issuer02", "Test", None)
        .await
        .unwrap();
    let listed: Vec<_> = client
        .list_properties_of_issuers(Some(ListPropertiesOfIssuersOptions {
            max_page_size: Some(1),
            ..Default::default()
        }))
        .unwrap()
        .try_collect()
        .await
        .unwrap();
    let mut names: Vec<_> = listed.iter().map(|i| i.name.clone()).collect();
    names.sort();
    assert_eq!(names, ["issuer01", "issuer02"]);
    assert!(listed.iter().all(|i| i.provider.as_deref() == Some("Test")));

    let deleted = client.delete_issuer("issuer01", None).await.unwrap();
    assert_eq!(deleted.name(), "issuer01");
    let err = client.get_issuer("issuer01", None).await.unwrap_err();
    assert!(err.is_not_found(), "{err}");
}

#[tokio::test]
async fn bad_input_is_refused_before_anything_is_sent() {
    let emulator = emulator().await;
    let client = vault(&emulator, "strict");
    let long = "a".repeat(128);
    let policy = CertificatePolicy::get_default();
    for name in ["", "bad name", "under_score", "slash/", long.as_str()] {
        let err = client.get_certificate(name, None).await.unwrap_err();
        assert!(
            matches!(
                err,
                Error::InvalidArgument {
                    argument: "name",
                    ..
                }
            ),
            "{name}: {err}"
        );
        assert!(client
            .begin_create_certificate(name, &policy, None)
            .await
            .is_err());
        assert!(client.import_certificate(name, b"x", None).await.is_err());
        assert!(client.begin_delete_certificate(name, None).await.is_err());
        assert!(client.purge_deleted_certificate(name, None).await.is_err());
        assert!(client.get_certificate_operation(name, None).await.is_err());
        let err = client.get_issuer(name, None).await.unwrap_err();
        assert!(
            matches!(
                err,
                Error::InvalidArgument {
                    argument: "issuer_name",
                    ..
                }
            ),
            "{name}: {err}"
        );
        assert!(client.create_issuer(name, "Test", None).await.is_err());
    }

    // Policies without subject or SANs, or without issuer.
    let no_subject = CertificatePolicy {
        issuer_name: Some("Self".into()),
        ..Default::default()
    };
    let err = client
        .begin_create_certificate("c", &no_subject, None)
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::InvalidArgument {
                argument: "policy",
                ..
            }
        ),
        "{err}"
    );
    let no_issuer = CertificatePolicy {
        subject: Some("CN=x".into()),
        ..Default::default()
    };
    assert!(client
        .begin_create_certificate("c", &no_issuer, None)
        .await
        .is_err());

    // Certificate bytes that are neither PKCS#12 nor PEM with a certificate.
    let key_only = rcgen::KeyPair::generate().unwrap().serialize_pem();
    for bad in [&b""[..], b"not a certificate", key_only.as_bytes()] {
        let err = client.import_certificate("c", bad, None).await.unwrap_err();
        assert!(
            matches!(
                err,
                Error::InvalidArgument {
                    argument: "certificate_bytes",
                    ..
                }
            ),
            "{err}"
        );
    }
    let (archive, _) = pfx("", "mismatch.test");
    let err = client
        .import_certificate(
            "c",
            &archive,
            Some(ImportCertificateOptions {
                policy: Some(CertificatePolicy {
                    content_type: Some(CertificateContentType::Pem),
                    ..Default::default()
                }),
                ..Default::default()
            }),
        )
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("PEM") || err.to_string().contains("pem"),
        "{err}"
    );
    assert!(client.merge_certificate("c", &[], None).await.is_err());
    assert!(client
        .merge_certificate("c", &[b"junk".to_vec()], None)
        .await
        .is_err());
    assert!(client.restore_certificate_backup(b"", None).await.is_err());
    assert!(client.set_contacts(&[], None).await.is_err());
    assert!(client.create_issuer("i", " ", None).await.is_err());
    assert!(client.get_certificate_version("c", "", None).await.is_err());
    assert!(client
        .get_certificate_version("c", "../x", None)
        .await
        .is_err());
    for size in [0, 26] {
        let err = client
            .list_properties_of_certificates(Some(ListPropertiesOfCertificatesOptions {
                max_page_size: Some(size),
                ..Default::default()
            }))
            .unwrap_err();
        assert!(matches!(
            err,
            Error::InvalidArgument {
                argument: "max_page_size",
                ..
            }
        ));
    }

    // Parameters the selected API version lacks.
    let old = CertificateClient::new(
        &emulator.vault_url("strict"),
        emulator.credential(),
        Some(options(&emulator, ApiVersion::V7_5)),
    )
    .unwrap();
    let with_ip = CertificatePolicy {
        san_ip_addresses: Some(vec!["10.0.0.1".into()]),
        ..CertificatePolicy::get_default()
    };
    let err = old
        .begin_create_certificate("c", &with_ip, None)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::UnsupportedApiVersion { .. }), "{err}");
    let err = old
        .begin_create_certificate(
            "c",
            &CertificatePolicy::get_default(),
            Some(BeginCreateCertificateOptions {
                preserve_cert_order: Some(true),
                ..Default::default()
            }),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, Error::UnsupportedApiVersion { .. }), "{err}");

    assert!(emulator.control().requests().is_empty(), "nothing was sent");
}

#[tokio::test]
async fn service_errors_are_typed() {
    let emulator = emulator().await;
    let client = vault(&emulator, "errors");
    let err = client.get_certificate("missing", None).await.unwrap_err();
    assert!(err.is_not_found());
    assert_eq!(err.code(), Some("CertificateNotFound"));
    assert!(err.request_id().is_some());
    let err = client
        .get_certificate_policy("missing", None)
        .await
        .unwrap_err();
    assert!(err.is_not_found(), "{err}");
    let err = client
        .get_certificate_operation("missing", None)
        .await
        .unwrap_err();
    assert!(err.is_not_found(), "{err}");
    let err = client
        .purge_deleted_certificate("missing", None)
        .await
        .unwrap_err();
    assert!(err.is_not_found(), "{err}");
}

#[tokio::test]
async fn every_known_api_version_reads_certificates() {
    let emulator = emulator().await;
    let latest = vault(&emulator, "apiversions");
    let certificate = create_issued(&latest, "versioned", &CertificatePolicy::get_default()).await;
    for version in ApiVersion::known() {
        let client = CertificateClient::new(
            &emulator.vault_url("apiversions"),
            emulator.credential(),
            Some(options(&emulator, version.clone())),
        )
        .unwrap();
        let got = client.get_certificate("versioned", None).await.unwrap();
        assert_eq!(got.cer, certificate.cer, "{version}");
    }
}
