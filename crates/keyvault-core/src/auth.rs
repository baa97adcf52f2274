//! Challenge-based bearer authentication, as Key Vault requires it.
//!
//! A request to a vault whose challenge is not yet known goes out without a token and without
//! its body; the 401 names the scope and tenant. The challenge is checked (the vault must be a
//! subdomain of the resource it names), cached for the authority, and the request is sent again
//! with its body and a token. Later requests to that authority carry a token at once.

use crate::{
    challenge::{Challenge, ChallengeCache},
    secret::SecretString,
};
use async_lock::RwLock;
use async_trait::async_trait;
use azure_core::{
    credentials::TokenCredential,
    error::ErrorKind,
    http::{
        headers::{AUTHORIZATION, CONTENT_LENGTH, WWW_AUTHENTICATE},
        policies::{Policy, PolicyResult},
        AsyncRawResponse, Context, Request, StatusCode,
    },
    time::{Duration, OffsetDateTime},
};
use secrecy::ExposeSecret;
use std::sync::Arc;

/// How long before expiry a cached token is replaced.
const REFRESH_MARGIN: Duration = Duration::minutes(5);

/// The Key Vault challenge authentication policy. Add it per try, after the retry policy.
#[derive(Debug)]
pub struct ChallengeAuthPolicy {
    credential: Arc<dyn TokenCredential>,
    verify_challenge_resource: bool,
    token: RwLock<Option<CachedToken>>,
    /// The cached challenge last verified and the vault host it was verified for, so that a
    /// request with that challenge need not parse its resource URL again.
    verified: std::sync::RwLock<Option<(Arc<Challenge>, String)>>,
}

/// A token kept as the ready `Authorization` value, so that a request with a valid token costs
/// one string copy rather than a token clone and a format.
#[derive(Debug)]
struct CachedToken {
    scope: String,
    authorization: SecretString,
    expires_on: OffsetDateTime,
}

impl CachedToken {
    fn serves(&self, challenge: &Challenge) -> bool {
        challenge.has_token_scope(&self.scope)
            && self.expires_on > OffsetDateTime::now_utc() + REFRESH_MARGIN
    }
}

impl ChallengeAuthPolicy {
    /// A policy that gets tokens from `credential`. With `verify_challenge_resource`, a
    /// challenge whose resource the vault's host is not a subdomain of is refused.
    pub fn new(credential: Arc<dyn TokenCredential>, verify_challenge_resource: bool) -> Self {
        ChallengeAuthPolicy {
            credential,
            verify_challenge_resource,
            token: RwLock::new(None),
            verified: std::sync::RwLock::new(None),
        }
    }

    /// The `Authorization` value for the challenge's scope: the cached token's unless it
    /// expires within the refresh margin or `fresh` asks for a new one.
    async fn authorization(
        &self,
        challenge: &Challenge,
        fresh: bool,
    ) -> azure_core::Result<String> {
        if !fresh {
            if let Some(cached) = self.token.read().await.as_ref() {
                if cached.serves(challenge) {
                    return Ok(cached.authorization.expose_secret().to_owned());
                }
            }
        }
        let mut slot = self.token.write().await;
        if !fresh {
            // Another request may have refreshed it while this one waited.
            if let Some(cached) = slot.as_ref() {
                if cached.serves(challenge) {
                    return Ok(cached.authorization.expose_secret().to_owned());
                }
            }
        }
        let scope = challenge.token_scope().ok_or_else(|| {
            credential_error("the challenge names neither a scope nor a resource".to_string())
        })?;
        let token = self.credential.get_token(&[&scope], None).await?;
        let cached = slot.insert(CachedToken {
            scope,
            authorization: SecretString::new(format!("Bearer {}", token.token.secret())),
            expires_on: token.expires_on,
        });
        Ok(cached.authorization.expose_secret().to_owned())
    }

    async fn authorize(
        &self,
        request: &mut Request,
        challenge: &Challenge,
        fresh: bool,
    ) -> azure_core::Result<()> {
        let authorization = self.authorization(challenge, fresh).await?;
        request.insert_header(AUTHORIZATION, authorization);
        Ok(())
    }

    /// [`ChallengeAuthPolicy::verify`] of a cached challenge, remembered for the last one.
    fn verify_cached(&self, request: &Request, challenge: &Arc<Challenge>) -> bool {
        if !self.verify_challenge_resource {
            return true;
        }
        let host = request.url().host_str().unwrap_or_default();
        let known = self
            .verified
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .as_ref()
            .is_some_and(|(verified, verified_host)| {
                Arc::ptr_eq(verified, challenge) && verified_host == host
            });
        if known {
            return true;
        }
        if self.verify(request, challenge).is_err() {
            return false;
        }
        *self.verified.write().unwrap_or_else(|e| e.into_inner()) =
            Some((challenge.clone(), host.to_owned()));
        true
    }

    /// Checks that the vault's host is a subdomain of the challenge's resource host.
    fn verify(&self, request: &Request, challenge: &Challenge) -> azure_core::Result<()> {
        if !self.verify_challenge_resource {
            return Ok(());
        }
        let host = request
            .url()
            .host_str()
            .unwrap_or_default()
            .to_ascii_lowercase();
        let resource_host = challenge
            .resource_host()
            .ok_or_else(|| credential_error("the challenge's resource is not a URL".to_string()))?;
        if host.ends_with(&format!(".{resource_host}")) {
            Ok(())
        } else {
            Err(credential_error(format!(
                "the challenge's resource host {resource_host:?} does not match the vault host {host:?}; \
                 if this vault is genuine, set verify_challenge_resource to false"
            )))
        }
    }
}

fn credential_error(message: String) -> azure_core::Error {
    azure_core::Error::with_message(ErrorKind::Credential, message)
}

fn challenge_of(response: &AsyncRawResponse) -> Option<Challenge> {
    if response.status() != StatusCode::Unauthorized {
        return None;
    }
    Challenge::parse(response.headers().get_optional_str(&WWW_AUTHENTICATE)?)
}

// The `Policy` trait's own signature elides the context's lifetime.
#[allow(elided_lifetimes_in_paths)]
#[async_trait]
impl Policy for ChallengeAuthPolicy {
    async fn send(
        &self,
        ctx: &Context,
        request: &mut Request,
        next: &[Arc<dyn Policy>],
    ) -> PolicyResult {
        if request.url().scheme() != "https" {
            return Err(credential_error(format!(
                "refusing to send a bearer token over {}; the vault URL must use https",
                request.url().scheme()
            )));
        }

        // The cache is shared with clients that do not verify the challenge's resource: a
        // verifying client uses an entry only if it would have accepted it itself, and otherwise
        // discovers the challenge anew.
        let cached =
            ChallengeCache::get(request.url()).filter(|cached| self.verify_cached(request, cached));
        match cached {
            Some(cached) => self.authorize(request, &cached, false).await?,
            None => {
                // Discover the challenge with an empty request; the body waits.
                let body = request.body_mut().take();
                let response = next[0].send(ctx, request, &next[1..]).await;
                *request.body_mut() = body;
                request.body_mut().reset().await?;
                // The transport stamped `content-length: 0` on the empty request; the body
                // is back, so the stamp must go.
                request.headers_mut().remove(CONTENT_LENGTH);
                let response = response?;
                let Some(challenge) = challenge_of(&response) else {
                    return Ok(response);
                };
                self.verify(request, &challenge)?;
                let challenge = ChallengeCache::insert(request.url(), challenge);
                self.authorize(request, &challenge, false).await?;
            }
        }

        let mut reauthorized = false;
        loop {
            let response = next[0].send(ctx, request, &next[1..]).await?;
            let Some(new_challenge) = challenge_of(&response) else {
                return Ok(response);
            };
            // A claims challenge needs a token minted with those claims, which azure_core 1.x
            // credentials cannot request (`TokenRequestOptions` has no claims, and
            // azure_identity would hand back its cached token): the 401 goes to the caller,
            // who gets `Error::ClaimsChallenge`. Any other 401 is answered once, after
            // re-reading the challenge.
            if new_challenge.claims.is_some() || reauthorized {
                return Ok(response);
            }
            reauthorized = true;
            self.verify(request, &new_challenge)?;
            let challenge = ChallengeCache::insert(request.url(), new_challenge);
            request.body_mut().reset().await?;
            self.authorize(request, &challenge, true).await?;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{CountingCredential, Server, CHALLENGE};
    use azure_core::{
        http::{Body, Method, Url},
        stream::SeekableStream,
        Bytes,
    };
    use futures::io::AsyncRead;
    use std::{
        pin::Pin,
        task::{Context as TaskContext, Poll},
    };

    async fn send(
        policy: &ChallengeAuthPolicy,
        server: &Arc<Server>,
        url: &str,
        body: Body,
    ) -> azure_core::Result<StatusCode> {
        let mut request = Request::new(Url::parse(url).unwrap(), Method::Put);
        request.set_body(body);
        let next: Vec<Arc<dyn Policy>> = vec![server.clone()];
        let response = policy.send(&Context::new(), &mut request, &next).await?;
        Ok(response.status())
    }

    #[tokio::test]
    async fn first_request_goes_without_token_and_body_then_with_both() {
        let credential = CountingCredential::new(Duration::hours(1));
        let policy = ChallengeAuthPolicy::new(credential.clone(), true);
        let server = Server::vault(CHALLENGE);
        let url = "https://first.vault.azure.net/secrets/s?api-version=7.4";
        let status = send(
            &policy,
            &server,
            url,
            Body::from(b"{\"value\":\"v\"}".to_vec()),
        )
        .await
        .unwrap();
        assert_eq!(status, StatusCode::Ok);
        let seen = server.seen();
        assert_eq!(seen.len(), 2);
        assert_eq!(seen[0].authorization, None);
        assert!(
            seen[0].body.is_empty(),
            "the discovery request carries no body"
        );
        assert_eq!(seen[1].authorization.as_deref(), Some("Bearer token-1"));
        assert_eq!(seen[1].body, b"{\"value\":\"v\"}");
        assert_eq!(credential.calls(), vec!["https://vault.azure.net/.default"]);
        let cached = ChallengeCache::get(&Url::parse(url).unwrap()).unwrap();
        assert_eq!(cached.tenant_id().as_deref(), Some("tenant-1"));
    }

    /// A body that can be read once only: reset fails after any read.
    #[derive(Debug, Clone)]
    struct OneShot {
        data: Vec<u8>,
        pos: usize,
    }

    #[async_trait]
    impl SeekableStream for OneShot {
        async fn reset(&mut self) -> azure_core::Result<()> {
            if self.pos > 0 {
                return Err(azure_core::Error::with_message(
                    ErrorKind::Io,
                    "cannot rewind",
                ));
            }
            Ok(())
        }
        fn len(&self) -> Option<u64> {
            Some(self.data.len() as u64)
        }
    }

    impl AsyncRead for OneShot {
        fn poll_read(
            mut self: Pin<&mut Self>,
            _: &mut TaskContext<'_>,
            buf: &mut [u8],
        ) -> Poll<std::io::Result<usize>> {
            let n = buf.len().min(self.data.len() - self.pos);
            let start = self.pos;
            buf[..n].copy_from_slice(&self.data[start..start + n]);
            self.pos += n;
            Poll::Ready(Ok(n))
        }
    }

    #[tokio::test]
    async fn a_body_that_cannot_be_reread_survives_discovery() {
        let policy = ChallengeAuthPolicy::new(CountingCredential::new(Duration::hours(1)), true);
        let server = Server::vault(CHALLENGE);
        let stream: Box<dyn SeekableStream> = Box::new(OneShot {
            data: b"payload".to_vec(),
            pos: 0,
        });
        let status = send(
            &policy,
            &server,
            "https://oneshot.vault.azure.net/x",
            Body::from(stream),
        )
        .await
        .unwrap();
        assert_eq!(status, StatusCode::Ok);
        let seen = server.seen();
        assert!(seen[0].body.is_empty());
        assert_eq!(seen[1].body, b"payload");
    }

    #[tokio::test]
    async fn scope_parameter_wins() {
        let credential = CountingCredential::new(Duration::hours(1));
        let policy = ChallengeAuthPolicy::new(credential.clone(), true);
        let server = Server::vault(
            r#"Bearer authorization="https://login.example/t", scope="https://managedhsm.azure.net/.default""#,
        );
        send(
            &policy,
            &server,
            "https://h1.managedhsm.azure.net/keys",
            Body::from(Bytes::new()),
        )
        .await
        .unwrap();
        assert_eq!(
            credential.calls(),
            vec!["https://managedhsm.azure.net/.default"]
        );
    }

    #[tokio::test]
    async fn a_challenge_for_another_resource_is_refused_without_sending_a_token() {
        let credential = CountingCredential::new(Duration::hours(1));
        let policy = ChallengeAuthPolicy::new(credential.clone(), true);
        let server = Server::vault(CHALLENGE);
        let err = send(
            &policy,
            &server,
            "https://vault.attacker.example/secrets/s",
            Body::from(Bytes::new()),
        )
        .await
        .unwrap_err();
        assert_eq!(err.kind(), &ErrorKind::Credential);
        assert!(
            err.to_string().contains("verify_challenge_resource"),
            "{err}"
        );
        assert!(credential.calls().is_empty());
        assert_eq!(server.seen().len(), 1);
        assert!(
            ChallengeCache::get(&Url::parse("https://vault.attacker.example/").unwrap()).is_none()
        );

        // The resource host itself is not a subdomain either.
        let err = send(
            &policy,
            &server,
            "https://vault.azure.net/secrets/s",
            Body::from(Bytes::new()),
        )
        .await;
        assert!(err.is_err());

        // Opting out lets it through.
        let lenient = ChallengeAuthPolicy::new(credential.clone(), false);
        let status = send(
            &lenient,
            &server,
            "https://lenient.attacker.example/s",
            Body::from(Bytes::new()),
        )
        .await
        .unwrap();
        assert_eq!(status, StatusCode::Ok);
    }

    #[tokio::test]
    async fn a_remembered_verification_holds_only_for_its_challenge_and_host() {
        // A verifying policy verifies the genuine vault's challenge once and remembers it.
        let credential = CountingCredential::new(Duration::hours(1));
        let strict = ChallengeAuthPolicy::new(credential.clone(), true);
        let genuine = Server::vault(CHALLENGE);
        let vault = crate::test_support::unique_vault_url("remembered");
        for _ in 0..2 {
            send(
                &strict,
                &genuine,
                &format!("{vault}/secrets/s"),
                Body::from(Bytes::new()),
            )
            .await
            .unwrap();
        }
        assert_eq!(genuine.seen().len(), 3, "one discovery, then two requests");
        assert_eq!(credential.calls().len(), 1);

        // A lenient policy caches a foreign challenge for another vault; the same verifying
        // policy does not take it on the strength of what it verified for the first.
        const FOREIGN: &str = r#"Bearer authorization="https://login.example/tenant-1", resource="https://attacker.example""#;
        let lenient = ChallengeAuthPolicy::new(CountingCredential::new(Duration::hours(1)), false);
        let other = crate::test_support::unique_vault_url("poisoned");
        send(
            &lenient,
            &Server::vault(FOREIGN),
            &format!("{other}/secrets/s"),
            Body::from(Bytes::new()),
        )
        .await
        .unwrap();
        let second = Server::vault(CHALLENGE);
        send(
            &strict,
            &second,
            &format!("{other}/secrets/s"),
            Body::from(Bytes::new()),
        )
        .await
        .unwrap();
        let seen = second.seen();
        assert_eq!(seen.len(), 2, "a discovery, then the request");
        assert_eq!(seen[0].authorization, None);
        assert_eq!(credential.calls(), vec!["https://vault.azure.net/.default"]);
    }

    #[tokio::test]
    async fn a_verifying_client_ignores_what_a_lenient_one_cached() {
        // A lenient client meets a challenge naming another resource and caches it.
        const FOREIGN: &str = r#"Bearer authorization="https://login.example/tenant-1", resource="https://attacker.example""#;
        let lenient_credential = CountingCredential::new(Duration::hours(1));
        let lenient = ChallengeAuthPolicy::new(lenient_credential.clone(), false);
        let foreign = Server::vault(FOREIGN);
        let url = "https://poisoned.vault.azure.net/secrets/s";
        send(&lenient, &foreign, url, Body::from(Bytes::new()))
            .await
            .unwrap();
        assert_eq!(
            lenient_credential.calls(),
            vec!["https://attacker.example/.default"]
        );
        assert_eq!(
            ChallengeCache::get(&Url::parse(url).unwrap())
                .unwrap()
                .resource_host()
                .as_deref(),
            Some("attacker.example")
        );

        // A verifying client of the same vault does not take the cached challenge: it asks
        // the vault again, and gets no token for the foreign resource.
        let credential = CountingCredential::new(Duration::hours(1));
        let strict = ChallengeAuthPolicy::new(credential.clone(), true);
        let genuine = Server::vault(CHALLENGE);
        send(&strict, &genuine, url, Body::from(Bytes::new()))
            .await
            .unwrap();
        assert_eq!(credential.calls(), vec!["https://vault.azure.net/.default"]);
        let seen = genuine.seen();
        assert_eq!(seen.len(), 2, "a discovery, then the request");
        assert_eq!(seen[0].authorization, None);
    }

    #[tokio::test]
    async fn the_cache_is_shared_by_every_client_of_the_authority() {
        let server = Server::vault(CHALLENGE);
        let first = ChallengeAuthPolicy::new(CountingCredential::new(Duration::hours(1)), true);
        send(
            &first,
            &server,
            "https://shared.vault.azure.net:443/a",
            Body::from(Bytes::new()),
        )
        .await
        .unwrap();
        let second = ChallengeAuthPolicy::new(CountingCredential::new(Duration::hours(1)), true);
        send(
            &second,
            &server,
            "https://SHARED.vault.azure.net/b",
            Body::from(Bytes::new()),
        )
        .await
        .unwrap();
        let seen = server.seen();
        assert_eq!(seen.len(), 3, "the second client needs no discovery");
        assert!(seen[2].authorization.is_some());
    }

    #[tokio::test]
    async fn tokens_are_reused_then_refreshed_before_expiry() {
        let server = Server::vault(CHALLENGE);
        let long = CountingCredential::new(Duration::hours(1));
        let policy = ChallengeAuthPolicy::new(long.clone(), true);
        for _ in 0..3 {
            send(
                &policy,
                &server,
                "https://reuse.vault.azure.net/a",
                Body::from(Bytes::new()),
            )
            .await
            .unwrap();
        }
        assert_eq!(long.calls().len(), 1);

        let short = CountingCredential::new(Duration::minutes(4));
        let policy = ChallengeAuthPolicy::new(short.clone(), true);
        for _ in 0..3 {
            send(
                &policy,
                &server,
                "https://reuse.vault.azure.net/a",
                Body::from(Bytes::new()),
            )
            .await
            .unwrap();
        }
        assert_eq!(
            short.calls().len(),
            3,
            "a token within five minutes of expiry is replaced"
        );
    }

    const CLAIMS: &str = r#"Bearer authorization="https://login.example/tenant-1", error="insufficient_claims", claims="eyJhY2Nlc3NfdG9rZW4iOnt9fQ==""#;

    #[tokio::test]
    async fn a_claims_challenge_goes_to_the_caller_without_resending_the_token() {
        let credential = CountingCredential::new(Duration::hours(1));
        let policy = ChallengeAuthPolicy::new(credential.clone(), true);
        let server = Server::scripted(|seen, _| match seen.authorization {
            None => (StatusCode::Unauthorized, Some(CHALLENGE)),
            Some(_) => (StatusCode::Unauthorized, Some(CLAIMS)),
        });
        let status = send(
            &policy,
            &server,
            "https://revoked.vault.azure.net/a",
            Body::from(Bytes::new()),
        )
        .await
        .unwrap();
        assert_eq!(status, StatusCode::Unauthorized);
        assert_eq!(
            server.seen().len(),
            2,
            "discovery, then the token it refused"
        );
        assert_eq!(credential.calls().len(), 1, "no token asked for in vain");
    }

    #[tokio::test]
    async fn plain_http_is_refused_before_anything_is_sent() {
        let credential = CountingCredential::new(Duration::hours(1));
        let policy = ChallengeAuthPolicy::new(credential.clone(), true);
        let server = Server::vault(CHALLENGE);
        let err = send(
            &policy,
            &server,
            "http://plain.vault.azure.net/a",
            Body::from(Bytes::new()),
        )
        .await
        .unwrap_err();
        assert!(err.to_string().contains("https"));
        assert!(server.seen().is_empty());
        assert!(credential.calls().is_empty());
    }

    #[tokio::test]
    async fn concurrent_first_requests_all_succeed() {
        let credential = CountingCredential::new(Duration::hours(1));
        let policy = Arc::new(ChallengeAuthPolicy::new(credential.clone(), true));
        let server = Server::vault(CHALLENGE);
        let tasks: Vec<_> = (0..64)
            .map(|i| {
                let (policy, server) = (policy.clone(), server.clone());
                tokio::spawn(async move {
                    send(
                        &policy,
                        &server,
                        "https://burst.vault.azure.net/a",
                        Body::from(format!("{i}").into_bytes()),
                    )
                    .await
                })
            })
            .collect();
        for task in tasks {
            assert_eq!(task.await.unwrap().unwrap(), StatusCode::Ok);
        }
        let authorized: Vec<_> = server
            .seen()
            .into_iter()
            .filter(|s| s.authorization.is_some())
            .collect();
        assert_eq!(authorized.len(), 64);
        assert!(authorized.iter().all(|s| !s.body.is_empty()));
    }
}
