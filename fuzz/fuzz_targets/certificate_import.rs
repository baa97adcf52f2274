//! The PEM / PKCS#12 / X.509 checks of `CertificateClient::import_certificate` and
//! `merge_certificate`: any bytes never panic. Bytes the checks refuse are an
//! `InvalidArgument`; bytes they accept reach the transport, which here always fails, so the
//! only other outcome is `Error::Transport`.
#![no_main]

use async_trait::async_trait;
use azure_core::{
    credentials::{AccessToken, TokenCredential, TokenRequestOptions},
    http::{AsyncRawResponse, ClientOptions, HttpClient, Request, Transport},
};
use keyvault_certificates::{CertificateClient, CertificateClientOptions, Error};
use libfuzzer_sys::fuzz_target;
use std::sync::{Arc, OnceLock};

#[derive(Debug)]
struct NoNetwork;

#[async_trait]
impl HttpClient for NoNetwork {
    async fn execute_request(&self, _: &Request) -> azure_core::Result<AsyncRawResponse> {
        Err(azure_core::Error::with_message(
            azure_core::error::ErrorKind::Other,
            "no network while fuzzing",
        ))
    }
}

#[derive(Debug)]
struct NoCredential;

#[async_trait]
impl TokenCredential for NoCredential {
    async fn get_token(
        &self,
        _: &[&str],
        _: Option<TokenRequestOptions<'_>>,
    ) -> azure_core::Result<AccessToken> {
        Err(azure_core::Error::with_message(
            azure_core::error::ErrorKind::Credential,
            "no credential while fuzzing",
        ))
    }
}

struct Fixture {
    runtime: tokio::runtime::Runtime,
    client: CertificateClient,
}

fn fixture() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| {
        let client = CertificateClient::new(
            "https://fuzz.vault.azure.net",
            Arc::new(NoCredential),
            Some(CertificateClientOptions {
                client_options: ClientOptions {
                    transport: Some(Transport::new(Arc::new(NoNetwork))),
                    retry: azure_core::http::RetryOptions::none(),
                    ..Default::default()
                },
                ..Default::default()
            }),
        )
        .unwrap();
        Fixture {
            runtime: tokio::runtime::Builder::new_current_thread()
                .build()
                .unwrap(),
            client,
        }
    })
}

fn check(result: Result<(), Error>) {
    if let Err(e) = result {
        assert!(
            matches!(e, Error::InvalidArgument { .. } | Error::Transport(_)),
            "{e:?}"
        );
    }
}

fuzz_target!(|data: &[u8]| {
    let f = fixture();
    f.runtime.block_on(async {
        check(
            f.client
                .import_certificate("fuzz", data, None)
                .await
                .map(drop),
        );
        // Merge inputs: the whole, and the two halves as a chain.
        let (a, b) = data.split_at(data.len() / 2);
        check(
            f.client
                .merge_certificate("fuzz", &[data.to_vec()], None)
                .await
                .map(drop),
        );
        check(
            f.client
                .merge_certificate("fuzz", &[a.to_vec(), b.to_vec()], None)
                .await
                .map(drop),
        );
    });
});
