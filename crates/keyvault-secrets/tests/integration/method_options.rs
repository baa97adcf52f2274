//! Per-call options: the `Context` a caller puts in `method_options` reaches every request of
//! the call (the challenge, each page, each poll), where the caller's own per-call policy can
//! read it, as azure_core's `ClientMethodOptions` promises. Against the emulator over HTTPS.

use futures::TryStreamExt;
use keyvault_emulator::{Emulator, EmulatorOptions};
use keyvault_secrets::{
    BeginDeleteSecretOptions, GetSecretOptions, ListPropertiesOfSecretsOptions, SecretClient,
    SecretClientOptions, SetSecretOptions,
};
use keyvault_testkit::context::{tagged, TagRecorder};
use std::time::Duration;

#[tokio::test]
async fn the_callers_context_reaches_every_request_of_the_call() {
    let emulator = Emulator::start(EmulatorOptions::default()).await.unwrap();
    let recorder = TagRecorder::new();
    let mut client_options = emulator.client_options();
    client_options.per_call_policies.push(recorder.clone());
    let client = SecretClient::new(
        &emulator.vault_url("context"),
        emulator.credential(),
        Some(SecretClientOptions {
            client_options,
            ..Default::default()
        }),
    )
    .unwrap();

    // The first call is the one that meets the challenge: the auth policy sends it twice below
    // the per-call policies, which see the call once.
    client
        .set_secret(
            "a",
            "hunter2",
            Some(SetSecretOptions {
                method_options: tagged("set"),
                ..Default::default()
            }),
        )
        .await
        .unwrap();
    client.get_secret("a", None).await.unwrap();
    client
        .get_secret(
            "a",
            Some(GetSecretOptions {
                method_options: tagged("get"),
                ..Default::default()
            }),
        )
        .await
        .unwrap();
    for i in 0..3 {
        client
            .set_secret(&format!("p{i}"), "v", None)
            .await
            .unwrap();
    }
    let listed: Vec<_> = client
        .list_properties_of_secrets(Some(ListPropertiesOfSecretsOptions {
            max_page_size: Some(1),
            method_options: tagged("list"),
            ..Default::default()
        }))
        .unwrap()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(listed.len(), 4);
    client
        .begin_delete_secret(
            "a",
            Some(BeginDeleteSecretOptions {
                polling_interval: Some(Duration::from_millis(20)),
                method_options: tagged("delete"),
                ..Default::default()
            }),
        )
        .await
        .unwrap()
        .await
        .unwrap();

    let seen = recorder.paths();
    let tags_of = |tag: &str| seen.iter().filter(|(_, t)| *t == Some(tag)).count();
    assert_eq!(tags_of("set"), 1, "{seen:?}");
    assert_eq!(tags_of("get"), 1, "{seen:?}");
    // Four pages of one item, and the empty last page if the service sends a link to it.
    assert!(tags_of("list") >= 4, "{seen:?}");
    assert!(
        seen.iter()
            .filter(|(path, _)| path == "/secrets")
            .all(|(_, t)| *t == Some("list")),
        "{seen:?}"
    );
    // The DELETE and at least one poll of the deleted secret.
    assert!(
        seen.iter()
            .any(|(path, t)| path == "/deletedsecrets/a" && *t == Some("delete")),
        "{seen:?}"
    );
    assert!(tags_of("delete") >= 2, "{seen:?}");
    // A call without options carries no tag.
    let untagged = seen
        .iter()
        .filter(|(path, t)| path.starts_with("/secrets/p") && t.is_none())
        .count();
    assert_eq!(untagged, 3, "{seen:?}");
}
