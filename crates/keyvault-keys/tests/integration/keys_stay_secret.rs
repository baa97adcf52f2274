//! No private JWK part, backup blob or released key reaches `Debug` output of the models,
//! an error message or the `tracing` log at trace level, over import, get, backup, restore and
//! release against the emulator.

use azure_core::credentials::TokenCredential;
use base64::Engine;
use keyvault_emulator::{Emulator, EmulatorOptions};
use keyvault_keys::ExposeSecret;
use keyvault_keys::{
    CreateRsaKeyOptions, JsonWebKey, KeyClient, KeyClientOptions, KeyReleasePolicy,
};
use keyvault_testkit::fixtures::spec_examples;

fn b64u(bytes: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// Every way a byte string could show up in text: base64url, standard base64, hex, and
/// Rust's `Debug` of the bytes. Only the first 24 bytes are used, so a prefix is caught too.
fn renderings(bytes: &[u8]) -> Vec<String> {
    let head = &bytes[..bytes.len().min(24)];
    let b64u = b64u(head);
    let b64 = base64::engine::general_purpose::STANDARD.encode(head);
    let hex: String = head.iter().map(|b| format!("{b:02x}")).collect();
    let debug = format!("{head:?}");
    vec![
        b64u[..b64u.len() - 2].to_string(),
        b64[..b64.len() - 4].to_string(),
        hex,
        debug[1..debug.len() - 1].to_string(),
    ]
}

fn assert_absent(haystack: &str, what: &str, bytes: &[u8]) {
    for needle in renderings(bytes) {
        assert!(
            !haystack.contains(&needle),
            "{what} leaked as {needle:?} into: {}",
            &haystack[haystack.find(&needle).unwrap().saturating_sub(80)..]
                .chars()
                .take(200)
                .collect::<String>()
        );
    }
}

fn spec_rsa_jwk() -> JsonWebKey {
    let example = spec_examples("Keys")
        .into_iter()
        .find(|e| e.operation_id == "ImportKey")
        .expect("the ImportKey example");
    serde_json::from_value(example.parameters["parameters"]["key"].clone()).unwrap()
}

fn attestation_token(issuer: &str, jwk: &JsonWebKey) -> String {
    let payload = serde_json::json!({
        "iss": issuer,
        "sdk-test": "true",
        "x-ms-runtime": {"keys": [{"kty": "RSA", "kid": "runtime", "key_ops": ["encrypt"],
            "n": b64u(jwk.n.as_ref().unwrap()), "e": b64u(jwk.e.as_ref().unwrap())}]},
    });
    format!(
        "{}.{}.{}",
        b64u(br#"{"alg":"RS256","typ":"JWT"}"#),
        b64u(payload.to_string().as_bytes()),
        b64u(b"signature")
    )
}

#[tokio::test]
async fn no_private_key_material_is_printed_or_logged() {
    let captured = keyvault_testkit::logs::TraceLog::install();

    let emulator = Emulator::start(EmulatorOptions::default()).await.unwrap();
    let credential = emulator.credential();
    let options = || {
        Some(KeyClientOptions {
            client_options: emulator.client_options(),
            ..Default::default()
        })
    };
    let client = KeyClient::new(
        &emulator.vault_url("quietkeys"),
        credential.clone(),
        options(),
    )
    .unwrap();
    let hsm = KeyClient::new(
        &emulator.managed_hsm_url("quiethsm"),
        credential.clone(),
        options(),
    )
    .unwrap();

    let jwk = spec_rsa_jwk();
    let private_parts: Vec<(&str, Vec<u8>)> = [
        ("d", &jwk.d),
        ("p", &jwk.p),
        ("q", &jwk.q),
        ("dp", &jwk.dp),
        ("dq", &jwk.dq),
        ("qi", &jwk.qi),
    ]
    .into_iter()
    .map(|(name, part)| (name, part.as_ref().unwrap().expose_secret().to_vec()))
    .collect();

    let mut printed = vec![format!("{jwk:?}")];
    let imported = client.import_key("imported", &jwk, None).await.unwrap();
    printed.push(format!("{imported:?}"));
    assert!(imported.key.d.is_none(), "the service never returns d");
    let got = client.get_key("imported", None).await.unwrap();
    printed.push(format!("{got:?}"));

    // Backups: the blob never shows, and a corrupted one is refused without echo.
    let backup = client.backup_key("imported", None).await.unwrap();
    printed.push(format!("{backup:?}"));
    let mut corrupted = backup.expose_secret().to_vec();
    let mid = corrupted.len() / 2;
    corrupted[mid] ^= 0xff;
    let err = client
        .restore_key_backup(&corrupted, None)
        .await
        .unwrap_err();
    printed.push(format!("{err:?} {err}"));

    // A released key: the JWS travels back to the caller; it never reaches the log.
    let issuer = "https://attest.example";
    let policy = KeyReleasePolicy {
        encoded_policy: serde_json::to_vec(&serde_json::json!({
            "version": "1.0.0",
            "anyOf": [{"authority": issuer, "allOf": [{"claim": "sdk-test", "equals": "true"}]}]
        }))
        .unwrap(),
        content_type: Some("application/json; charset=utf-8".into()),
        immutable: Some(false),
    };
    hsm.create_rsa_key(
        "exportable",
        Some(CreateRsaKeyOptions {
            hardware_protected: true,
            exportable: Some(true),
            release_policy: Some(policy),
            ..Default::default()
        }),
    )
    .await
    .unwrap();
    let released = hsm
        .release_key("exportable", &attestation_token(issuer, &jwk), None)
        .await
        .unwrap();
    assert_eq!(released.value.expose_secret().split('.').count(), 3);
    printed.push(format!("{released:?}"));

    // An import the service refuses: the error does not echo the key.
    let mut bad = jwk.clone();
    bad.kty = Some(keyvault_keys::KeyType::Oct);
    let err = client.import_key("refused", &bad, None).await.unwrap_err();
    printed.push(format!("{err:?} {err}"));

    let printed = printed.join("\n");
    let log = captured.text();
    assert!(!log.is_empty(), "the trace log was captured");
    for (name, bytes) in &private_parts {
        assert_absent(
            &printed,
            &format!("private part {name} (Debug/errors)"),
            bytes,
        );
        assert_absent(&log, &format!("private part {name} (log)"), bytes);
    }
    assert_absent(
        &printed,
        "the backup (Debug/errors)",
        backup.expose_secret(),
    );
    assert_absent(&log, "the backup (log)", backup.expose_secret());
    let jws_payload = released.value.expose_secret().split('.').nth(1).unwrap();
    assert!(
        !printed.contains(&jws_payload[..40]),
        "the released key reached Debug output"
    );
    assert!(
        !log.contains(&jws_payload[..40]),
        "the released key reached the log"
    );
    // The cached token the clients used.
    let token = credential
        .get_token(&["https://vault.azure.net/.default"], None)
        .await
        .unwrap();
    assert!(
        !log.contains(token.token.secret()),
        "an access token reached the log"
    );
    assert!(!log.contains(emulator.client_secret()));
}
