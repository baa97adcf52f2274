//! Keeps the retry policy from repeating a write the service may already have applied.
//!
//! azure_core's retry policy repeats any request whose transport failed with an I/O error: a
//! timeout, or a connection closed before the response arrived. By then the request was sent,
//! and the service may have applied it. HTTP calls GET, PUT and DELETE idempotent, and they are
//! repeated, but in Key Vault a repeat is not free: a repeated PUT of a secret adds a second
//! version with the same value, and a repeated DELETE answers 404 once the first one was
//! applied (the `begin_delete_*` operations read the deleted object back to tell that 404 from
//! a missing object; see `polling::begin_delete`). Repeating a POST or PATCH could do worse
//! (a second `create` adds a key version, a second `restore` or `recover` fails on the first
//! one's result), so, as the Python SDK does, such a request is not repeated: the caller gets
//! [`crate::Error::NotRepeated`] and can read the state back. Failures to connect, throttling and server errors are still retried: the service
//! either never saw the request or answered it. So is a request without a token (the
//! challenge discovery sends one): the service refuses it with a 401 whatever it asks.

use async_trait::async_trait;
use azure_core::{
    error::ErrorKind,
    http::{
        headers::AUTHORIZATION,
        policies::{Policy, PolicyResult},
        Context, Method, Request,
    },
};
use std::sync::Arc;

/// The per-try policy that turns an I/O failure of an authorized POST or PATCH into an error
/// the retry policy does not repeat. Add it per try, after the authentication policy, so that
/// it sees each request as sent.
#[derive(Debug, Default, Clone, Copy)]
pub struct RepeatGuardPolicy;

/// The I/O failure of a request that repeating could apply twice; the source is the transport's
/// error. [`crate::Error`] turns it into [`crate::Error::NotRepeated`].
#[derive(Debug, thiserror::Error)]
#[error("{method} {path} was sent but its response was lost ({source}); it was not repeated, as the service may have applied it")]
pub struct UnrepeatedRequest {
    /// The request's method.
    pub method: Method,
    /// The request's path, without its query.
    pub path: String,
    /// The transport's error.
    #[source]
    pub source: azure_core::Error,
}

#[allow(elided_lifetimes_in_paths)]
#[async_trait]
impl Policy for RepeatGuardPolicy {
    async fn send(
        &self,
        ctx: &Context,
        request: &mut Request,
        next: &[Arc<dyn Policy>],
    ) -> PolicyResult {
        let result = next[0].send(ctx, request, &next[1..]).await;
        match result {
            Err(error)
                if *error.kind() == ErrorKind::Io
                    && matches!(request.method(), Method::Post | Method::Patch)
                    && request
                        .headers()
                        .iter()
                        .any(|(name, _)| *name == AUTHORIZATION) =>
            {
                Err(azure_core::Error::new(
                    ErrorKind::Other,
                    UnrepeatedRequest {
                        method: request.method(),
                        path: request.url().path().to_owned(),
                        source: error,
                    },
                ))
            }
            result => result,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use azure_core::http::{
        ClientOptions, FixedRetryOptions, Pipeline, RetryOptions, Transport, Url,
    };
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// A transport whose every attempt fails with `kind`, counting the attempts.
    #[derive(Debug)]
    struct Failing {
        kind: ErrorKind,
        attempts: AtomicUsize,
    }

    #[allow(elided_lifetimes_in_paths)]
    #[async_trait]
    impl Policy for Failing {
        async fn send(
            &self,
            _ctx: &Context,
            _request: &mut Request,
            _next: &[Arc<dyn Policy>],
        ) -> PolicyResult {
            self.attempts.fetch_add(1, Ordering::SeqCst);
            Err(azure_core::Error::with_message(
                self.kind.clone(),
                "connection closed before message completed",
            ))
        }
    }

    /// Sends one request through azure_core's pipeline (3 retries) with the guard per try and
    /// a failing transport; the attempts made and the error.
    async fn attempts(
        method: Method,
        kind: ErrorKind,
        authorized: bool,
    ) -> (usize, azure_core::Error) {
        let transport = Arc::new(Failing {
            kind,
            attempts: AtomicUsize::new(0),
        });
        let options = ClientOptions {
            retry: RetryOptions::fixed(FixedRetryOptions {
                delay: azure_core::time::Duration::milliseconds(1),
                max_retries: 3,
                ..Default::default()
            }),
            transport: Some(Transport::with_policy(transport.clone())),
            ..Default::default()
        };
        let pipeline = Pipeline::new(
            Some("test"),
            Some("0"),
            options,
            Vec::new(),
            vec![Arc::new(RepeatGuardPolicy)],
            None,
        );
        let mut request = Request::new(
            Url::parse("https://v.vault.azure.net/keys/k/create").unwrap(),
            method,
        );
        if authorized {
            request.insert_header(AUTHORIZATION, "Bearer token");
        }
        let error = pipeline
            .send(&Context::new(), &mut request, None)
            .await
            .unwrap_err();
        (transport.attempts.load(Ordering::SeqCst), error)
    }

    #[tokio::test]
    async fn a_post_whose_response_was_lost_is_not_repeated() {
        for method in [Method::Post, Method::Patch] {
            let (attempts, error) = attempts(method, ErrorKind::Io, true).await;
            assert_eq!(attempts, 1, "{method:?}");
            let error = crate::Error::from(error);
            assert!(
                matches!(&error, crate::Error::NotRepeated { path, .. } if path == "/keys/k/create"),
                "{error:?}"
            );
            assert!(error.to_string().contains("may have applied"), "{error}");
        }
    }

    #[tokio::test]
    async fn reads_and_idempotent_writes_are_repeated() {
        for method in [Method::Get, Method::Put, Method::Delete] {
            let (attempts, error) = attempts(method, ErrorKind::Io, true).await;
            assert_eq!(attempts, 4, "{method:?}");
            assert!(matches!(
                crate::Error::from(error),
                crate::Error::Transport(_)
            ));
        }
    }

    #[tokio::test]
    async fn a_post_that_never_connected_is_repeated() {
        let (attempts, error) = attempts(Method::Post, ErrorKind::Connection, true).await;
        assert_eq!(attempts, 4);
        assert!(matches!(
            crate::Error::from(error),
            crate::Error::Transport(_)
        ));
    }

    #[tokio::test]
    async fn a_post_without_a_token_is_repeated() {
        // The challenge discovery: the service answers 401 to it whatever it asks.
        let (attempts, error) = attempts(Method::Post, ErrorKind::Io, false).await;
        assert_eq!(attempts, 4);
        assert!(matches!(
            crate::Error::from(error),
            crate::Error::Transport(_)
        ));
    }
}
