//! `ReqwestTransport` against the emulator over HTTPS with a real `azure_identity` credential:
//! it answers as azure_core's own adapter does, and its errors keep azure_core's kinds.

use azure_core::http::{Method, Request, StatusCode, Transport};
use keyvault_core::{transport::ReqwestTransport, ClientOptions, KeyVaultPipeline};
use keyvault_emulator::{Emulator, EmulatorOptions};
use std::sync::Arc;

fn pipeline(emulator: &Emulator, transport: Transport) -> KeyVaultPipeline {
    let mut client_options = emulator.client_options();
    client_options.transport = Some(transport);
    KeyVaultPipeline::new(
        &emulator.vault_url("transport"),
        emulator.credential(),
        ClientOptions {
            client_options,
            ..Default::default()
        },
        "keyvault-core-test",
        "0.0.0",
    )
    .unwrap()
}

/// The header names of a response, sorted, and its content type.
fn header_names(response: &azure_core::http::RawResponse) -> Vec<String> {
    let mut names: Vec<String> = response
        .headers()
        .iter()
        .map(|(name, _)| name.as_str().to_owned())
        .collect();
    names.sort();
    names
}

#[tokio::test]
async fn answers_as_azure_cores_adapter_does() {
    let emulator = Emulator::start(EmulatorOptions::default()).await.unwrap();
    let ours = pipeline(
        &emulator,
        ReqwestTransport::transport(emulator.http_client()),
    );
    let theirs = pipeline(&emulator, Transport::new(Arc::new(emulator.http_client())));

    // A PUT with a body (after the challenge discovery, which goes without it).
    let set: serde_json::Value = ours
        .send_json(
            Method::Put,
            ours.url(&["secrets", "greeting"]),
            Some(br#"{"value":"hello"}"#.to_vec()),
        )
        .await
        .unwrap();
    assert_eq!(set["value"], "hello");

    // The same GET through both transports: same status, body and header names.
    let url = ours.url(&["secrets", "greeting"]);
    let a = ours.send_raw(Method::Get, url.clone(), None).await.unwrap();
    let b = theirs.send_raw(Method::Get, url, None).await.unwrap();
    assert_eq!(a.status(), StatusCode::Ok);
    assert_eq!(a.status(), b.status());
    assert_eq!(a.body().as_ref(), b.body().as_ref());
    assert_eq!(header_names(&a), header_names(&b));
    assert!(header_names(&a).contains(&"x-ms-request-id".to_string()));
    assert_eq!(
        a.headers().get_optional_str(&"content-type".into()),
        b.headers().get_optional_str(&"content-type".into())
    );

    // A failure keeps its status, code and request id.
    let err = ours
        .send(Method::Get, ours.url(&["secrets", "missing"]), None)
        .await
        .unwrap_err();
    assert!(err.is_not_found(), "{err}");
    assert!(err.request_id().is_some());

    // A DELETE without a body.
    let deleted: serde_json::Value = ours
        .send_json(Method::Delete, ours.url(&["secrets", "greeting"]), None)
        .await
        .unwrap();
    assert!(deleted["recoveryId"].is_string() || deleted["id"].is_string());
}

#[tokio::test]
async fn a_refused_connection_is_a_connection_error() {
    // A port nobody listens on any more.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let transport = ReqwestTransport::new(reqwest::Client::new());
    let request = Request::new(
        format!("http://127.0.0.1:{port}/").parse().unwrap(),
        Method::Get,
    );
    let err = azure_core::http::HttpClient::execute_request(&transport, &request)
        .await
        .unwrap_err();
    assert_eq!(
        *err.kind(),
        azure_core::error::ErrorKind::Connection,
        "{err}"
    );
}
