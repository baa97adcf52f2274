//! Per-call options: the `Context` a caller puts in `method_options` reaches every request of
//! the call, including a `CryptographyClient`'s one read of its key and a remote operation,
//! where the caller's own per-call policy can read it. Against the emulator over HTTPS.

use futures::TryStreamExt;
use keyvault_emulator::{Emulator, EmulatorOptions};
use keyvault_keys::{
    BeginDeleteKeyOptions, CreateRsaKeyOptions, DecryptOptions, EncryptionAlgorithm, KeyClient,
    KeyClientOptions, ListPropertiesOfKeysOptions, RotateKeyOptions, SignOptions,
    SignatureAlgorithm,
};
use keyvault_testkit::context::{tagged, TagRecorder};
use std::time::Duration;

#[tokio::test]
async fn the_callers_context_reaches_every_request_of_the_call() {
    let emulator = Emulator::start(EmulatorOptions::default()).await.unwrap();
    let recorder = TagRecorder::new();
    let mut client_options = emulator.client_options();
    client_options.per_call_policies.push(recorder.clone());
    let client = KeyClient::new(
        &emulator.vault_url("context"),
        emulator.credential(),
        Some(KeyClientOptions {
            client_options,
            ..Default::default()
        }),
    )
    .unwrap();

    client
        .create_rsa_key(
            "k",
            Some(CreateRsaKeyOptions {
                method_options: tagged("create"),
                ..Default::default()
            }),
        )
        .await
        .unwrap();
    client
        .rotate_key(
            "k",
            Some(RotateKeyOptions {
                method_options: tagged("rotate"),
            }),
        )
        .await
        .unwrap();
    client.create_ec_key("untagged", None).await.unwrap();
    let listed: Vec<_> = client
        .list_properties_of_keys(Some(ListPropertiesOfKeysOptions {
            max_page_size: Some(1),
            method_options: tagged("list"),
            ..Default::default()
        }))
        .unwrap()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(listed.len(), 2);

    // The first operation of a CryptographyClient reads the key, then (decrypt needs the
    // private key) goes to the vault: both requests carry that operation's context.
    let crypto = client.get_cryptography_client("k", None).unwrap();
    let encrypted = crypto
        .encrypt(EncryptionAlgorithm::RsaOaep256, b"x", None)
        .await
        .unwrap();
    let fresh = client.get_cryptography_client("k", None).unwrap();
    fresh
        .decrypt(
            EncryptionAlgorithm::RsaOaep256,
            &encrypted.ciphertext,
            Some(DecryptOptions {
                method_options: tagged("decrypt"),
                ..Default::default()
            }),
        )
        .await
        .unwrap();
    fresh
        .sign(
            SignatureAlgorithm::Ps256,
            &[7; 32],
            Some(SignOptions {
                method_options: tagged("sign"),
            }),
        )
        .await
        .unwrap();

    client
        .begin_delete_key(
            "k",
            Some(BeginDeleteKeyOptions {
                polling_interval: Some(Duration::from_millis(20)),
                method_options: tagged("delete"),
                ..Default::default()
            }),
        )
        .await
        .unwrap()
        .await
        .unwrap();

    let seen = recorder
        .requests()
        .into_iter()
        .map(|r| (format!("{} {}", r.method, r.path), r.tag))
        .collect::<Vec<_>>();
    let with_tag = |tag: &str| {
        seen.iter()
            .filter(|(_, t)| *t == Some(tag))
            .map(|(request, _)| request.as_str())
            .collect::<Vec<_>>()
    };
    assert_eq!(with_tag("create"), ["POST /keys/k/create"], "{seen:?}");
    assert_eq!(with_tag("rotate"), ["POST /keys/k/rotate"], "{seen:?}");
    // Two pages of one key, and the empty last page if the service sends a link to it.
    assert!(with_tag("list").len() >= 2, "{seen:?}");
    let decrypt = with_tag("decrypt");
    assert_eq!(decrypt.len(), 2, "{seen:?}");
    assert_eq!(decrypt[0], "GET /keys/k");
    assert!(decrypt[1].starts_with("POST /keys/k/") && decrypt[1].ends_with("/decrypt"));
    let sign = with_tag("sign");
    assert_eq!(sign.len(), 1, "the key is read once: {seen:?}");
    assert!(sign[0].ends_with("/sign"), "{seen:?}");
    assert!(with_tag("delete").contains(&"DELETE /keys/k"), "{seen:?}");
    assert!(with_tag("delete").len() >= 2, "and a poll: {seen:?}");
    // Calls without options carry no tag: the untagged key, the first client's read.
    assert!(seen
        .iter()
        .any(|(request, t)| request == "POST /keys/untagged/create" && t.is_none()));
    assert_eq!(
        seen.iter()
            .filter(|(request, _)| request.starts_with("GET /keys/k"))
            .filter(|(_, t)| t.is_none())
            .count(),
        1,
        "{seen:?}"
    );
}
