//! Per-call options: the `Context` a caller puts in `method_options` reaches every request of
//! the call (the create request and each poll of the pending operation, each page), where the
//! caller's own per-call policy can read it. Against the emulator over HTTPS.

use futures::TryStreamExt;
use keyvault_certificates::{
    BeginCreateCertificateOptions, CertificateClient, CertificateClientOptions, CertificateContact,
    CertificatePolicy, GetContactsOptions, ListPropertiesOfIssuersOptions, SetContactsOptions,
};
use keyvault_emulator::{Emulator, EmulatorOptions};
use keyvault_testkit::context::{tagged, TagRecorder};
use std::time::Duration;

#[tokio::test]
async fn the_callers_context_reaches_every_request_of_the_call() {
    let emulator = Emulator::start(EmulatorOptions::default()).await.unwrap();
    let recorder = TagRecorder::new();
    let mut client_options = emulator.client_options();
    client_options.per_call_policies.push(recorder.clone());
    let client = CertificateClient::new(
        &emulator.vault_url("context"),
        emulator.credential(),
        Some(CertificateClientOptions {
            client_options,
            ..Default::default()
        }),
    )
    .unwrap();

    client
        .begin_create_certificate(
            "c",
            &CertificatePolicy::get_default(),
            Some(BeginCreateCertificateOptions {
                polling_interval: Some(Duration::from_millis(20)),
                method_options: tagged("create"),
                ..Default::default()
            }),
        )
        .await
        .unwrap()
        .await
        .unwrap()
        .into_certificate()
        .unwrap();
    let contacts = [CertificateContact {
        email: Some("admin@contoso.com".into()),
        ..Default::default()
    }];
    client
        .set_contacts(
            &contacts,
            Some(SetContactsOptions {
                method_options: tagged("set-contacts"),
            }),
        )
        .await
        .unwrap();
    client
        .get_contacts(Some(GetContactsOptions {
            method_options: tagged("get-contacts"),
        }))
        .await
        .unwrap();
    for i in 0..3 {
        client
            .create_issuer(&format!("issuer{i}"), "Test", None)
            .await
            .unwrap();
    }
    let issuers: Vec<_> = client
        .list_properties_of_issuers(Some(ListPropertiesOfIssuersOptions {
            max_page_size: Some(1),
            method_options: tagged("list"),
            ..Default::default()
        }))
        .unwrap()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(issuers.len(), 3);

    let seen = recorder
        .requests()
        .into_iter()
        .map(|r| (r.method, r.path, r.tag))
        .collect::<Vec<_>>();
    let tags_of = |tag: &str| seen.iter().filter(|(_, _, t)| *t == Some(tag)).count();
    // The create request and at least the poll that saw the operation complete.
    assert!(
        seen.iter().any(|(method, path, t)| method == "POST"
            && path == "/certificates/c/create"
            && *t == Some("create")),
        "{seen:?}"
    );
    assert!(tags_of("create") >= 2, "{seen:?}");
    assert!(
        seen.iter()
            .filter(|(_, path, _)| path == "/certificates/c/pending")
            .all(|(_, _, t)| *t == Some("create")),
        "{seen:?}"
    );
    assert_eq!(tags_of("set-contacts"), 1, "{seen:?}");
    assert_eq!(tags_of("get-contacts"), 1, "{seen:?}");
    // Three pages of one issuer, and the empty last page if the service sends a link to it.
    assert!(tags_of("list") >= 3, "{seen:?}");
    // A call without options carries no tag.
    let untagged = seen
        .iter()
        .filter(|(_, path, t)| path.starts_with("/certificates/issuers/issuer") && t.is_none())
        .count();
    assert_eq!(untagged, 3, "{seen:?}");
}
