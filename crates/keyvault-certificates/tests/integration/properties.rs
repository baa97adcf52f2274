//! Property tests of the certificate import checks: arbitrary bytes, PEM-shaped text and
//! mutated DER given to `import_certificate` and `merge_certificate` never panic; what the
//! client refuses is an `Error::InvalidArgument` made before anything is sent, and what it
//! sends the emulator answers without a 5xx.

use base64::Engine;
use keyvault_certificates::{CertificateClient, CertificateClientOptions, Error};
use keyvault_emulator::{Emulator, EmulatorOptions};
use proptest::prelude::*;
use std::sync::OnceLock;

/// A real self-signed certificate (the spec's GetCertificate example).
const CER: &str = "MIICODCCAeagAwIBAgIQqHmpBAv+CY9IJFoUhlbziTAJBgUrDgMCHQUAMBYxFDASBgNVBAMTC1Jvb3QgQWdlbmN5MB4XDTE1MDQyOTIxNTM0MVoXDTM5MTIzMTIzNTk1OVowFzEVMBMGA1UEAxMMS2V5VmF1bHRUZXN0MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA5bVAT73zr4+N4WVv2+SvTunAw08ksS4BrJW/nNliz3S9XuzMBMXvmYzU5HJ8TtEgluBiZZYd5qsMJD+OXHSNbsLdmMhni0jYX09h3XlC2VJw2sGKeYF+xEaavXm337aZZaZyjrFBrrUl51UePaN+kVFXNlBb3N3TYpqa7KokXenJQuR+i9Gv9a77c0UsSsDSryxppYhKK7HvTZCpKrhVtulF5iPMswWe9np3uggfMamyIsK/0L7X9w9B2qN7993RR0A00nOk4H6CnkuwO77dSsD0KJsk6FyAoZBzRXDZh9+d9R76zCL506NcQy/jl0lCiQYwsUX73PG5pxOh02OwKwIDAQABo0swSTBHBgNVHQEEQDA+gBAS5AktBh0dTwCNYSHcFmRjoRgwFjEUMBIGA1UEAxMLUm9vdCBBZ2VuY3mCEAY3bACqAGSKEc+41KpcNfQwCQYFKw4DAh0FAANBAGqIjo2geVagzuzaZOe1ClGKhZeiCKfWAxklaGN+qlGUbVS4IN4V1lot3VKnzabasmkEHeNxPwLn1qvSD0cX9CE=";

struct Fixture {
    runtime: tokio::runtime::Runtime,
    emulator: Emulator,
    client: CertificateClient,
}

fn fixture() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let emulator = runtime
            .block_on(Emulator::start(EmulatorOptions::default()))
            .unwrap();
        let client = CertificateClient::new(
            &emulator.vault_url("certprops"),
            emulator.credential(),
            Some(CertificateClientOptions {
                client_options: emulator.client_options(),
                ..Default::default()
            }),
        )
        .unwrap();
        Fixture {
            runtime,
            emulator,
            client,
        }
    })
}

fn der() -> Vec<u8> {
    base64::engine::general_purpose::STANDARD
        .decode(CER)
        .unwrap()
}

fn pem(tag: &str, body: &[u8]) -> Vec<u8> {
    let b64 = base64::engine::general_purpose::STANDARD.encode(body);
    let lines: Vec<&str> = b64
        .as_bytes()
        .chunks(64)
        .map(|c| std::str::from_utf8(c).unwrap())
        .collect();
    format!(
        "-----BEGIN {tag}-----\n{}\n-----END {tag}-----\n",
        lines.join("\n")
    )
    .into_bytes()
}

/// Bytes that reach deep into the checks: mutated DER, PEM around random or mutated DER,
/// truncated text, and plain noise.
fn candidate() -> impl Strategy<Value = Vec<u8>> {
    let mutated_der = (any::<usize>(), any::<u8>(), 0usize..600).prop_map(|(at, byte, cut)| {
        let mut d = der();
        let i = at % d.len();
        d[i] = byte;
        d.truncate(d.len() - cut.min(d.len() - 1));
        d
    });
    prop_oneof![
        2 => proptest::collection::vec(any::<u8>(), 0..512),
        2 => mutated_der.clone(),
        2 => mutated_der.prop_map(|d| pem("CERTIFICATE", &d)),
        1 => proptest::collection::vec(any::<u8>(), 0..256).prop_map(|b| pem("CERTIFICATE", &b)),
        1 => (prop::sample::select(vec!["PRIVATE KEY", "CERTIFICATE", "PKCS12", ""]), "[ -~\n]{0,200}")
            .prop_map(|(tag, text)| format!("-----BEGIN {tag}-----\n{text}\n-----END {tag}-----").into_bytes()),
        1 => (0usize..1200).prop_map(|cut| {
            let mut p = pem("CERTIFICATE", &der());
            p.truncate(cut.min(p.len()));
            p
        }),
        1 => proptest::collection::vec(any::<u8>(), 0..64).prop_map(|mut b| {
            // DER-looking: a SEQUENCE header with a random length.
            b.insert(0, 0x30);
            b
        }),
    ]
}

fn acceptable(result: Result<(), Error>) -> Result<(), TestCaseError> {
    match result {
        Ok(()) => Ok(()),
        Err(Error::InvalidArgument { .. }) => Ok(()),
        Err(Error::Service { status, .. }) if status < 500 => Ok(()),
        Err(other) => Err(TestCaseError::fail(format!("unexpected error: {other:?}"))),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn import_never_panics_and_refuses_with_typed_errors(bytes in candidate(), n in 0u32..1000) {
        let f = fixture();
        let name = format!("imp{n}");
        let result = f.runtime.block_on(f.client.import_certificate(&name, &bytes, None));
        acceptable(result.map(drop))?;
    }

    #[test]
    fn merge_never_panics_and_refuses_with_typed_errors(
        parts in proptest::collection::vec(candidate(), 1..3),
    ) {
        let f = fixture();
        let result = f.runtime.block_on(f.client.merge_certificate("merge-target", &parts, None));
        acceptable(result.map(drop))?;
    }
}

#[test]
fn arbitrary_import_bytes_send_nothing_when_refused() {
    let f = fixture();
    let control = f.emulator.control();
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig {
        cases: 128,
        ..ProptestConfig::default()
    });
    runner
        .run(&proptest::collection::vec(any::<u8>(), 0..300), |bytes| {
            // Noise that does not start with '-' or 0x30 is never PEM nor DER.
            if bytes
                .first()
                .is_some_and(|b| *b == b'-' || *b == 0x30 || b.is_ascii_whitespace())
            {
                return Ok(());
            }
            // The fixture is shared with this file's other tests, which run in parallel:
            // count only requests for this test's certificate.
            let sent = || {
                control
                    .requests()
                    .iter()
                    .filter(|r| r.path.contains("/noise"))
                    .count()
            };
            let before = sent();
            let result = f
                .runtime
                .block_on(f.client.import_certificate("noise", &bytes, None));
            prop_assert!(
                matches!(result, Err(Error::InvalidArgument { .. })),
                "{:?}",
                result.map(drop)
            );
            prop_assert_eq!(sent(), before, "nothing was sent");
            Ok(())
        })
        .unwrap();
}
