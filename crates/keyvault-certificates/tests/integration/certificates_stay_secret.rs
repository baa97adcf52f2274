//! No PFX bytes, import password, issuer password or certificate backup reaches `Debug`
//! output, an error message or the `tracing` log at trace level.

use base64::Engine;
use keyvault_certificates::{
    CertificateClient, CertificateClientOptions, CreateIssuerOptions, ImportCertificateOptions,
    SecretString,
};
use keyvault_core::ExposeSecret;
use keyvault_emulator::{Emulator, EmulatorOptions};

const IMPORT_PASSWORD: &str = "Imp0rt-Passw0rd-91c2";
const ISSUER_PASSWORD: &str = "Issu3r-Passw0rd-55ab";

/// A PKCS#12 archive of a fresh self-signed certificate and its key.
fn pfx(password: &str) -> (Vec<u8>, Vec<u8>) {
    let key = rcgen::KeyPair::generate().unwrap();
    let cert = rcgen::CertificateParams::new(vec!["quiet.contoso.com".to_string()])
        .unwrap()
        .self_signed(&key)
        .unwrap();
    let key_der = key.serialize_der();
    let chain = p12_keystore::PrivateKeyChain::new(
        b"1".to_vec(),
        p12_keystore::PrivateKey::from_der(&key_der).unwrap(),
        [p12_keystore::Certificate::from_der(cert.der()).unwrap()],
    );
    let mut store = p12_keystore::KeyStore::new();
    store.add_entry("cert", p12_keystore::KeyStoreEntry::PrivateKeyChain(chain));
    (store.writer(password).write().unwrap(), key_der)
}

fn renderings(bytes: &[u8]) -> Vec<String> {
    let head = &bytes[bytes.len() / 2..(bytes.len() / 2 + 24).min(bytes.len())];
    let b64 = base64::engine::general_purpose::STANDARD.encode(head);
    let b64u = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(head);
    let hex: String = head.iter().map(|b| format!("{b:02x}")).collect();
    let debug = format!("{head:?}");
    vec![
        b64[4..b64.len() - 4].to_string(),
        b64u[4..b64u.len() - 4].to_string(),
        hex,
        debug[1..debug.len() - 1].to_string(),
    ]
}

fn assert_absent(haystack: &str, what: &str, bytes: &[u8]) {
    for needle in renderings(bytes) {
        assert!(!haystack.contains(&needle), "{what} leaked as {needle:?}");
    }
}

#[tokio::test]
async fn no_certificate_secret_is_printed_or_logged() {
    let captured = keyvault_testkit::logs::TraceLog::install();

    let emulator = Emulator::start(EmulatorOptions::default()).await.unwrap();
    let client = CertificateClient::new(
        &emulator.vault_url("quietcerts"),
        emulator.credential(),
        Some(CertificateClientOptions {
            client_options: emulator.client_options(),
            ..Default::default()
        }),
    )
    .unwrap();
    let (archive, key_der) = pfx(IMPORT_PASSWORD);
    let mut printed = Vec::new();

    let options = ImportCertificateOptions {
        password: Some(SecretString::new(IMPORT_PASSWORD)),
        ..Default::default()
    };
    printed.push(format!("{options:?}"));
    let imported = client
        .import_certificate("quiet", &archive, Some(options))
        .await
        .unwrap();
    printed.push(format!("{imported:?}"));
    // A wrong password: refused by the service, and neither password is echoed.
    let err = client
        .import_certificate(
            "quiet-wrong",
            &archive,
            Some(ImportCertificateOptions {
                password: Some(SecretString::new("Wr0ng-Passw0rd-0000")),
                ..Default::default()
            }),
        )
        .await
        .unwrap_err();
    printed.push(format!("{err:?} {err}"));
    // Bytes refused before sending: the error does not echo them.
    let mut garbage = archive.clone();
    garbage[0] = b'x';
    let err = client
        .import_certificate("quiet-bad", &garbage, None)
        .await
        .unwrap_err();
    printed.push(format!("{err:?} {err}"));

    let backup = client.backup_certificate("quiet", None).await.unwrap();
    printed.push(format!("{backup:?}"));

    let issuer_options = CreateIssuerOptions {
        account_id: Some("account".into()),
        password: Some(SecretString::new(ISSUER_PASSWORD)),
        ..Default::default()
    };
    printed.push(format!("{issuer_options:?}"));
    let issuer = client
        .create_issuer("quiet-issuer", "Test", Some(issuer_options))
        .await
        .unwrap();
    printed.push(format!("{issuer:?}"));
    let got = client.get_issuer("quiet-issuer", None).await.unwrap();
    printed.push(format!("{got:?}"));

    let printed = printed.join("\n");
    let log = captured.text();
    assert!(!log.is_empty(), "the trace log was captured");
    for text in [&printed, &log] {
        assert!(!text.contains(IMPORT_PASSWORD));
        assert!(!text.contains(ISSUER_PASSWORD));
        assert!(!text.contains("Wr0ng-Passw0rd-0000"));
        assert_absent(text, "the PFX bytes", &archive);
        assert_absent(text, "the private key", &key_der);
        assert_absent(text, "the backup", backup.expose_secret());
    }
}
