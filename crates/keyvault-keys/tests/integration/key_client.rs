//! Every `KeyClient` operation against the emulator, in the vault and Managed HSM flavours,
//! over HTTPS, authenticated by a real `azure_identity::ClientSecretCredential`.

use futures::TryStreamExt;
use keyvault_keys::ExposeSecret;
use keyvault_keys::{
    ApiVersion, BeginDeleteKeyOptions, BeginRecoverDeletedKeyOptions, CreateEcKeyOptions,
    CreateKeyOptions, CreateOctKeyOptions, CreateRsaKeyOptions, Error, GetKeyAttestationOptions,
    GetKeyOptions, ImportKeyOptions, JsonWebKey, KeyClient, KeyClientOptions, KeyCurveName,
    KeyExportEncryptionAlgorithm, KeyOperation, KeyReleasePolicy, KeyRotationLifetimeAction,
    KeyRotationPolicy, KeyRotationPolicyAction, KeyType, KeyVaultKeyIdentifier,
    ListPropertiesOfKeyVersionsOptions, ListPropertiesOfKeysOptions, ReleaseKeyOptions,
    UpdateKeyPropertiesOptions,
};
use keyvault_testkit::fixtures::spec_examples;
use std::{collections::HashMap, time::Duration};
use time::OffsetDateTime;

use keyvault_testkit::emulator::emulator;

keyvault_testkit::vault_clients!(KeyClient, KeyClientOptions, ApiVersion);

fn fast_delete() -> Option<BeginDeleteKeyOptions<'static>> {
    Some(BeginDeleteKeyOptions {
        polling_interval: Some(Duration::from_millis(50)),
        ..Default::default()
    })
}

fn fast_recover() -> Option<BeginRecoverDeletedKeyOptions<'static>> {
    Some(BeginRecoverDeletedKeyOptions {
        polling_interval: Some(Duration::from_millis(50)),
        ..Default::default()
    })
}

/// The RSA key of the REST spec's ImportKey example, with its private parts.
fn spec_rsa_jwk() -> JsonWebKey {
    let example = spec_examples("Keys")
        .into_iter()
        .find(|e| e.operation_id == "ImportKey")
        .expect("the ImportKey example");
    serde_json::from_value(example.parameters["parameters"]["key"].clone()).unwrap()
}

fn b64u(bytes: &[u8]) -> String {
    keyvault_core::serde::base64url::encode(bytes)
}

#[tokio::test]
async fn create_get_and_update_round_trip_every_attribute() {
    let emulator = emulator().await;
    let client = vault(&emulator, "roundtrip");
    let not_before = OffsetDateTime::from_unix_timestamp(1_700_000_000).unwrap();
    let expires_on = OffsetDateTime::from_unix_timestamp(4_100_000_000).unwrap();
    let tags = HashMap::from([("env".to_string(), "test".to_string())]);
    let first = client
        .create_rsa_key(
            "signing",
            Some(CreateRsaKeyOptions {
                size: Some(3072),
                public_exponent: Some(65537),
                key_operations: Some(vec![KeyOperation::Sign, KeyOperation::Verify]),
                enabled: Some(true),
                not_before: Some(not_before),
                expires_on: Some(expires_on),
                tags: Some(tags.clone()),
                ..Default::default()
            }),
        )
        .await
        .unwrap();
    assert_eq!(first.name(), "signing");
    assert_eq!(first.key_type(), &KeyType::Rsa);
    assert_eq!(
        first.key_operations(),
        &[KeyOperation::Sign, KeyOperation::Verify]
    );
    assert_eq!(first.key.n.as_ref().unwrap().len(), 384, "3072 bits");
    assert_eq!(first.key.e.as_deref(), Some(&[1, 0, 1][..]));
    assert!(!first.key.has_private_material(), "never the private key");
    let props = &first.properties;
    assert_eq!(props.enabled, Some(true));
    assert_eq!(props.not_before, Some(not_before));
    assert_eq!(props.expires_on, Some(expires_on));
    assert_eq!(props.tags, tags);
    assert_eq!(props.vault_url, emulator.vault_url("roundtrip"));
    assert!(props.created_on.is_some() && props.updated_on.is_some());
    assert_eq!(props.recoverable_days, Some(90));
    assert!(props.recovery_level.is_some());
    assert!(!props.managed);
    let id = KeyVaultKeyIdentifier::parse(first.id()).unwrap();
    assert_eq!(id.version(), props.version.as_deref());

    let second = client.create_rsa_key("signing", None).await.unwrap();
    assert_ne!(second.properties.version, first.properties.version);
    assert_eq!(
        second.key.n.as_ref().unwrap().len(),
        256,
        "2048 bits by default"
    );
    let latest = client.get_key("signing", None).await.unwrap();
    assert_eq!(latest.properties.version, second.properties.version);
    let old = client
        .get_key(
            "signing",
            Some(GetKeyOptions {
                version: first.properties.version.clone(),
                ..Default::default()
            }),
        )
        .await
        .unwrap();
    assert_eq!(old.key.n, first.key.n);

    let updated = client
        .update_key_properties(
            "signing",
            Some(UpdateKeyPropertiesOptions {
                version: first.properties.version.clone(),
                key_operations: Some(vec![KeyOperation::Verify]),
                enabled: Some(false),
                tags: Some(HashMap::from([("rotated".to_string(), "yes".to_string())])),
                ..Default::default()
            }),
        )
        .await
        .unwrap();
    assert_eq!(updated.properties.version, first.properties.version);
    assert_eq!(updated.properties.enabled, Some(false));
    assert_eq!(updated.key_operations(), &[KeyOperation::Verify]);
    assert_eq!(
        updated.properties.tags.get("rotated").map(String::as_str),
        Some("yes")
    );
    let latest = client.get_key("signing", None).await.unwrap();
    assert_eq!(
        latest.properties.enabled,
        Some(true),
        "the latest is untouched"
    );
}

#[tokio::test]
async fn every_key_type_and_curve_in_a_vault() {
    let emulator = emulator().await;
    let client = vault(&emulator, "types");
    for (curve, len) in [
        (KeyCurveName::P256, 32),
        (KeyCurveName::P384, 48),
        (KeyCurveName::P521, 66),
        (KeyCurveName::P256K, 32),
    ] {
        let name = format!("ec-{}", curve.as_str().to_ascii_lowercase());
        let key = client
            .create_ec_key(
                &name,
                Some(CreateEcKeyOptions {
                    curve: Some(curve.clone()),
                    ..Default::default()
                }),
            )
            .await
            .unwrap();
        assert_eq!(key.key_type(), &KeyType::Ec);
        assert_eq!(key.key.crv.as_ref(), Some(&curve));
        assert_eq!(key.key.x.as_ref().unwrap().len(), len, "{curve}");
        assert_eq!(key.key.y.as_ref().unwrap().len(), len, "{curve}");
        assert!(key.key.d.is_none());
    }
    for size in [2048, 3072, 4096] {
        let key = client
            .create_key(
                &format!("rsa-{size}"),
                KeyType::Rsa,
                Some(CreateKeyOptions {
                    size: Some(size),
                    ..Default::default()
                }),
            )
            .await
            .unwrap();
        assert_eq!(key.key.n.as_ref().unwrap().len() * 8, size as usize);
    }
    // A vault (premium) also keeps HSM-protected keys.
    let hsm_rsa = client
        .create_rsa_key(
            "rsa-hsm",
            Some(CreateRsaKeyOptions {
                hardware_protected: true,
                ..Default::default()
            }),
        )
        .await
        .unwrap();
    assert_eq!(hsm_rsa.key_type(), &KeyType::RsaHsm);
    let hsm_ec = client
        .create_ec_key(
            "ec-hsm",
            Some(CreateEcKeyOptions {
                hardware_protected: true,
                ..Default::default()
            }),
        )
        .await
        .unwrap();
    assert_eq!(hsm_ec.key_type(), &KeyType::EcHsm);
}

#[tokio::test]
async fn every_key_type_in_a_managed_hsm() {
    let emulator = emulator().await;
    let client = hsm(&emulator, "types");
    for size in [128, 192, 256] {
        let key = client
            .create_oct_key(
                &format!("aes-{size}"),
                Some(CreateOctKeyOptions {
                    size: Some(size),
                    hardware_protected: true,
                    ..Default::default()
                }),
            )
            .await
            .unwrap();
        assert_eq!(key.key_type(), &KeyType::OctHsm);
        assert!(
            key.key.k.is_none(),
            "symmetric material never leaves the HSM"
        );
        assert_eq!(key.properties.vault_url, emulator.managed_hsm_url("types"));
        if let Some(reported) = key.properties.key_size {
            assert_eq!(reported, size);
        }
    }
    let rsa = client
        .create_rsa_key(
            "rsa",
            Some(CreateRsaKeyOptions {
                hardware_protected: true,
                size: Some(2048),
                ..Default::default()
            }),
        )
        .await
        .unwrap();
    assert_eq!(rsa.key_type(), &KeyType::RsaHsm);
    let ec = client
        .create_ec_key(
            "ec",
            Some(CreateEcKeyOptions {
                hardware_protected: true,
                curve: Some(KeyCurveName::P384),
                ..Default::default()
            }),
        )
        .await
        .unwrap();
    assert_eq!(ec.key_type(), &KeyType::EcHsm);
    assert!(ec.properties.recovery_level.is_some());
    let listed: Vec<_> = client
        .list_properties_of_keys(None)
        .unwrap()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(listed.len(), 5);
}

#[tokio::test]
async fn imported_keys_keep_their_material_private() {
    let emulator = emulator().await;
    let client = vault(&emulator, "imports");
    let jwk = spec_rsa_jwk();
    let imported = client
        .import_key(
            "imported",
            &jwk,
            Some(ImportKeyOptions {
                hardware_protected: Some(false),
                enabled: Some(true),
                tags: Some(HashMap::from([("source".to_string(), "spec".to_string())])),
                ..Default::default()
            }),
        )
        .await
        .unwrap();
    assert_eq!(imported.key_type(), &KeyType::Rsa);
    assert_eq!(imported.key.n, jwk.n);
    assert!(
        !imported.key.has_private_material(),
        "the private key is not echoed"
    );
    assert_eq!(imported.properties.tags["source"], "spec");

    let hsm_import = client
        .import_key(
            "imported-hsm",
            &jwk,
            Some(ImportKeyOptions {
                hardware_protected: Some(true),
                ..Default::default()
            }),
        )
        .await
        .unwrap();
    assert_eq!(hsm_import.key_type(), &KeyType::RsaHsm);

    let mhsm = hsm(&emulator, "imports");
    let aes = JsonWebKey {
        kty: Some(KeyType::OctHsm),
        k: Some(keyvault_keys::SecretBytes::new(vec![7; 32])),
        key_ops: vec![KeyOperation::Encrypt, KeyOperation::Decrypt],
        ..Default::default()
    };
    let imported = mhsm.import_key("aes", &aes, None).await.unwrap();
    assert_eq!(imported.key_type(), &KeyType::OctHsm);
    assert!(imported.key.k.is_none());

    let err = client
        .import_key("no-kty", &JsonWebKey::default(), None)
        .await
        .unwrap_err();
    assert!(matches!(
        err,
        Error::InvalidArgument {
            argument: "key",
            ..
        }
    ));
}

#[tokio::test]
async fn lists_page_through_keys_and_versions() {
    let emulator = emulator().await;
    let client = vault(&emulator, "paging");
    for i in 0..9 {
        client.create_ec_key(&format!("k{i}"), None).await.unwrap();
    }
    let page_size = Some(ListPropertiesOfKeysOptions {
        max_page_size: Some(4),
        ..Default::default()
    });
    let all: Vec<_> = client
        .list_properties_of_keys(page_size.clone())
        .unwrap()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(all.len(), 9);
    assert!(all
        .iter()
        .all(|p| p.version.is_none() || p.name.starts_with('k')));
    let pages: Vec<_> = client
        .list_properties_of_keys(page_size)
        .unwrap()
        .into_pages()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(pages.len(), 3);

    for _ in 0..2 {
        client.create_ec_key("k0", None).await.unwrap();
    }
    let versions: Vec<_> = client
        .list_properties_of_key_versions(
            "k0",
            Some(ListPropertiesOfKeyVersionsOptions {
                max_page_size: Some(1),
                ..Default::default()
            }),
        )
        .unwrap()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(versions.len(), 3);
    assert!(versions
        .iter()
        .all(|v| v.name == "k0" && v.version.is_some()));
}

#[tokio::test]
async fn delete_recover_purge_in_both_flavours() {
    let emulator = emulator().await;
    for client in [vault(&emulator, "lifecycle"), hsm(&emulator, "lifecycle")] {
        let created = client
            .create_ec_key(
                "doomed",
                Some(CreateEcKeyOptions {
                    hardware_protected: true,
                    ..Default::default()
                }),
            )
            .await
            .unwrap();
        let deleted = client
            .begin_delete_key("doomed", fast_delete())
            .await
            .unwrap()
            .await
            .unwrap();
        assert_eq!(deleted.name(), "doomed");
        assert!(deleted
            .recovery_id
            .as_deref()
            .unwrap()
            .ends_with("/deletedkeys/doomed"));
        assert!(deleted.deleted_date.is_some() && deleted.scheduled_purge_date.is_some());
        assert_eq!(deleted.key.as_ref().unwrap().x, created.key.x);

        let err = client.create_ec_key("doomed", None).await.unwrap_err();
        assert!(err.is_conflict(), "{err}");
        assert_eq!(err.inner_code(), Some("ObjectIsDeletedButRecoverable"));
        let err = client.get_key("doomed", None).await.unwrap_err();
        assert!(err.is_not_found());
        assert_eq!(err.code(), Some("KeyNotFound"));

        let got = client.get_deleted_key("doomed", None).await.unwrap();
        assert_eq!(got.properties.name, "doomed");
        let listed: Vec<_> = client
            .list_deleted_keys(None)
            .unwrap()
            .try_collect()
            .await
            .unwrap();
        assert!(listed.iter().any(|d| d.name() == "doomed"));

        let recovered = client
            .begin_recover_deleted_key("doomed", fast_recover())
            .await
            .unwrap()
            .await
            .unwrap();
        assert_eq!(recovered.name(), "doomed");
        assert_eq!(recovered.key.x, created.key.x);
        client.get_key("doomed", None).await.unwrap();

        client
            .begin_delete_key("doomed", fast_delete())
            .await
            .unwrap()
            .await
            .unwrap();
        client.purge_deleted_key("doomed", None).await.unwrap();
        let err = client.get_deleted_key("doomed", None).await.unwrap_err();
        assert!(err.is_not_found(), "{err}");
        client.create_ec_key("doomed", None).await.unwrap();
    }
}

#[tokio::test]
async fn the_delete_poller_resumes_from_a_token() {
    let emulator = emulator().await;
    let client = vault(&emulator, "slowdelete");
    emulator
        .control()
        .set_delete_latency(Duration::from_millis(400));
    client.create_rsa_key("slow", None).await.unwrap();
    let poller = client
        .begin_delete_key("slow", fast_delete())
        .await
        .unwrap();
    let token = poller.continuation_token();
    drop(poller);
    let resumed = client
        .begin_delete_key(
            "slow",
            Some(BeginDeleteKeyOptions {
                continuation_token: Some(token),
                polling_interval: Some(Duration::from_millis(50)),
                ..Default::default()
            }),
        )
        .await
        .unwrap()
        .await
        .unwrap();
    assert_eq!(resumed.name(), "slow");
    assert!(resumed.recovery_id.is_some());
}

#[tokio::test]
async fn backups_restore_into_another_vault() {
    let emulator = emulator().await;
    let source = vault(&emulator, "source");
    let target = vault(&emulator, "target");
    let first = source.create_rsa_key("portable", None).await.unwrap();
    source.create_rsa_key("portable", None).await.unwrap();
    let backup = source.backup_key("portable", None).await.unwrap();
    assert!(!backup.is_empty());
    let restored = target
        .restore_key_backup(backup.expose_secret(), None)
        .await
        .unwrap();
    assert_eq!(restored.name(), "portable");
    assert_eq!(restored.properties.vault_url, emulator.vault_url("target"));
    let versions: Vec<_> = target
        .list_properties_of_key_versions("portable", None)
        .unwrap()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(versions.len(), 2);
    let old = target
        .get_key(
            "portable",
            Some(GetKeyOptions {
                version: first.properties.version.clone(),
                ..Default::default()
            }),
        )
        .await
        .unwrap();
    assert_eq!(old.key.n, first.key.n);
    let err = source
        .restore_key_backup(backup.expose_secret(), None)
        .await
        .unwrap_err();
    assert!(err.is_conflict(), "{err}");
    let err = target
        .restore_key_backup(b"not a backup", None)
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(400), "{err}");
}

#[tokio::test]
async fn rotation_and_rotation_policies() {
    let emulator = emulator().await;
    for (client, is_hsm) in [
        (vault(&emulator, "rotation"), false),
        (hsm(&emulator, "rotation"), true),
    ] {
        let first = client
            .create_rsa_key(
                "rotating",
                Some(CreateRsaKeyOptions {
                    hardware_protected: true,
                    ..Default::default()
                }),
            )
            .await
            .unwrap();
        let rotated = client.rotate_key("rotating", None).await.unwrap();
        assert_eq!(rotated.name(), "rotating");
        assert_ne!(rotated.properties.version, first.properties.version);
        assert_ne!(rotated.key.n, first.key.n);
        assert_eq!(rotated.key_type(), &KeyType::RsaHsm);

        let mut lifetime_actions = vec![KeyRotationLifetimeAction::rotate_after_create("P90D")];
        if !is_hsm {
            // Managed HSM has no near-expiry notifications.
            lifetime_actions.push(KeyRotationLifetimeAction::notify_before_expiry("P30D"));
        }
        let policy = KeyRotationPolicy {
            lifetime_actions,
            expires_in: Some("P2Y".into()),
            ..Default::default()
        };
        let updated = client
            .update_key_rotation_policy("rotating", &policy, None)
            .await
            .unwrap();
        assert_eq!(updated.expires_in.as_deref(), Some("P2Y"));
        assert_eq!(
            updated.lifetime_actions.len(),
            policy.lifetime_actions.len()
        );
        assert!(updated
            .id
            .as_deref()
            .unwrap()
            .ends_with("/keys/rotating/rotationpolicy"));
        assert!(updated.updated_on.is_some());
        let got = client
            .get_key_rotation_policy("rotating", None)
            .await
            .unwrap();
        let rotate = got
            .lifetime_actions
            .iter()
            .find(|a| a.action == KeyRotationPolicyAction::Rotate)
            .unwrap();
        assert_eq!(rotate.time_after_create.as_deref(), Some("P90D"));
        if !is_hsm {
            let notify = got
                .lifetime_actions
                .iter()
                .find(|a| a.action == KeyRotationPolicyAction::Notify)
                .unwrap();
            assert_eq!(notify.time_before_expiry.as_deref(), Some("P30D"));
        }

        // Malformed durations never reach the service.
        emulator.control().clear_requests();
        let bad = KeyRotationPolicy {
            lifetime_actions: vec![KeyRotationLifetimeAction::rotate_after_create("90 days")],
            ..Default::default()
        };
        let err = client
            .update_key_rotation_policy("rotating", &bad, None)
            .await
            .unwrap_err();
        assert!(matches!(
            err,
            Error::InvalidArgument {
                argument: "time_after_create",
                ..
            }
        ));
        assert!(emulator.control().requests().is_empty());
    }
}

/// An unsigned attestation token (the emulator does not check the signature) whose runtime
/// key is the spec's RSA key.
fn attestation_token(issuer: &str, claim: &str) -> String {
    let jwk = spec_rsa_jwk();
    let payload = serde_json::json!({
        "iss": issuer,
        "sdk-test": claim,
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
async fn exportable_keys_are_released_to_an_attested_environment() {
    let emulator = emulator().await;
    let client = hsm(&emulator, "release");
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
    let key = client
        .create_rsa_key(
            "exportable",
            Some(CreateRsaKeyOptions {
                hardware_protected: true,
                exportable: Some(true),
                release_policy: Some(policy.clone()),
                ..Default::default()
            }),
        )
        .await
        .unwrap();
    assert_eq!(key.properties.exportable, Some(true));
    let returned = key.properties.release_policy.clone().unwrap();
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&returned.encoded_policy).unwrap()["anyOf"][0]
            ["authority"],
        issuer
    );

    let released = client
        .release_key(
            "exportable",
            &attestation_token(issuer, "true"),
            Some(ReleaseKeyOptions {
                algorithm: Some(KeyExportEncryptionAlgorithm::CkmRsaAesKeyWrap),
                nonce: Some("nonce-1".into()),
                version: key.properties.version.clone(),
                ..Default::default()
            }),
        )
        .await
        .unwrap();
    assert_eq!(
        released.value.expose_secret().split('.').count(),
        3,
        "a JWS"
    );

    let err = client
        .release_key("exportable", &attestation_token(issuer, "false"), None)
        .await
        .unwrap_err();
    assert!(matches!(err.status(), Some(400 | 403)), "{err}");

    // The release policy can be replaced.
    let updated = client
        .update_key_properties(
            "exportable",
            Some(UpdateKeyPropertiesOptions {
                release_policy: Some(KeyReleasePolicy {
                    immutable: Some(true),
                    ..policy
                }),
                ..Default::default()
            }),
        )
        .await
        .unwrap();
    assert_eq!(
        updated.properties.release_policy.unwrap().immutable,
        Some(true)
    );

    // Exportable needs a release policy: refused before anything is sent.
    emulator.control().clear_requests();
    let err = client
        .create_rsa_key(
            "no-policy",
            Some(CreateRsaKeyOptions {
                exportable: Some(true),
                ..Default::default()
            }),
        )
        .await
        .unwrap_err();
    assert!(matches!(
        err,
        Error::InvalidArgument {
            argument: "exportable",
            ..
        }
    ));
    assert!(emulator.control().requests().is_empty());
}

#[tokio::test]
async fn random_bytes_and_attestation_from_the_hsm() {
    let emulator = emulator().await;
    let client = hsm(&emulator, "hsmops");
    let a = client.get_random_bytes(32, None).await.unwrap();
    let b = client.get_random_bytes(32, None).await.unwrap();
    assert_eq!(a.len(), 32);
    assert_ne!(a, b);
    for count in [0, 129] {
        let err = client.get_random_bytes(count, None).await.unwrap_err();
        assert!(matches!(
            err,
            Error::InvalidArgument {
                argument: "count",
                ..
            }
        ));
    }

    let key = client
        .create_ec_key(
            "attested",
            Some(CreateEcKeyOptions {
                hardware_protected: true,
                ..Default::default()
            }),
        )
        .await
        .unwrap();
    let attested = client.get_key_attestation("attested", None).await.unwrap();
    let attestation = attested.properties.attestation.unwrap();
    assert!(attestation
        .certificate_pem_file
        .unwrap()
        .starts_with(b"-----BEGIN"));
    assert!(attestation.private_key_attestation.is_some());
    let versioned = client
        .get_key_attestation(
            "attested",
            Some(GetKeyAttestationOptions {
                version: key.properties.version.clone(),
                ..Default::default()
            }),
        )
        .await
        .unwrap();
    assert_eq!(versioned.properties.version, key.properties.version);

    // Older API versions lack these operations: refused client-side.
    let old = KeyClient::new(
        &emulator.managed_hsm_url("hsmops"),
        emulator.credential(),
        Some(options(&emulator, ApiVersion::V7_5)),
    )
    .unwrap();
    emulator.control().clear_requests();
    let err = old.get_key_attestation("attested", None).await.unwrap_err();
    assert!(matches!(err, Error::UnsupportedApiVersion { .. }), "{err}");
    let older = KeyClient::new(
        &emulator.managed_hsm_url("hsmops"),
        emulator.credential(),
        Some(options(&emulator, ApiVersion::V7_1)),
    )
    .unwrap();
    assert!(matches!(
        older.get_random_bytes(4, None).await.unwrap_err(),
        Error::UnsupportedApiVersion { .. }
    ));
    assert!(matches!(
        older.rotate_key("attested", None).await.unwrap_err(),
        Error::UnsupportedApiVersion { .. }
    ));
    assert!(matches!(
        older
            .get_key_rotation_policy("attested", None)
            .await
            .unwrap_err(),
        Error::UnsupportedApiVersion { .. }
    ));
    assert!(matches!(
        older
            .release_key("attested", "a.b.c", None)
            .await
            .unwrap_err(),
        Error::UnsupportedApiVersion { .. }
    ));
    assert!(emulator.control().requests().is_empty(), "nothing was sent");
}

#[tokio::test]
async fn every_known_api_version_creates_and_gets_keys() {
    let emulator = emulator().await;
    for version in ApiVersion::known() {
        let client = KeyClient::new(
            &emulator.vault_url("versions"),
            emulator.credential(),
            Some(options(&emulator, version.clone())),
        )
        .unwrap();
        let name = format!("v-{}", version.as_str().replace('.', "-"));
        client.create_ec_key(&name, None).await.unwrap();
        let got = client.get_key(&name, None).await.unwrap();
        assert_eq!(got.name(), name, "{version}");
    }
}

#[tokio::test]
async fn bad_input_is_refused_before_anything_is_sent() {
    let emulator = emulator().await;
    let client = vault(&emulator, "strict");
    let long = "a".repeat(128);
    for name in ["", "bad name", "under_score", "slash/", long.as_str()] {
        let err = client.get_key(name, None).await.unwrap_err();
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
        assert!(client.create_rsa_key(name, None).await.is_err());
        assert!(client.begin_delete_key(name, None).await.is_err());
        assert!(client.purge_deleted_key(name, None).await.is_err());
        assert!(client.get_cryptography_client(name, None).is_err());
    }
    let bad_options = [
        (
            KeyType::Rsa,
            CreateKeyOptions {
                size: Some(1024),
                ..Default::default()
            },
            "size",
        ),
        (
            KeyType::Oct,
            CreateKeyOptions {
                size: Some(512),
                ..Default::default()
            },
            "size",
        ),
        (
            KeyType::Ec,
            CreateKeyOptions {
                size: Some(256),
                ..Default::default()
            },
            "size",
        ),
        (
            KeyType::Rsa,
            CreateKeyOptions {
                curve: Some(KeyCurveName::P256),
                ..Default::default()
            },
            "curve",
        ),
        (
            KeyType::Ec,
            CreateKeyOptions {
                public_exponent: Some(3),
                ..Default::default()
            },
            "public_exponent",
        ),
        (
            KeyType::Ec,
            CreateKeyOptions {
                curve: Some(KeyCurveName::Other("P-192".into())),
                ..Default::default()
            },
            "curve",
        ),
    ];
    for (kty, o, argument) in bad_options {
        let err = client
            .create_key("k", kty.clone(), Some(o))
            .await
            .unwrap_err();
        assert!(
            matches!(&err, Error::InvalidArgument { argument: a, .. } if *a == argument),
            "{kty} {argument}: {err}"
        );
    }
    let err = client
        .get_key(
            "ok",
            Some(GetKeyOptions {
                version: Some("../../secrets".into()),
                ..Default::default()
            }),
        )
        .await
        .unwrap_err();
    assert!(matches!(
        err,
        Error::InvalidArgument {
            argument: "version",
            ..
        }
    ));
    assert!(client.restore_key_backup(b"", None).await.is_err());
    assert!(client.release_key("k", "", None).await.is_err());
    for size in [0, 26] {
        let err = client
            .list_properties_of_keys(Some(ListPropertiesOfKeysOptions {
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
    for url in [
        format!("http://strict.vault.azure.net:{}", emulator.port()),
        format!("{}/keys", emulator.vault_url("strict")),
        String::new(),
    ] {
        let err = KeyClient::new(&url, emulator.credential(), None).unwrap_err();
        assert!(
            matches!(
                err,
                Error::InvalidArgument {
                    argument: "vault_url",
                    ..
                }
            ),
            "{url}"
        );
    }
    assert!(emulator.control().requests().is_empty(), "nothing was sent");
}

#[tokio::test]
async fn service_errors_are_typed() {
    let emulator = emulator().await;
    let client = vault(&emulator, "errors");
    let err = client.get_key("missing", None).await.unwrap_err();
    assert!(err.is_not_found());
    assert_eq!(err.code(), Some("KeyNotFound"));
    assert!(err.request_id().is_some());
    let err = client.purge_deleted_key("missing", None).await.unwrap_err();
    assert!(err.is_not_found(), "{err}");
    // A vault does not keep symmetric keys.
    let err = client.create_oct_key("aes", None).await.unwrap_err();
    assert_eq!(err.status(), Some(400), "{err}");
}

/// Without a version in the options, `KeyClient` and `CryptographyClient` send `2025-07-01`, the
/// default of Python's azure-keyvault-keys 4.11.3 (its `_shared/client_base.py`); `2026-04-01`
/// is one option away.
#[tokio::test]
async fn the_default_api_version_is_the_python_packages() {
    let emulator = emulator().await;
    let client_options = emulator.client_options();
    let keys = KeyClient::new(
        &emulator.vault_url("versions"),
        emulator.credential(),
        Some(KeyClientOptions {
            client_options: client_options.clone(),
            ..Default::default()
        }),
    )
    .unwrap();
    assert_eq!(keys.api_version(), &ApiVersion::V2025_07_01);
    let key = keys.create_rsa_key("k", None).await.unwrap();
    let crypto = keyvault_keys::CryptographyClient::new(
        key.id(),
        emulator.credential(),
        Some(keyvault_keys::CryptographyClientOptions {
            client_options,
            ..Default::default()
        }),
    )
    .unwrap();
    crypto
        .sign(keyvault_keys::SignatureAlgorithm::Rs256, &[0u8; 32], None)
        .await
        .unwrap();
    let requests = emulator.control().requests();
    assert!(!requests.is_empty());
    assert!(
        requests
            .iter()
            .all(|r| r.query.contains("api-version=2025-07-01")),
        "{requests:?}"
    );
}
