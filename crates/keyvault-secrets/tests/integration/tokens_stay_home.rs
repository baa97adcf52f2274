//! A bearer token never travels over plain http, never follows a `nextLink` or a poller
//! continuation to another host, and never goes to a host the challenge did not name. Checked
//! against the emulator's request log (`has_authorization`) and a credential that counts the
//! tokens it hands out.

use async_trait::async_trait;
use azure_core::{
    credentials::{AccessToken, TokenCredential, TokenRequestOptions},
    http::{AsyncRawResponse, ClientOptions, HttpClient, Request, Transport},
};
use futures::TryStreamExt;
use keyvault_emulator::Emulator;
use keyvault_secrets::ExposeSecret;
use keyvault_secrets::{
    BeginDeleteSecretOptions, BeginRecoverDeletedSecretOptions, Error,
    ListPropertiesOfSecretsOptions, SecretClient, SecretClientOptions,
};
use std::sync::{
    atomic::{AtomicUsize, Ordering},
    Arc,
};

use keyvault_testkit::emulator::emulator;

/// The emulator's credential, counting the tokens it hands out.
#[derive(Debug)]
struct Counting {
    inner: Arc<dyn TokenCredential>,
    calls: AtomicUsize,
}

#[async_trait]
impl TokenCredential for Counting {
    async fn get_token(
        &self,
        scopes: &[&str],
        options: Option<TokenRequestOptions<'_>>,
    ) -> azure_core::Result<AccessToken> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        self.inner.get_token(scopes, options).await
    }
}

fn counting(emulator: &Emulator) -> Arc<Counting> {
    Arc::new(Counting {
        inner: emulator.credential(),
        calls: AtomicUsize::new(0),
    })
}

fn options(client_options: ClientOptions) -> Option<SecretClientOptions> {
    Some(SecretClientOptions {
        client_options,
        ..Default::default()
    })
}

fn invalid_argument(err: &Error) -> bool {
    matches!(err, Error::InvalidArgument { .. })
}

#[tokio::test]
async fn a_plain_http_vault_url_is_refused_before_any_request() {
    let emulator = emulator().await;
    let credential = counting(&emulator);
    let url = emulator
        .vault_url("plain")
        .replacen("https://", "http://", 1);
    let err = SecretClient::new(&url, credential.clone(), options(emulator.client_options()))
        .unwrap_err();
    assert!(invalid_argument(&err), "{err:?}");
    assert!(err.to_string().contains("https"), "{err}");
    assert!(emulator.control().requests().is_empty());
    assert_eq!(credential.calls.load(Ordering::SeqCst), 0);
}

/// Forwards to the emulator's client and rewrites every `nextLink` to `replacement`, as a
/// compromised or buggy service might.
#[derive(Debug)]
struct RewriteNextLink {
    inner: Arc<dyn HttpClient>,
    original: String,
    replacement: String,
}

#[async_trait]
impl HttpClient for RewriteNextLink {
    async fn execute_request(&self, request: &Request) -> azure_core::Result<AsyncRawResponse> {
        let response = self.inner.execute_request(request).await?;
        let (status, headers, body) = response.deconstruct();
        let body = body.collect().await?;
        let text = String::from_utf8_lossy(&body).replace(
            &format!("\"nextLink\":\"{}", self.original),
            &format!("\"nextLink\":\"{}", self.replacement),
        );
        Ok(AsyncRawResponse::from_bytes(
            status,
            headers,
            text.into_bytes(),
        ))
    }
}

async fn next_link_to(emulator: &Emulator, vault: &str, replacement: String) {
    let credential = counting(emulator);
    let transport = Transport::new(Arc::new(RewriteNextLink {
        inner: Arc::new(emulator.http_client()),
        original: emulator.vault_url(vault),
        replacement: replacement.clone(),
    }));
    let client = SecretClient::new(
        &emulator.vault_url(vault),
        credential.clone(),
        options(ClientOptions {
            transport: Some(transport),
            ..Default::default()
        }),
    )
    .unwrap();
    for i in 0..3 {
        client
            .set_secret(&format!("s{i}"), "v", None)
            .await
            .unwrap();
    }
    emulator.control().clear_requests();
    let mut pager = client
        .list_properties_of_secrets(Some(ListPropertiesOfSecretsOptions {
            max_page_size: Some(1),
            ..Default::default()
        }))
        .unwrap();
    // The first page's nextLink is checked as the page is read: the list fails there.
    let mut items = 0;
    let err = loop {
        match pager.try_next().await {
            Ok(Some(_)) => items += 1,
            Ok(None) => panic!("the list ended without following the rewritten nextLink"),
            Err(err) => break err,
        }
    };
    assert!(items <= 1, "{items}");
    assert!(invalid_argument(&err), "{err:?}");
    assert!(err.to_string().contains("next link"), "{err}");
    let requests = emulator.control().requests();
    assert_eq!(
        requests.len(),
        1,
        "only the first page was requested: {requests:?}"
    );
    assert!(requests
        .iter()
        .all(|r| r.host.starts_with(&format!("{vault}.vault.azure.net"))));
}

#[tokio::test]
async fn a_next_link_to_another_host_or_to_http_is_never_followed() {
    let emulator = emulator().await;
    let port = emulator.port();
    next_link_to(
        &emulator,
        "pages",
        format!("https://attacker.vault.azure.net:{port}"),
    )
    .await;
    next_link_to(
        &emulator,
        "pages-http",
        format!("http://pages-http.vault.azure.net:{port}"),
    )
    .await;
    next_link_to(
        &emulator,
        "pages-port",
        format!(
            "https://pages-port.vault.azure.net:{}",
            port.wrapping_add(1)
        ),
    )
    .await;
}

#[tokio::test]
async fn continuation_tokens_to_another_host_are_refused_before_any_request() {
    let emulator = emulator().await;
    let credential = counting(&emulator);
    let client = SecretClient::new(
        &emulator.vault_url("resume"),
        credential.clone(),
        options(emulator.client_options()),
    )
    .unwrap();
    client.set_secret("s", "v", None).await.unwrap();
    let tokens_before = credential.calls.load(Ordering::SeqCst);
    emulator.control().clear_requests();
    let port = emulator.port();
    for token in [
        format!("https://attacker.vault.azure.net:{port}/deletedsecrets/s?api-version=7.5"),
        format!("http://resume.vault.azure.net:{port}/deletedsecrets/s"),
        format!("https://resume.vault.azure.net.attacker.example:{port}/deletedsecrets/s"),
        "not a url".to_string(),
    ] {
        let err = client
            .begin_delete_secret(
                "s",
                Some(BeginDeleteSecretOptions {
                    continuation_token: Some(token.clone()),
                    ..Default::default()
                }),
            )
            .await
            .unwrap_err();
        assert!(invalid_argument(&err), "{token}: {err:?}");
        let err = client
            .begin_recover_deleted_secret(
                "s",
                Some(BeginRecoverDeletedSecretOptions {
                    continuation_token: Some(token.clone()),
                    ..Default::default()
                }),
            )
            .await
            .unwrap_err();
        assert!(invalid_argument(&err), "{token}: {err:?}");
        let err = client
            .list_properties_of_secrets(Some(ListPropertiesOfSecretsOptions {
                continuation_token: Some(token.clone()),
                ..Default::default()
            }))
            .map(drop)
            .unwrap_err();
        assert!(invalid_argument(&err), "{token}: {err:?}");
    }
    assert!(
        emulator.control().requests().is_empty(),
        "nothing was sent anywhere"
    );
    assert_eq!(credential.calls.load(Ordering::SeqCst), tokens_before);
    // The secret was not deleted by any of it.
    assert_eq!(
        client
            .get_secret("s", None)
            .await
            .unwrap()
            .value
            .expose_secret(),
        "v"
    );
}

#[tokio::test]
async fn hosts_outside_the_challenge_resource_never_get_a_token() {
    let emulator = emulator().await;
    let port = emulator.port();
    // Each answers the challenge `resource="https://vault.azure.net"`, and none is a subdomain
    // of vault.azure.net: a look-alike suffix, a subdomain of another domain, the default host.
    for url in [
        format!("https://evilvault.azure.net:{port}"),
        format!("https://myvault.localhost:{port}"),
        format!("https://vault.azure.net.localhost:{port}"),
        emulator.endpoint(),
    ] {
        let credential = counting(&emulator);
        let client =
            SecretClient::new(&url, credential.clone(), options(emulator.client_options()))
                .unwrap();
        emulator.control().clear_requests();
        let err = client.set_secret("x", "y", None).await.unwrap_err();
        assert!(err.is_authentication(), "{url}: {err:?}");
        assert!(
            err.to_string().contains("verify_challenge_resource"),
            "{err}"
        );
        let err = client.get_secret("x", None).await.unwrap_err();
        assert!(err.is_authentication(), "{url}: {err:?}");
        let requests = emulator.control().requests();
        assert!(!requests.is_empty(), "the discovery request was sent");
        assert!(
            requests
                .iter()
                .all(|r| !r.has_authorization && r.body_len == 0),
            "{url}: no token and no body left: {requests:?}"
        );
        assert_eq!(
            credential.calls.load(Ordering::SeqCst),
            0,
            "{url}: no token was even asked for"
        );
    }
}
