//! Distributed tracing of `KeyVaultManagementClient`: with a tracer provider, every request an
//! operation sends (the PUT, each poll, each page) is a span named after the method, in
//! namespace `Microsoft.KeyVault`, over azure_core's HTTP span, whose trace context reaches ARM.

use crate::common::{fast, standard_vault};
use azure_core::http::InstrumentationOptions;
use futures::TryStreamExt;
use keyvault_emulator::{Emulator, EmulatorOptions};
use keyvault_testkit::spans::SpanRecorder;
use mgmt_keyvault::{KeyVaultManagementClient, ManagementClientOptions};
use std::time::Duration;

#[tokio::test]
async fn operations_and_their_polls_are_spans() {
    let emulator = Emulator::start(EmulatorOptions::default()).await.unwrap();
    emulator
        .control()
        .set_arm_operation_latency(Duration::from_millis(50));
    let recorder = SpanRecorder::new();
    let mut client_options = emulator.client_options();
    client_options.instrumentation = InstrumentationOptions {
        tracer_provider: Some(recorder.tracer_provider()),
    };
    let client = KeyVaultManagementClient::new(
        "00000000-0000-0000-0000-000000000001",
        emulator.credential(),
        Some(ManagementClientOptions {
            endpoint: format!("https://management.azure.com:{}", emulator.port()),
            client_options,
            ..Default::default()
        }),
    )
    .unwrap();

    client
        .create_or_update_vault("rg", "traced-vault", standard_vault(&emulator), fast())
        .await
        .unwrap()
        .await
        .unwrap();
    let vaults: Vec<_> = client
        .list_vaults_by_resource_group("rg", None)
        .unwrap()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(vaults.len(), 1);

    let spans = recorder.spans();
    let public: Vec<_> = spans.iter().filter(|s| s.kind == "internal").collect();
    let creates = public
        .iter()
        .filter(|s| s.name == "KeyVaultManagementClient.create_or_update_vault")
        .count();
    assert!(creates >= 2, "the PUT and at least one poll: {public:?}");
    assert_eq!(
        public.last().unwrap().name,
        "KeyVaultManagementClient.list_vaults_by_resource_group"
    );
    for span in &public {
        assert_eq!(span.attribute("az.namespace"), Some("Microsoft.KeyVault"));
    }
    let http: Vec<_> = spans.iter().filter(|s| s.kind == "client").collect();
    assert_eq!(
        http.len(),
        public.len(),
        "ARM has no challenge: one request each"
    );
    for span in &http {
        assert!(public.iter().any(|p| Some(p.id) == span.parent));
        assert_eq!(
            span.attribute("server.address"),
            Some("management.azure.com")
        );
    }
    let arm_requests: Vec<_> = emulator
        .control()
        .requests()
        .into_iter()
        .filter(|r| r.host.starts_with("management.azure.com"))
        .collect();
    assert_eq!(arm_requests.len(), http.len());
    assert!(arm_requests.iter().all(|r| http
        .iter()
        .any(|s| r.traceparent.as_deref() == Some(&*s.traceparent()))));
}
