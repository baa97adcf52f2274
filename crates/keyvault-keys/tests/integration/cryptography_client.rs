//! `CryptographyClient` against the emulator: for every algorithm, what is computed locally
//! the emulator undoes (decrypts, unwraps, verifies), and what the emulator computes is undone
//! locally; plus the routing rules (what runs where, 403 means remote for good), the local
//! checks (key_ops, validity) and the argument checks made before anything is sent.
#![cfg(feature = "local-crypto")]

use keyvault_emulator::{Emulator, Fault};
use keyvault_keys::ExposeSecret;
use keyvault_keys::{
    ApiVersion, CreateEcKeyOptions, CreateOctKeyOptions, CreateRsaKeyOptions, CryptographyClient,
    CryptographyClientOptions, DecryptOptions, EncryptOptions, EncryptionAlgorithm, Error,
    ImportKeyOptions, JsonWebKey, KeyClient, KeyCurveName, KeyOperation, KeyType, KeyWrapAlgorithm,
    SecretBytes, SignatureAlgorithm, UpdateKeyPropertiesOptions,
};
use keyvault_testkit::fixtures::spec_examples;
use sha2::{Digest, Sha256, Sha384, Sha512};
use std::time::Duration;
use time::OffsetDateTime;

use keyvault_testkit::emulator::emulator;

fn options(emulator: &Emulator) -> CryptographyClientOptions {
    CryptographyClientOptions {
        api_version: Some(ApiVersion::default()),
        client_options: emulator.client_options(),
        ..Default::default()
    }
}

fn key_client(emulator: &Emulator, url: String) -> KeyClient {
    KeyClient::new(&url, emulator.credential(), Some(options(emulator))).expect("client")
}

/// A client whose one attempt to read the key is answered 403: remote only, for good.
async fn remote_only(emulator: &Emulator, key_id: &str) -> CryptographyClient {
    let client =
        CryptographyClient::new(key_id, emulator.credential(), Some(options(emulator))).unwrap();
    emulator.control().inject_faults(
        Fault::Status {
            status: 403,
            retry_after: Duration::ZERO,
        },
        1,
    );
    // The first operation tries the GET (403), then goes to the service.
    let probe = client
        .verify(SignatureAlgorithm::Other("probe".into()), b"x", b"y", None)
        .await;
    assert!(probe.is_err(), "the service refuses an unknown algorithm");
    client
}

/// How many requests went to `.../{op}` since the log was last cleared.
fn sent(emulator: &Emulator, op: &str) -> usize {
    emulator
        .control()
        .requests()
        .iter()
        .filter(|r| r.path.to_ascii_lowercase().ends_with(&format!("/{op}")))
        .count()
}

fn spec_rsa_jwk() -> JsonWebKey {
    let example = spec_examples("Keys")
        .into_iter()
        .find(|e| e.operation_id == "ImportKey")
        .expect("the ImportKey example");
    serde_json::from_value(example.parameters["parameters"]["key"].clone()).unwrap()
}

fn digest(alg: &SignatureAlgorithm, data: &[u8]) -> Vec<u8> {
    match alg.digest_len() {
        Some(48) => Sha384::digest(data).to_vec(),
        Some(64) => Sha512::digest(data).to_vec(),
        _ => Sha256::digest(data).to_vec(),
    }
}

fn hex(text: &str) -> Vec<u8> {
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
        .collect()
}

/// EC private keys: RFC 6979's P-256 key, and d = 0x1234567890ABCDEF1234567890ABCDEF on the
/// other curves (public points from `openssl_vectors.txt`).
fn ec_jwks() -> Vec<(KeyCurveName, SignatureAlgorithm, JsonWebKey)> {
    let vectors = include_str!("../../src/crypto/local/openssl_vectors.txt");
    let vector = |name: &str| {
        hex(vectors
            .lines()
            .find_map(|l| l.strip_prefix(&format!("{name} ")))
            .unwrap())
    };
    let small_d = |len: usize| {
        let mut d = vec![0; len - 16];
        d.extend(hex("1234567890ABCDEF1234567890ABCDEF"));
        d
    };
    let jwk = |crv: KeyCurveName, x: Vec<u8>, y: Vec<u8>, d: Vec<u8>| JsonWebKey {
        kty: Some(KeyType::Ec),
        crv: Some(crv),
        x: Some(x),
        y: Some(y),
        d: Some(SecretBytes::new(d)),
        ..Default::default()
    };
    vec![
        (
            KeyCurveName::P256,
            SignatureAlgorithm::Es256,
            jwk(
                KeyCurveName::P256,
                hex("60FED4BA255A9D31C961EB74C6356D68C049B8923B61FA6CE669622E60F29FB6"),
                hex("7903FE1008B8BC99A41AE9E95628BC64F2F1B20C2D7E9F5177A3C294D4462299"),
                hex("C9AFA9D845BA75166B5C215767B1D6934E50C3DB36E89B127B8A622B120F6721"),
            ),
        ),
        (
            KeyCurveName::P384,
            SignatureAlgorithm::Es384,
            jwk(
                KeyCurveName::P384,
                vector("P384 x"),
                vector("P384 y"),
                small_d(48),
            ),
        ),
        (
            KeyCurveName::P521,
            SignatureAlgorithm::Es512,
            jwk(
                KeyCurveName::P521,
                vector("P521 x"),
                vector("P521 y"),
                small_d(66),
            ),
        ),
        (
            KeyCurveName::P256K,
            SignatureAlgorithm::Es256K,
            jwk(
                KeyCurveName::P256K,
                vector("K256 x"),
                vector("K256 y"),
                small_d(32),
            ),
        ),
    ]
}

#[tokio::test]
async fn rsa_every_algorithm_both_ways() {
    let emulator = emulator().await;
    let keys = key_client(&emulator, emulator.vault_url("rsa"));
    let jwk = spec_rsa_jwk();
    let imported = keys.import_key("rsa", &jwk, None).await.unwrap();
    let local = CryptographyClient::from_jwk(JsonWebKey {
        kid: Some(imported.id().to_string()),
        ..jwk.clone()
    })
    .unwrap();
    let remote = remote_only(&emulator, imported.id()).await;
    let mixed = keys.get_cryptography_client("rsa", None).unwrap();
    let plaintext = b"a secret of modest length";

    for alg in [
        EncryptionAlgorithm::RsaOaep,
        EncryptionAlgorithm::RsaOaep256,
        EncryptionAlgorithm::Rsa1_5,
    ] {
        let encrypted = local.encrypt(alg.clone(), plaintext, None).await.unwrap();
        let decrypted = remote
            .decrypt(alg.clone(), &encrypted.ciphertext, None)
            .await
            .unwrap();
        assert_eq!(
            decrypted.plaintext.expose_secret(),
            plaintext,
            "local {alg} -> emulator"
        );
        assert_eq!(decrypted.key_id.as_deref(), Some(imported.id()));

        let encrypted = remote.encrypt(alg.clone(), plaintext, None).await.unwrap();
        assert_eq!(encrypted.key_id.as_deref(), Some(imported.id()));
        let decrypted = local
            .decrypt(alg.clone(), &encrypted.ciphertext, None)
            .await
            .unwrap();
        assert_eq!(
            decrypted.plaintext.expose_secret(),
            plaintext,
            "emulator {alg} -> local"
        );

        // With the public key only: encrypt here, decrypt there.
        emulator.control().clear_requests();
        let encrypted = mixed.encrypt(alg.clone(), plaintext, None).await.unwrap();
        assert_eq!(sent(&emulator, "encrypt"), 0, "{alg} encrypts locally");
        let decrypted = mixed
            .decrypt(alg.clone(), &encrypted.ciphertext, None)
            .await
            .unwrap();
        assert_eq!(sent(&emulator, "decrypt"), 1, "{alg} decrypts remotely");
        assert_eq!(decrypted.plaintext.expose_secret(), plaintext);
    }

    let cek = [0x5Au8; 32];
    for alg in [
        KeyWrapAlgorithm::RsaOaep,
        KeyWrapAlgorithm::RsaOaep256,
        KeyWrapAlgorithm::Rsa1_5,
    ] {
        let wrapped = local.wrap_key(alg.clone(), &cek, None).await.unwrap();
        let unwrapped = remote
            .unwrap_key(alg.clone(), &wrapped.encrypted_key, None)
            .await
            .unwrap();
        assert_eq!(
            unwrapped.key.expose_secret(),
            cek,
            "local {alg} -> emulator"
        );
        let wrapped = remote.wrap_key(alg.clone(), &cek, None).await.unwrap();
        let unwrapped = local
            .unwrap_key(alg.clone(), &wrapped.encrypted_key, None)
            .await
            .unwrap();
        assert_eq!(
            unwrapped.key.expose_secret(),
            cek,
            "emulator {alg} -> local"
        );
        emulator.control().clear_requests();
        let wrapped = mixed.wrap_key(alg.clone(), &cek, None).await.unwrap();
        assert_eq!(sent(&emulator, "wrapkey"), 0);
        let unwrapped = mixed
            .unwrap_key(alg.clone(), &wrapped.encrypted_key, None)
            .await
            .unwrap();
        assert_eq!(sent(&emulator, "unwrapkey"), 1);
        assert_eq!(unwrapped.key.expose_secret(), cek);
    }

    use SignatureAlgorithm::*;
    for alg in [Rs256, Rs384, Rs512, Ps256, Ps384, Ps512] {
        let d = digest(&alg, b"message");
        let signed = local.sign(alg.clone(), &d, None).await.unwrap();
        assert!(
            remote
                .verify(alg.clone(), &d, &signed.signature, None)
                .await
                .unwrap()
                .is_valid,
            "local {alg} -> emulator"
        );
        let signed = remote.sign(alg.clone(), &d, None).await.unwrap();
        assert!(
            local
                .verify(alg.clone(), &d, &signed.signature, None)
                .await
                .unwrap()
                .is_valid,
            "emulator {alg} -> local"
        );
        let other = digest(&alg, b"another message");
        assert!(
            !local
                .verify(alg.clone(), &other, &signed.signature, None)
                .await
                .unwrap()
                .is_valid
        );
        assert!(
            !remote
                .verify(alg.clone(), &other, &signed.signature, None)
                .await
                .unwrap()
                .is_valid
        );

        emulator.control().clear_requests();
        let signed = mixed.sign(alg.clone(), &d, None).await.unwrap();
        assert_eq!(sent(&emulator, "sign"), 1, "{alg} signs remotely");
        assert!(
            mixed
                .verify(alg.clone(), &d, &signed.signature, None)
                .await
                .unwrap()
                .is_valid
        );
        assert_eq!(sent(&emulator, "verify"), 0, "{alg} verifies locally");
    }
    // PKCS#1 v1.5 is deterministic: the emulator's signature is ours.
    let d = digest(&Rs256, b"deterministic");
    assert_eq!(
        local.sign(Rs256, &d, None).await.unwrap().signature,
        remote.sign(Rs256, &d, None).await.unwrap().signature
    );
}

#[tokio::test]
async fn ecdsa_every_curve_both_ways() {
    let emulator = emulator().await;
    let keys = key_client(&emulator, emulator.vault_url("ec"));
    for (crv, alg, jwk) in ec_jwks() {
        let name = format!("ec-{}", crv.as_str().to_ascii_lowercase());
        let imported = keys.import_key(&name, &jwk, None).await.unwrap();
        assert_eq!(imported.key.x, jwk.x, "{crv}");
        let local = CryptographyClient::from_jwk(jwk.clone()).unwrap();
        let remote = remote_only(&emulator, imported.id()).await;
        let d = digest(&alg, b"message");

        let signed = local.sign(alg.clone(), &d, None).await.unwrap();
        assert_eq!(signed.signature.len(), 2 * jwk.x.as_ref().unwrap().len());
        let verified = remote
            .verify(alg.clone(), &d, &signed.signature, None)
            .await
            .unwrap();
        assert!(verified.is_valid, "local {alg} -> emulator");
        let signed = remote.sign(alg.clone(), &d, None).await.unwrap();
        assert!(
            local
                .verify(alg.clone(), &d, &signed.signature, None)
                .await
                .unwrap()
                .is_valid,
            "emulator {alg} -> local"
        );
        let other = digest(&alg, b"other");
        assert!(
            !local
                .verify(alg.clone(), &other, &signed.signature, None)
                .await
                .unwrap()
                .is_valid
        );
        assert!(
            !remote
                .verify(alg.clone(), &other, &signed.signature, None)
                .await
                .unwrap()
                .is_valid
        );

        // A key made by the service: signed there, verified here.
        let created = keys
            .create_ec_key(
                &format!("{name}-hsm"),
                Some(CreateEcKeyOptions {
                    curve: Some(crv.clone()),
                    hardware_protected: true,
                    ..Default::default()
                }),
            )
            .await
            .unwrap();
        let mixed =
            CryptographyClient::from_key(created, emulator.credential(), Some(options(&emulator)))
                .unwrap();
        emulator.control().clear_requests();
        let signed = mixed.sign(alg.clone(), &d, None).await.unwrap();
        assert!(
            mixed
                .verify(alg.clone(), &d, &signed.signature, None)
                .await
                .unwrap()
                .is_valid,
            "{alg}"
        );
        assert_eq!((sent(&emulator, "sign"), sent(&emulator, "verify")), (1, 0));
    }
}

#[tokio::test]
async fn aes_every_algorithm_both_ways_in_a_managed_hsm() {
    let emulator = emulator().await;
    let keys = key_client(&emulator, emulator.managed_hsm_url("aes"));
    use EncryptionAlgorithm::*;
    use KeyWrapAlgorithm as W;
    for (bits, cbc, pad, gcm, kw, kwpad) in [
        (128, A128Cbc, A128CbcPad, A128Gcm, W::A128Kw, W::A128KwPad),
        (192, A192Cbc, A192CbcPad, A192Gcm, W::A192Kw, W::A192KwPad),
        (256, A256Cbc, A256CbcPad, A256Gcm, W::A256Kw, W::A256KwPad),
    ] {
        let k: Vec<u8> = (0..bits / 8).map(|i| i as u8 ^ 0xA5).collect();
        let jwk = JsonWebKey {
            kty: Some(KeyType::OctHsm),
            k: Some(SecretBytes::new(k)),
            ..Default::default()
        };
        let name = format!("aes-{bits}");
        let imported = keys
            .import_key(
                &name,
                &jwk,
                Some(ImportKeyOptions {
                    hardware_protected: Some(true),
                    ..Default::default()
                }),
            )
            .await
            .unwrap();
        let local = CryptographyClient::from_jwk(jwk).unwrap();
        let remote = remote_only(&emulator, imported.id()).await;
        let data = b"thirty-two bytes of plaintext!!!";

        for alg in [cbc.clone(), pad.clone()] {
            let encrypted = local.encrypt(alg.clone(), data, None).await.unwrap();
            let iv = encrypted.iv.clone().unwrap();
            assert_eq!(iv.len(), 16);
            let decrypted = remote
                .decrypt(
                    alg.clone(),
                    &encrypted.ciphertext,
                    Some(DecryptOptions {
                        iv: Some(iv.clone()),
                        ..Default::default()
                    }),
                )
                .await
                .unwrap();
            assert_eq!(
                decrypted.plaintext.expose_secret(),
                data,
                "local {alg} -> emulator"
            );
            let encrypted = remote
                .encrypt(
                    alg.clone(),
                    data,
                    Some(EncryptOptions {
                        iv: Some(vec![3; 16]),
                        ..Default::default()
                    }),
                )
                .await
                .unwrap();
            let decrypted = local
                .decrypt(
                    alg.clone(),
                    &encrypted.ciphertext,
                    Some(DecryptOptions {
                        iv: encrypted.iv.clone(),
                        ..Default::default()
                    }),
                )
                .await
                .unwrap();
            assert_eq!(
                decrypted.plaintext.expose_secret(),
                data,
                "emulator {alg} -> local"
            );
        }
        // The same iv gives the same ciphertext both sides.
        let iv = Some(vec![9; 16]);
        let here = local
            .encrypt(
                pad.clone(),
                data,
                Some(EncryptOptions {
                    iv: iv.clone(),
                    ..Default::default()
                }),
            )
            .await
            .unwrap();
        let there = remote
            .encrypt(
                pad.clone(),
                data,
                Some(EncryptOptions {
                    iv,
                    ..Default::default()
                }),
            )
            .await
            .unwrap();
        assert_eq!(here.ciphertext, there.ciphertext, "{pad}");

        let aad = b"header".to_vec();
        let encrypted = local
            .encrypt(
                gcm.clone(),
                data,
                Some(EncryptOptions {
                    additional_authenticated_data: Some(aad.clone()),
                    ..Default::default()
                }),
            )
            .await
            .unwrap();
        let decrypted = remote
            .decrypt(
                gcm.clone(),
                &encrypted.ciphertext,
                Some(DecryptOptions {
                    iv: encrypted.iv.clone(),
                    authentication_tag: encrypted.authentication_tag.clone(),
                    additional_authenticated_data: Some(aad.clone()),
                    ..Default::default()
                }),
            )
            .await
            .unwrap();
        assert_eq!(
            decrypted.plaintext.expose_secret(),
            data,
            "local {gcm} -> emulator"
        );
        let encrypted = remote
            .encrypt(
                gcm.clone(),
                data,
                Some(EncryptOptions {
                    additional_authenticated_data: Some(aad.clone()),
                    ..Default::default()
                }),
            )
            .await
            .unwrap();
        assert!(
            encrypted.iv.is_some() && encrypted.authentication_tag.is_some(),
            "{gcm}"
        );
        let decrypted = local
            .decrypt(
                gcm.clone(),
                &encrypted.ciphertext,
                Some(DecryptOptions {
                    iv: encrypted.iv.clone(),
                    authentication_tag: encrypted.authentication_tag.clone(),
                    additional_authenticated_data: encrypted.additional_authenticated_data.clone(),
                    ..Default::default()
                }),
            )
            .await
            .unwrap();
        assert_eq!(
            decrypted.plaintext.expose_secret(),
            data,
            "emulator {gcm} -> local"
        );

        let cek = [0x11u8; 32];
        for alg in [kw.clone(), W::CkmAesKeyWrap] {
            let wrapped = local.wrap_key(alg.clone(), &cek, None).await.unwrap();
            let unwrapped = remote
                .unwrap_key(alg.clone(), &wrapped.encrypted_key, None)
                .await
                .unwrap();
            assert_eq!(
                unwrapped.key.expose_secret(),
                cek,
                "local {alg} -> emulator"
            );
            let wrapped = remote.wrap_key(alg.clone(), &cek, None).await.unwrap();
            let unwrapped = local
                .unwrap_key(alg.clone(), &wrapped.encrypted_key, None)
                .await
                .unwrap();
            assert_eq!(
                unwrapped.key.expose_secret(),
                cek,
                "emulator {alg} -> local"
            );
        }
        // The padded wraps run on the service only.
        for alg in [kwpad.clone(), W::CkmAesKeyWrapPad] {
            let wrapped = remote
                .wrap_key(alg.clone(), &cek[..20], None)
                .await
                .unwrap();
            let unwrapped = remote
                .unwrap_key(alg.clone(), &wrapped.encrypted_key, None)
                .await
                .unwrap();
            assert_eq!(unwrapped.key.expose_secret(), &cek[..20], "{alg}");
            let err = local.wrap_key(alg.clone(), &cek, None).await.unwrap_err();
            assert!(matches!(err, Error::Cryptography { .. }), "{alg}: {err}");
        }
    }

    // A key made in the HSM has no k: everything runs there.
    let created = keys
        .create_oct_key(
            "made-here",
            Some(CreateOctKeyOptions {
                size: Some(256),
                hardware_protected: true,
                key_operations: Some(vec![
                    KeyOperation::Encrypt,
                    KeyOperation::Decrypt,
                    KeyOperation::Sign,
                    KeyOperation::Verify,
                ]),
                ..Default::default()
            }),
        )
        .await
        .unwrap();
    let crypto = keys.get_cryptography_client("made-here", None).unwrap();
    let encrypted = crypto.encrypt(A256Gcm, b"hsm only", None).await.unwrap();
    let decrypted = crypto
        .decrypt(
            A256Gcm,
            &encrypted.ciphertext,
            Some(DecryptOptions {
                iv: encrypted.iv.clone(),
                authentication_tag: encrypted.authentication_tag.clone(),
                ..Default::default()
            }),
        )
        .await
        .unwrap();
    assert_eq!(decrypted.plaintext.expose_secret(), b"hsm only");
    assert_eq!(decrypted.key_id.as_deref(), Some(created.id()));
    for alg in [
        SignatureAlgorithm::Hs256,
        SignatureAlgorithm::Hs384,
        SignatureAlgorithm::Hs512,
    ] {
        let d = digest(&alg, b"mac me");
        let signed = crypto.sign(alg.clone(), &d, None).await.unwrap();
        assert!(
            crypto
                .verify(alg.clone(), &d, &signed.signature, None)
                .await
                .unwrap()
                .is_valid,
            "{alg}"
        );
        assert!(
            !crypto
                .verify(alg.clone(), &d, &[0; 32], None)
                .await
                .unwrap()
                .is_valid,
            "{alg}"
        );
    }
}

#[tokio::test]
async fn a_forbidden_read_means_remote_for_good_and_versions_are_pinned() {
    let emulator = emulator().await;
    let keys = key_client(&emulator, emulator.vault_url("routing"));
    let key = keys.create_rsa_key("k", None).await.unwrap();
    let unversioned = format!("{}/keys/k", emulator.vault_url("routing"));

    emulator.control().clear_requests();
    let remote = remote_only(&emulator, &unversioned).await;
    for _ in 0..2 {
        remote
            .encrypt(EncryptionAlgorithm::RsaOaep, b"x", None)
            .await
            .unwrap();
    }
    let gets = emulator
        .control()
        .requests()
        .iter()
        .filter(|r| r.method == "GET")
        .count();
    assert_eq!(gets, 1, "the key is read once; the 403 is final");
    assert_eq!(sent(&emulator, "encrypt"), 2);
    assert_eq!(remote.key_id().await.as_deref(), Some(unversioned.as_str()));

    // An unversioned id is pinned to the version fetched.
    let crypto = CryptographyClient::new(
        &unversioned,
        emulator.credential(),
        Some(options(&emulator)),
    )
    .unwrap();
    let signed = crypto
        .sign(SignatureAlgorithm::Rs256, &[1; 32], None)
        .await
        .unwrap();
    assert_eq!(signed.key_id.as_deref(), Some(key.id()));
    assert_eq!(crypto.key_id().await.as_deref(), Some(key.id()));
    keys.create_rsa_key("k", None).await.unwrap();
    let verified = crypto
        .verify(SignatureAlgorithm::Rs256, &[1; 32], &signed.signature, None)
        .await
        .unwrap();
    assert!(
        verified.is_valid,
        "still the first version after a rotation"
    );
    assert_eq!(crypto.vault_url(), Some(keys.vault_url()));
}

#[tokio::test]
async fn local_operations_respect_key_ops_and_validity() {
    let emulator = emulator().await;
    let keys = key_client(&emulator, emulator.vault_url("checks"));
    let jwk = spec_rsa_jwk();
    let verify_only = CryptographyClient::from_jwk(JsonWebKey {
        key_ops: vec![KeyOperation::Verify],
        ..jwk.clone()
    })
    .unwrap();
    let err = verify_only
        .encrypt(EncryptionAlgorithm::RsaOaep, b"x", None)
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Cryptography {
                operation: "encrypt",
                ..
            }
        ),
        "{err}"
    );
    assert!(err.to_string().contains("key_ops"), "{err}");
    let d = digest(&SignatureAlgorithm::Ps256, b"m");
    assert!(verify_only
        .sign(SignatureAlgorithm::Ps256, &d, None)
        .await
        .is_err());

    let now = OffsetDateTime::now_utc();
    for (name, options, why) in [
        (
            "expired",
            CreateRsaKeyOptions {
                expires_on: Some(now - time::Duration::days(1)),
                ..Default::default()
            },
            "expired",
        ),
        (
            "future",
            CreateRsaKeyOptions {
                not_before: Some(now + time::Duration::days(1)),
                ..Default::default()
            },
            "not valid before",
        ),
        (
            "disabled",
            CreateRsaKeyOptions {
                enabled: Some(false),
                ..Default::default()
            },
            "disabled",
        ),
    ] {
        let key = keys.create_rsa_key(name, Some(options)).await.unwrap();
        let crypto =
            CryptographyClient::from_key(key, emulator.credential(), Some(options_of(&emulator)))
                .unwrap();
        emulator.control().clear_requests();
        let err = crypto
            .encrypt(EncryptionAlgorithm::RsaOaep256, b"x", None)
            .await
            .unwrap_err();
        assert!(matches!(err, Error::Cryptography { .. }), "{name}: {err}");
        assert!(err.to_string().contains(why), "{name}: {err}");
        assert!(
            emulator.control().requests().is_empty(),
            "{name}: refused locally"
        );
    }
}

/// Azure Key Vault's documentation, "About keys", section "Date-time controlled operations": a
/// key outside its nbf/exp window still decrypts, unwraps and verifies, so that what it
/// protected stays readable; encrypt, wrap and sign are refused. Each operation in each state,
/// locally (refused before anything is sent) and by the emulator (403 with the inner code).
#[tokio::test]
async fn date_time_controlled_operations_locally_and_remotely() {
    let emulator = emulator().await;
    let keys = key_client(&emulator, emulator.vault_url("dated"));
    let now = OffsetDateTime::now_utc();
    let (alg, wrap, sig) = (
        EncryptionAlgorithm::RsaOaep256,
        KeyWrapAlgorithm::RsaOaep256,
        SignatureAlgorithm::Rs256,
    );
    let d = digest(&sig, b"signed while valid");
    for (name, window, inner) in [
        (
            "expired",
            UpdateKeyPropertiesOptions {
                expires_on: Some(now - time::Duration::days(1)),
                ..Default::default()
            },
            "KeyExpired",
        ),
        (
            "early",
            UpdateKeyPropertiesOptions {
                not_before: Some(now + time::Duration::days(1)),
                ..Default::default()
            },
            "KeyNotYetValid",
        ),
    ] {
        let key = keys.create_rsa_key(name, None).await.unwrap();
        let remote = remote_only(&emulator, key.id()).await;
        // What the key protected while it was valid.
        let ciphertext = remote
            .encrypt(alg.clone(), b"plaintext", None)
            .await
            .unwrap()
            .ciphertext;
        let wrapped = remote
            .wrap_key(wrap.clone(), &[7u8; 32], None)
            .await
            .unwrap()
            .encrypted_key;
        let signature = remote.sign(sig.clone(), &d, None).await.unwrap().signature;

        let key = keys
            .update_key_properties(name, Some(window))
            .await
            .unwrap();
        let local =
            CryptographyClient::from_key(key, emulator.credential(), Some(options(&emulator)))
                .unwrap();

        // Still allowed: verify locally (the public key) and remotely; decrypt and unwrap by
        // the service (the client holds no private material).
        emulator.control().clear_requests();
        for client in [&local, &remote] {
            let verified = client.verify(sig.clone(), &d, &signature, None).await;
            assert!(verified.unwrap().is_valid, "{name}");
            let decrypted = client.decrypt(alg.clone(), &ciphertext, None).await;
            assert_eq!(
                decrypted.unwrap().plaintext.expose_secret(),
                b"plaintext",
                "{name}"
            );
            let unwrapped = client.unwrap_key(wrap.clone(), &wrapped, None).await;
            assert_eq!(unwrapped.unwrap().key.expose_secret(), &[7u8; 32], "{name}");
        }
        assert_eq!(
            sent(&emulator, "verify"),
            1,
            "{name}: local verify sent nothing"
        );

        // Refused locally, before anything is sent: encrypt and wrap with the public key.
        emulator.control().clear_requests();
        let local_refusals = [
            local.encrypt(alg.clone(), b"x", None).await.unwrap_err(),
            local
                .wrap_key(wrap.clone(), &[7u8; 32], None)
                .await
                .unwrap_err(),
        ];
        for err in local_refusals {
            assert!(matches!(err, Error::Cryptography { .. }), "{name}: {err}");
        }
        assert!(emulator.control().requests().is_empty(), "{name}");

        // Refused by the service: encrypt, wrap and sign.
        let remote_refusals = [
            remote.encrypt(alg.clone(), b"x", None).await.unwrap_err(),
            remote
                .wrap_key(wrap.clone(), &[7u8; 32], None)
                .await
                .unwrap_err(),
            remote.sign(sig.clone(), &d, None).await.unwrap_err(),
            local.sign(sig.clone(), &d, None).await.unwrap_err(),
        ];
        for err in remote_refusals {
            assert_eq!(err.status(), Some(403), "{name}: {err}");
            assert_eq!(err.inner_code(), Some(inner), "{name}: {err}");
        }
    }
}

fn options_of(emulator: &Emulator) -> CryptographyClientOptions {
    options(emulator)
}

#[tokio::test]
async fn local_only_clients_never_send_anything() {
    let emulator = emulator().await;
    let local = CryptographyClient::from_jwk(spec_rsa_jwk()).unwrap();
    assert_eq!(local.vault_url(), None);
    let encrypted = local
        .encrypt(EncryptionAlgorithm::RsaOaep256, b"offline", None)
        .await
        .unwrap();
    assert_eq!(encrypted.key_id, None);
    let decrypted = local
        .decrypt(EncryptionAlgorithm::RsaOaep256, &encrypted.ciphertext, None)
        .await
        .unwrap();
    assert_eq!(decrypted.plaintext.expose_secret(), b"offline");
    assert!(
        !format!("{decrypted:?}").contains("offline"),
        "plaintext is never printed"
    );
    // What the material cannot do locally fails: there is no vault to ask.
    let err = local
        .sign(SignatureAlgorithm::RsNull, &[1; 32], None)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Cryptography { .. }), "{err}");
    // An HSM key's JWK has no k: nothing can be done, nothing is invented.
    let no_k = CryptographyClient::from_jwk(JsonWebKey {
        kty: Some(KeyType::OctHsm),
        ..Default::default()
    })
    .unwrap();
    assert!(no_k
        .encrypt(EncryptionAlgorithm::A256Gcm, b"x", None)
        .await
        .is_err());
    assert!(no_k
        .wrap_key(KeyWrapAlgorithm::A256Kw, &[0; 32], None)
        .await
        .is_err());
    assert!(
        CryptographyClient::from_jwk(JsonWebKey::default()).is_err(),
        "a kty is needed"
    );
    assert!(emulator.control().requests().is_empty());
}

#[tokio::test]
async fn arguments_are_checked_before_anything_is_sent() {
    let emulator = emulator().await;
    let vault = key_client(&emulator, emulator.vault_url("args"));
    let hsm = key_client(&emulator, emulator.managed_hsm_url("args"));
    let rsa = vault.create_rsa_key("rsa", None).await.unwrap();
    let aes = hsm
        .create_oct_key(
            "aes",
            Some(CreateOctKeyOptions {
                size: Some(128),
                hardware_protected: true,
                ..Default::default()
            }),
        )
        .await
        .unwrap();
    let aes_size_reported = aes.properties.key_size == Some(128);
    let rsa =
        CryptographyClient::from_key(rsa, emulator.credential(), Some(options(&emulator))).unwrap();
    let aes =
        CryptographyClient::from_key(aes, emulator.credential(), Some(options(&emulator))).unwrap();
    emulator.control().clear_requests();

    let arg = |e: Error| match e {
        Error::InvalidArgument { argument, .. } => argument,
        other => panic!("not an argument error: {other}"),
    };
    assert_eq!(
        arg(rsa
            .sign(SignatureAlgorithm::Rs256, &[0; 48], None)
            .await
            .unwrap_err()),
        "digest"
    );
    assert_eq!(
        arg(rsa
            .verify(SignatureAlgorithm::Ps512, &[0; 32], &[1], None)
            .await
            .unwrap_err()),
        "digest"
    );
    assert_eq!(
        arg(rsa
            .sign(SignatureAlgorithm::Es256, &[0; 32], None)
            .await
            .unwrap_err()),
        "algorithm"
    );
    assert_eq!(
        arg(rsa
            .encrypt(
                EncryptionAlgorithm::RsaOaep,
                b"x",
                Some(EncryptOptions {
                    iv: Some(vec![0; 16]),
                    ..Default::default()
                })
            )
            .await
            .unwrap_err()),
        "iv"
    );
    assert_eq!(
        arg(rsa
            .decrypt(
                EncryptionAlgorithm::RsaOaep,
                b"x",
                Some(DecryptOptions {
                    authentication_tag: Some(vec![0; 16]),
                    ..Default::default()
                })
            )
            .await
            .unwrap_err()),
        "authentication_tag"
    );
    assert_eq!(
        arg(aes
            .decrypt(EncryptionAlgorithm::A128Cbc, &[0; 16], None)
            .await
            .unwrap_err()),
        "iv"
    );
    assert_eq!(
        arg(aes
            .decrypt(
                EncryptionAlgorithm::A128Gcm,
                &[0; 16],
                Some(DecryptOptions {
                    iv: Some(vec![0; 12]),
                    ..Default::default()
                })
            )
            .await
            .unwrap_err()),
        "authentication_tag"
    );
    assert_eq!(
        arg(aes
            .wrap_key(KeyWrapAlgorithm::A128Kw, &[], None)
            .await
            .unwrap_err()),
        "key"
    );
    // With the key's material at hand, an algorithm of another AES size is refused here.
    let material = CryptographyClient::from_jwk(JsonWebKey {
        kty: Some(KeyType::Oct),
        k: Some(SecretBytes::new(vec![1; 16])),
        ..Default::default()
    })
    .unwrap();
    assert_eq!(
        arg(material
            .encrypt(EncryptionAlgorithm::A256Gcm, b"x", None)
            .await
            .unwrap_err()),
        "algorithm"
    );
    assert_eq!(
        arg(material
            .wrap_key(KeyWrapAlgorithm::A192Kw, &[0; 16], None)
            .await
            .unwrap_err()),
        "algorithm"
    );
    assert!(emulator.control().requests().is_empty(), "nothing was sent");

    // Without material, the size the HSM reports (`attributes.key_size`, 2026-04-01) is
    // checked here; a service that does not report it refuses the request itself.
    let err = aes
        .encrypt(EncryptionAlgorithm::A256Gcm, b"x", None)
        .await
        .unwrap_err();
    if aes_size_reported {
        assert_eq!(arg(err), "algorithm");
    } else {
        assert_eq!(
            (err.status(), err.code()),
            (Some(400), Some("BadParameter")),
            "{err}"
        );
    }

    for bad in [
        "https://v.vault.azure.net/secrets/s",
        "https://v.vault.azure.net/deletedkeys/k",
        "not a url",
    ] {
        assert!(
            CryptographyClient::new(bad, emulator.credential(), None).is_err(),
            "{bad}"
        );
    }
}

#[tokio::test]
async fn send_request_goes_through_the_key_vault_pipeline() {
    use keyvault_keys::azure_core::http::{Method, Request, Url};
    let emulator = emulator().await;
    let keys = key_client(&emulator, emulator.vault_url("raw"));
    keys.create_rsa_key("k", None).await.unwrap();
    let crypto = keys.get_cryptography_client("k", None).unwrap();

    // Authenticated, with the client's API version added.
    let url = Url::parse(&format!("{}/keys/k", crypto.vault_url().unwrap())).unwrap();
    let response = crypto
        .send_request(Request::new(url, Method::Get))
        .await
        .unwrap();
    assert_eq!(u16::from(response.status()), 200);
    let body: serde_json::Value = serde_json::from_slice(response.body().as_ref()).unwrap();
    assert_eq!(body["key"]["kty"], "RSA");
    let last = emulator.control().requests().pop().unwrap();
    assert!(last.has_authorization);
    assert!(last.query.contains("api-version="), "{last:?}");

    // A client of a JSON Web Key alone has no vault: nothing is sent.
    let local = CryptographyClient::from_jwk(JsonWebKey {
        kty: Some(KeyType::Oct),
        k: Some(SecretBytes::new(vec![1; 16])),
        ..Default::default()
    })
    .unwrap();
    let url = Url::parse(&format!("{}/keys/k", crypto.vault_url().unwrap())).unwrap();
    emulator.control().clear_requests();
    let err = local
        .send_request(Request::new(url, Method::Get))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidArgument { .. }), "{err:?}");
    assert!(emulator.control().requests().is_empty());
}
