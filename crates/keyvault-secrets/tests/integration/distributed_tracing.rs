//! Distributed tracing: with a `tracer_provider` in the client options, every public operation
//! is a span named after the method (`SecretClient.get_secret`) in namespace
//! `Microsoft.KeyVault`, and each HTTP request it sends (the challenge, a page, a poll) is an
//! azure_core HTTP span under it. Checked with a tracer that records what it is given, against
//! the emulator over HTTPS with a real credential.

use azure_core::http::InstrumentationOptions;
use futures::TryStreamExt;
use keyvault_emulator::{Emulator, EmulatorOptions};
use keyvault_secrets::{
    BeginDeleteSecretOptions, ListPropertiesOfSecretsOptions, SecretClient, SecretClientOptions,
};
use keyvault_testkit::spans::SpanRecorder;
use std::{sync::Arc, time::Duration};

fn client(emulator: &Emulator, recorder: &Arc<SpanRecorder>) -> SecretClient {
    let mut client_options = emulator.client_options();
    client_options.instrumentation = InstrumentationOptions {
        tracer_provider: Some(recorder.tracer_provider()),
    };
    SecretClient::new(
        &emulator.vault_url("traced"),
        emulator.credential(),
        Some(SecretClientOptions {
            client_options,
            ..Default::default()
        }),
    )
    .unwrap()
}

#[tokio::test]
async fn each_operation_is_a_span_over_its_http_spans() {
    let emulator = Emulator::start(EmulatorOptions::default()).await.unwrap();
    let recorder = SpanRecorder::new();
    let client = client(&emulator, &recorder);

    client.set_secret("a", "hunter2", None).await.unwrap();
    client.set_secret("b", "swordfish", None).await.unwrap();
    client.get_secret("a", None).await.unwrap();
    let listed: Vec<_> = client
        .list_properties_of_secrets(Some(ListPropertiesOfSecretsOptions {
            max_page_size: Some(1),
            ..Default::default()
        }))
        .unwrap()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(listed.len(), 2);
    assert!(client.get_secret("missing", None).await.is_err());
    client
        .begin_delete_secret(
            "b",
            Some(BeginDeleteSecretOptions {
                polling_interval: Some(Duration::from_millis(20)),
                ..Default::default()
            }),
        )
        .await
        .unwrap()
        .await
        .unwrap();

    let spans = recorder.spans();
    let public: Vec<_> = spans.iter().filter(|s| s.kind == "internal").collect();
    let http: Vec<_> = spans.iter().filter(|s| s.kind == "client").collect();
    let names: Vec<_> = public.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(
        &names[..5],
        [
            "SecretClient.set_secret",
            "SecretClient.set_secret",
            "SecretClient.get_secret",
            "SecretClient.list_properties_of_secrets",
            "SecretClient.list_properties_of_secrets",
        ],
        "one span per request the operation sends, a page each for a list: {names:?}"
    );
    assert_eq!(names[5], "SecretClient.get_secret");
    assert!(names[6..]
        .iter()
        .all(|n| *n == "SecretClient.begin_delete_secret"));
    assert!(
        names.len() >= 7,
        "the delete and at least one poll: {names:?}"
    );

    for span in &public {
        assert_eq!(span.attribute("az.namespace"), Some("Microsoft.KeyVault"));
        assert_eq!(span.parent, None);
        assert!(span.ended, "{} ended", span.name);
    }
    for span in &http {
        let parent = span
            .parent
            .expect("every HTTP span has the operation as parent");
        assert!(public.iter().any(|p| p.id == parent), "{span:?}");
        assert_eq!(span.attribute("az.namespace"), Some("Microsoft.KeyVault"));
        assert!(span.attribute("http.request.method").is_some());
        assert!(span.attribute("http.response.status_code").is_some());
        assert!(span.attribute("az.client_request_id").is_some());
        assert!(span.ended);
    }

    // The first operation carries the challenge: a 401 without a token, then the 200.
    let first = public[0].id;
    let statuses: Vec<_> = http
        .iter()
        .filter(|s| s.parent == Some(first))
        .map(|s| s.attribute("http.response.status_code").unwrap())
        .collect();
    assert_eq!(statuses, ["401", "200"]);
    // Later operations send one request each, with the cached token.
    assert_eq!(
        http.iter()
            .filter(|s| s.parent == Some(public[2].id))
            .count(),
        1
    );

    // A 404 marks the operation's span and its HTTP span.
    let missing = public[5];
    assert_eq!(missing.attribute("error.type"), Some("404"));
    let missing_http = http.iter().find(|s| s.parent == Some(missing.id)).unwrap();
    assert!(missing_http.error);

    // Each request carried its HTTP span's trace context to the service.
    let mut sent: Vec<_> = emulator
        .control()
        .requests()
        .into_iter()
        .map(|r| r.traceparent.expect("every request carries a traceparent"))
        .collect();
    let mut expected: Vec<_> = http.iter().map(|s| s.traceparent()).collect();
    sent.sort();
    expected.sort();
    assert_eq!(sent, expected);

    // The tracer was asked for with the namespace, and no span holds a secret value.
    assert!(recorder.namespaces().contains(&Some("Microsoft.KeyVault")));
    let dump = format!("{spans:?}");
    assert!(!dump.contains("hunter2") && !dump.contains("swordfish"));
}

#[tokio::test]
async fn without_a_tracer_provider_nothing_is_propagated() {
    let emulator = Emulator::start(EmulatorOptions::default()).await.unwrap();
    let client = SecretClient::new(
        &emulator.vault_url("plain"),
        emulator.credential(),
        Some(SecretClientOptions {
            client_options: emulator.client_options(),
            ..Default::default()
        }),
    )
    .unwrap();
    client.set_secret("a", "v", None).await.unwrap();
    client.get_secret("a", None).await.unwrap();
    let requests = emulator.control().requests();
    assert_eq!(requests.len(), 3, "challenge, set, get: {requests:?}");
    assert!(requests.iter().all(|r| r.traceparent.is_none()));
}
