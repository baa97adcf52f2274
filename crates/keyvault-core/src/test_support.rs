//! Test doubles for unit tests of single policies: a credential that counts its calls and a
//! scripted server that stands in for the transport.

use async_trait::async_trait;
use azure_core::{
    credentials::{AccessToken, TokenCredential, TokenRequestOptions},
    http::{
        headers::{HeaderName, Headers, AUTHORIZATION, USER_AGENT, WWW_AUTHENTICATE},
        policies::{Policy, PolicyResult},
        AsyncRawResponse, Body, Context, Request, StatusCode, Transport,
    },
    time::{Duration, OffsetDateTime},
};
use futures::AsyncReadExt;
use std::sync::{Arc, Mutex};

/// A vault URL no other test uses: the challenge cache is process-wide, and a host that an
/// earlier test cached would skip the discovery request a test expects.
pub fn unique_vault_url(prefix: &str) -> String {
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    format!("https://{prefix}{n}.vault.azure.net")
}

/// A Key Vault challenge for `https://vault.azure.net`, tenant `tenant-1`.
pub const CHALLENGE: &str =
    r#"Bearer authorization="https://login.example/tenant-1", resource="https://vault.azure.net""#;

/// A credential that counts calls and hands out numbered tokens.
#[derive(Debug)]
pub struct CountingCredential {
    calls: Mutex<Vec<String>>,
    lifetime: Duration,
}

impl CountingCredential {
    pub fn new(lifetime: Duration) -> Arc<Self> {
        Arc::new(CountingCredential {
            calls: Mutex::new(Vec::new()),
            lifetime,
        })
    }

    pub fn calls(&self) -> Vec<String> {
        self.calls.lock().unwrap().clone()
    }
}

#[async_trait]
impl TokenCredential for CountingCredential {
    async fn get_token(
        &self,
        scopes: &[&str],
        _: Option<TokenRequestOptions<'_>>,
    ) -> azure_core::Result<AccessToken> {
        let mut calls = self.calls.lock().unwrap();
        calls.push(scopes.join(" "));
        Ok(AccessToken::new(
            format!("token-{}", calls.len()),
            OffsetDateTime::now_utc() + self.lifetime,
        ))
    }
}

/// What the server saw of one request.
#[derive(Debug, Clone)]
pub struct Seen {
    pub url: String,
    pub authorization: Option<String>,
    pub user_agent: Option<String>,
    pub client_request_id: Option<String>,
    pub body: Vec<u8>,
}

/// A scripted answer.
#[derive(Debug, Clone, Default)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(&'static str, String)>,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn status(status: u16) -> Self {
        Reply {
            status,
            ..Default::default()
        }
    }

    pub fn json(status: u16, body: &str) -> Self {
        Reply {
            status,
            headers: Vec::new(),
            body: body.as_bytes().to_vec(),
        }
    }

    pub fn header(mut self, name: &'static str, value: &str) -> Self {
        self.headers.push((name, value.to_string()));
        self
    }
}

type Script = Box<dyn Fn(&Seen, usize) -> Reply + Send + Sync>;

/// Stands in for the transport: records each request and answers from a script.
pub struct Server {
    seen: Mutex<Vec<Seen>>,
    script: Script,
}

impl std::fmt::Debug for Server {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Server")
    }
}

impl Server {
    /// Answers 401 with `challenge` to requests without a token, else 200.
    pub fn vault(challenge: &'static str) -> Arc<Self> {
        Self::scripted(move |seen, _| match &seen.authorization {
            Some(_) => (StatusCode::Ok, None),
            None => (StatusCode::Unauthorized, Some(challenge)),
        })
    }

    /// Answers with a status and an optional challenge.
    pub fn scripted(
        reply: impl Fn(&Seen, usize) -> (StatusCode, Option<&'static str>) + Send + Sync + 'static,
    ) -> Arc<Self> {
        Self::replying(move |seen, n| {
            let (status, challenge) = reply(seen, n);
            let mut r = Reply::status(u16::from(status));
            if let Some(c) = challenge {
                r = r.header("www-authenticate", c);
            }
            r
        })
    }

    /// Challenges requests without a token, answers the others from `reply`.
    pub fn authorized(reply: impl Fn(&Seen, usize) -> Reply + Send + Sync + 'static) -> Arc<Self> {
        Self::replying(move |seen, n| match seen.authorization {
            None => Reply::status(401).header("www-authenticate", CHALLENGE),
            Some(_) => reply(seen, n),
        })
    }

    /// Answers every request from `reply`.
    pub fn replying(reply: impl Fn(&Seen, usize) -> Reply + Send + Sync + 'static) -> Arc<Self> {
        Arc::new(Server {
            seen: Mutex::new(Vec::new()),
            script: Box::new(reply),
        })
    }

    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }

    /// This server as an `azure_core` transport.
    pub fn transport(self: &Arc<Self>) -> Transport {
        Transport::with_policy(self.clone())
    }
}

#[allow(elided_lifetimes_in_paths)]
#[async_trait]
impl Policy for Server {
    async fn send(
        &self,
        _: &Context,
        request: &mut Request,
        _: &[Arc<dyn Policy>],
    ) -> PolicyResult {
        let body = match request.body_mut() {
            Body::Bytes(b) => b.to_vec(),
            Body::SeekableStream(s) => {
                let mut buf = Vec::new();
                s.read_to_end(&mut buf).await.unwrap();
                buf
            }
        };
        let seen = Seen {
            url: request.url().to_string(),
            authorization: request.headers().get_optional_string(&AUTHORIZATION),
            user_agent: request.headers().get_optional_string(&USER_AGENT),
            client_request_id: request
                .headers()
                .get_optional_string(&azure_core::http::headers::CLIENT_REQUEST_ID),
            body,
        };
        let n = {
            let mut all = self.seen.lock().unwrap();
            all.push(seen.clone());
            all.len()
        };
        let reply = (self.script)(&seen, n);
        let mut headers = Headers::new();
        for (name, value) in reply.headers {
            let name = if name == "www-authenticate" {
                WWW_AUTHENTICATE
            } else {
                HeaderName::from_static(name)
            };
            headers.insert(name, value);
        }
        Ok(AsyncRawResponse::from_bytes(
            reply.status.into(),
            headers,
            reply.body,
        ))
    }
}
