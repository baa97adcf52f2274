//! `KeyVaultSecurityDomainClient` against the emulator: download and upload pollers to the end,
//! the status calls, the transfer key, resuming, checks made before sending, and the security
//! domain kept out of `Debug` output and the `tracing` log.

use crate::administration::{emulator, invalid_argument, options, FAST};
use keyvault_administration::{
    ApiVersion, BeginDownloadOptions, BeginUploadOptions, CertificateInfo, Error,
    KeyVaultSecurityDomainClient, PollerStatus, SecurityDomain, SecurityDomainJsonWebKey,
    SecurityDomainStatus,
};
use keyvault_core::ExposeSecret;
use keyvault_emulator::security_domain::{prepare_upload, SecurityDomainCertificate};
use keyvault_emulator::Emulator;
use std::{
    io::Write,
    sync::{Arc, Mutex},
    time::Duration,
};

fn client(emulator: &Emulator, hsm: &str, api_version: ApiVersion) -> KeyVaultSecurityDomainClient {
    KeyVaultSecurityDomainClient::new(
        &emulator.managed_hsm_url(hsm),
        emulator.credential(),
        Some(options(emulator, api_version)),
    )
    .unwrap()
}

fn certificates(n: usize) -> Vec<SecurityDomainCertificate> {
    (0..n)
        .map(|i| SecurityDomainCertificate::generate(&format!("sd-key-{i}")).unwrap())
        .collect()
}

/// The certificates' JWKs read as our model, as a caller would load them from files.
fn info(certificates: &[SecurityDomainCertificate], required: u32) -> CertificateInfo {
    let keys = certificates
        .iter()
        .map(|c| serde_json::from_value::<SecurityDomainJsonWebKey>(c.jwk().clone()).unwrap())
        .collect();
    CertificateInfo::new(keys, required)
}

fn download_options(token: Option<String>, skip: bool) -> Option<BeginDownloadOptions<'static>> {
    Some(BeginDownloadOptions {
        skip_activation_polling: skip,
        polling_interval: FAST,
        continuation_token: token,
        ..Default::default()
    })
}

fn upload_options(token: Option<String>, skip: bool) -> Option<BeginUploadOptions<'static>> {
    Some(BeginUploadOptions {
        skip_activation_polling: skip,
        polling_interval: FAST,
        continuation_token: token,
        ..Default::default()
    })
}

/// Prepares `downloaded` for `client`'s HSM with the private keys of `quorum`.
async fn prepare(
    client: &KeyVaultSecurityDomainClient,
    downloaded: &SecurityDomain,
    quorum: &[&SecurityDomainCertificate],
) -> SecurityDomain {
    let transfer = client.get_transfer_key(None).await.unwrap();
    let jwk = serde_json::to_value(&transfer.transfer_key).unwrap();
    SecurityDomain::new(prepare_upload(downloaded.value.expose_secret(), quorum, &jwk).unwrap())
}

#[tokio::test]
async fn security_domain_download_and_upload_round_trip() {
    let emulator = emulator().await;
    let control = emulator.control();
    control.set_admin_job_latency(Duration::from_millis(1500));
    let source = client(&emulator, "sd-source", ApiVersion::default());
    let certs = certificates(3);

    let mut download = source
        .begin_download(&info(&certs, 2), download_options(None, false))
        .await
        .unwrap();
    assert_eq!(download.poll().await.unwrap(), PollerStatus::InProgress);
    assert_eq!(
        download.next_wait(),
        Duration::from_secs(2),
        "Retry-After wins"
    );
    let status = source.get_download_status(None).await.unwrap();
    assert_eq!(status.status, SecurityDomainStatus::InProgress);
    // A download cannot be resumed: the security domain is only in the first answer.
    let err = source
        .begin_download(
            &info(&certs, 2),
            download_options(Some(download.continuation_token()), false),
        )
        .await
        .unwrap_err();
    assert!(invalid_argument(&err, "continuation_token"), "{err}");
    control.advance_clock(Duration::from_secs(2));
    let domain = download.await.unwrap();
    assert!(!domain.value.expose_secret().is_empty());
    let status = source.get_download_status(None).await.unwrap();
    assert_eq!(status.status, SecurityDomainStatus::Success);
    assert!(status.status_details.is_some());

    // The transfer key of the target HSM is an RSA key with its certificate.
    let target = client(&emulator, "sd-target", ApiVersion::default());
    let transfer = target.get_transfer_key(None).await.unwrap();
    assert_eq!(transfer.key_format, "jwk");
    assert_eq!(transfer.transfer_key.kty, "RSA");
    assert_eq!(transfer.transfer_key.n.len(), 256);
    assert_eq!(transfer.transfer_key.x5c.len(), 1);
    assert_eq!(
        transfer.transfer_key.x5t_s256.as_ref().map(Vec::len),
        Some(32)
    );

    // Upload with two of the three keys; the poller resumes from its token.
    let prepared = prepare(&target, &domain, &[&certs[2], &certs[1]]).await;
    let mut upload = target
        .begin_upload(&prepared, upload_options(None, false))
        .await
        .unwrap();
    assert_eq!(upload.poll().await.unwrap(), PollerStatus::InProgress);
    let token = upload.continuation_token();
    assert!(token.contains("/securitydomain/upload/pending"), "{token}");
    assert_eq!(
        target.get_upload_status(None).await.unwrap().status,
        SecurityDomainStatus::InProgress
    );
    control.advance_clock(Duration::from_secs(2));
    let resumed = target
        .begin_upload(&SecurityDomain::new(""), upload_options(Some(token), false))
        .await
        .unwrap();
    let done = resumed.await.unwrap();
    assert_eq!(done.status, SecurityDomainStatus::Success);
    assert_eq!(
        target.get_upload_status(None).await.unwrap().status,
        SecurityDomainStatus::Success
    );

    // Without activation polling, the pollers are done at once.
    let quick = target
        .begin_download(&info(&certificates(3), 3), download_options(None, true))
        .await
        .unwrap()
        .await
        .unwrap();
    assert!(!quick.value.expose_secret().is_empty());
    // ... and the HSM refuses another operation while that one runs.
    let err = target
        .begin_download(&info(&certs, 2), None)
        .await
        .unwrap_err();
    assert!(err.is_conflict(), "{err}");
}

#[tokio::test]
async fn an_upload_the_hsm_cannot_open_fails_the_poller() {
    let emulator = emulator().await;
    let hsm = client(&emulator, "sd-fail", ApiVersion::default());
    let certs = certificates(3);
    let domain = hsm
        .begin_download(&info(&certs, 2), download_options(None, false))
        .await
        .unwrap()
        .await
        .unwrap();
    let prepared = prepare(&hsm, &domain, &[&certs[0], &certs[1]]).await;
    let mut document: serde_json::Value =
        serde_json::from_str(prepared.value.expose_secret()).unwrap();
    for entry in document["domain"]["quorum"].as_array_mut().unwrap() {
        entry["ciphertext"] = entry["iv"].clone();
    }
    let err = hsm
        .begin_upload(
            &SecurityDomain::new(document.to_string()),
            upload_options(None, false),
        )
        .await
        .unwrap()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::OperationFailed(_)), "{err}");
    assert!(err.to_string().contains("Failed"), "{err}");
    // Malformed input is refused by the service at once.
    let err = hsm
        .begin_upload(&SecurityDomain::new("{\"not\":\"a domain\"}"), None)
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(400), "{err}");
    assert_eq!(err.code(), Some("BadParameter"));
}

#[tokio::test]
async fn security_domain_input_is_checked_before_sending() {
    let emulator = emulator().await;
    let control = emulator.control();
    let hsm = client(&emulator, "sd-checks", ApiVersion::default());
    let certs = certificates(3);
    control.clear_requests();

    let two = info(&certs[..2], 2);
    assert!(invalid_argument(
        &hsm.begin_download(&two, None).await.unwrap_err(),
        "certificates"
    ));
    for required in [0, 1, 4] {
        let err = hsm
            .begin_download(&info(&certs, required), None)
            .await
            .unwrap_err();
        assert!(invalid_argument(&err, "required"), "{required}: {err}");
    }
    let mut no_chain = info(&certs, 2);
    no_chain.certificates[1].x5c.clear();
    let err = hsm.begin_download(&no_chain, None).await.unwrap_err();
    assert!(
        invalid_argument(&err, "certificates") && err.to_string().contains("x5c"),
        "{err}"
    );
    let mut ec = info(&certs, 2);
    ec.certificates[0].kty = "EC".into();
    assert!(invalid_argument(
        &hsm.begin_download(&ec, None).await.unwrap_err(),
        "certificates"
    ));
    let err = hsm
        .begin_upload(&SecurityDomain::new("  "), None)
        .await
        .unwrap_err();
    assert!(invalid_argument(&err, "security_domain"), "{err}");

    let old = client(&emulator, "sd-checks", ApiVersion::V7_1);
    let err = old.get_transfer_key(None).await.unwrap_err();
    assert!(matches!(err, Error::UnsupportedApiVersion { .. }), "{err}");
    assert!(err.to_string().contains("7.2"), "{err}");
    assert!(old.begin_download(&info(&certs, 2), None).await.is_err());
    assert!(old.get_download_status(None).await.is_err());
    assert!(old.get_upload_status(None).await.is_err());
    assert!(old
        .begin_upload(&SecurityDomain::new("x"), None)
        .await
        .is_err());
    assert!(control.requests().is_empty(), "nothing was sent");
}

/// Collects everything the subscriber writes.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Captured {
    type Writer = Captured;
    fn make_writer(&'a self) -> Captured {
        self.clone()
    }
}

#[tokio::test]
async fn the_security_domain_is_never_printed_or_logged() {
    let captured = Captured::default();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(captured.clone())
        .with_ansi(false)
        .finish();
    // Only this test of the binary installs a subscriber.
    tracing::subscriber::set_global_default(subscriber).unwrap();

    let emulator = emulator().await;
    let hsm = client(&emulator, "sd-quiet", ApiVersion::default());
    let certs = certificates(3);
    let mut printed = Vec::new();
    let mut poller = hsm
        .begin_download(&info(&certs, 2), download_options(None, false))
        .await
        .unwrap();
    printed.push(format!("{poller:?}"));
    poller.poll().await.unwrap();
    let domain = poller.await.unwrap();
    printed.push(format!("{domain:?}"));
    let prepared = prepare(&hsm, &domain, &[&certs[0], &certs[2]]).await;
    printed.push(format!("{prepared:?}"));
    let upload = hsm
        .begin_upload(&prepared, upload_options(None, false))
        .await
        .unwrap();
    printed.push(format!("{upload:?}"));
    printed.push(format!("{:?}", upload.await.unwrap()));
    let refused = hsm
        .begin_upload(
            &SecurityDomain::new(format!("x{}", domain.value.expose_secret())),
            None,
        )
        .await
        .unwrap_err();
    printed.push(format!("{refused} {refused:?}"));
    printed.push(format!("{hsm:?}"));

    let log = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(
        log.contains("==> Request"),
        "the pipeline did log at trace level"
    );
    // Pieces of both blobs: their encrypted shares, which only they carry.
    let pieces = |blob: &str| -> Vec<String> {
        let document: serde_json::Value = serde_json::from_str(blob).unwrap();
        let mut pieces = vec![blob[..40].to_string()];
        for share in document["shares"].as_array().unwrap() {
            pieces.push(share["enc_key"].as_str().unwrap()[..32].to_string());
        }
        pieces
    };
    let mut secrets = pieces(domain.value.expose_secret());
    secrets.extend(pieces(prepared.value.expose_secret()));
    for secret in &secrets {
        assert!(
            !log.contains(secret.as_str()),
            "the security domain reached the log"
        );
        for text in &printed {
            assert!(
                !text.contains(secret.as_str()),
                "the security domain reached Debug or Display output: {text}"
            );
        }
    }
}
