//! Section 1b: the client layer alone. Ours and the official client call `get_secret` over an
//! in-memory transport that replays the emulator's real answers (the 401 challenge, then the
//! 200 with its headers and body), so the figure is the CPU each client spends above the
//! transport: request building, the azure_core pipeline, authentication, parsing. Network, TLS,
//! HTTP/2 and the emulator are out of it, and with them most of section 1's noise.
//!
//! This measures cost; it proves nothing about correctness, which the integration tests and
//! section 1 (over real HTTPS) do.

use keyvault_core::ExposeSecret;
use std::sync::Arc;
use std::time::{Duration, Instant};

use async_trait::async_trait;
use azure_core::credentials::{AccessToken, Secret, TokenCredential, TokenRequestOptions};
use azure_core::http::{
    headers::Headers, AsyncRawResponse, ClientOptions, HttpClient, Request, StatusCode, Transport,
};
use azure_core::time::OffsetDateTime;
use azure_security_keyvault_secrets as official;
use keyvault_core::{ApiVersion, SecretString};
use keyvault_secrets::{SecretClient, SecretClientOptions};

use crate::env::{Env, RawSecret};
use crate::measure::median;
use crate::report::{table, Section};
use crate::{clients, Config};

const VAULT: &str = "bench-overhead";
const NAME: &str = "bench-secret";
const VALUE: &str = "0123456789abcdef0123456789abcdef";

/// One recorded answer: status, headers (lowercase names) and body. No `Debug`: the body holds
/// the secret's value.
#[derive(Clone)]
struct Recorded {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Recorded {
    async fn fetch(env: &Env, url: &str, bearer: Option<&str>) -> Result<Recorded, String> {
        let mut request = env.http.get(url);
        if let Some(bearer) = bearer {
            request = request.header("authorization", bearer);
        }
        let response = request.send().await.map_err(|e| e.to_string())?;
        let status = response.status().as_u16();
        let headers = response
            .headers()
            .iter()
            .filter_map(|(k, v)| Some((k.as_str().to_owned(), v.to_str().ok()?.to_owned())))
            .collect();
        let body = response.bytes().await.map_err(|e| e.to_string())?.to_vec();
        Ok(Recorded {
            status,
            headers,
            body,
        })
    }

    fn replay(&self) -> AsyncRawResponse {
        let mut headers = Headers::new();
        for (name, value) in &self.headers {
            headers.insert(name.clone(), value.clone());
        }
        AsyncRawResponse::from_bytes(StatusCode::from(self.status), headers, self.body.clone())
    }
}

/// Answers a request without a token with the recorded challenge, any other with the recorded
/// secret. Looks the header up by iterating, as `Headers::get_optional_str` formats an error
/// message even when the header is present, which would bill the replay to the clients.
struct Replay {
    challenge: Recorded,
    secret: Recorded,
}

impl std::fmt::Debug for Replay {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Replay").finish_non_exhaustive()
    }
}

#[async_trait]
impl HttpClient for Replay {
    async fn execute_request(&self, request: &Request) -> azure_core::Result<AsyncRawResponse> {
        let authorized = request
            .headers()
            .iter()
            .any(|(name, _)| name.as_str() == "authorization");
        Ok(if authorized {
            self.secret.replay()
        } else {
            self.challenge.replay()
        })
    }
}

/// A credential that hands out the raw contender's token, so that both clients send a token
/// of the real length.
#[derive(Debug)]
struct FixedToken(SecretString);

#[async_trait]
impl TokenCredential for FixedToken {
    async fn get_token(
        &self,
        _scopes: &[&str],
        _options: Option<TokenRequestOptions<'_>>,
    ) -> azure_core::Result<AccessToken> {
        Ok(AccessToken::new(
            Secret::new(self.0.expose_secret().to_owned()),
            OffsetDateTime::now_utc() + azure_core::time::Duration::hours(1),
        ))
    }
}

/// Runs the section.
pub async fn section(env: &Arc<Env>, config: &Config) -> Result<Section, String> {
    env.put_secret(VAULT, NAME, VALUE).await?;
    let url = env.secret_url(VAULT, NAME);
    let challenge = Recorded::fetch(env, &url, None).await?;
    let secret = Recorded::fetch(env, &url, Some(&env.bearer)).await?;
    if challenge.status != 401 || secret.status != 200 {
        return Err(format!(
            "recording: expected 401 then 200, got {} then {}",
            challenge.status, secret.status
        ));
    }
    let replay: Arc<dyn HttpClient> = Arc::new(Replay { challenge, secret });
    let client_options = || ClientOptions {
        transport: Some(Transport::new(replay.clone())),
        ..Default::default()
    };
    let token = env.bearer.trim_start_matches("Bearer ").to_owned();
    let credential =
        || -> Arc<dyn TokenCredential> { Arc::new(FixedToken(SecretString::new(token.clone()))) };
    // The real vault URL, so that the challenge's resource check passes as it does on the wire.
    let vault_url = env.emulator.vault_url(VAULT);
    let ours = SecretClient::new(
        &vault_url,
        credential(),
        Some(SecretClientOptions {
            api_version: Some(ApiVersion::V2025_07_01),
            client_options: client_options(),
            ..Default::default()
        }),
    )
    .map_err(|e| e.to_string())?;
    let official = official::SecretClient::new(
        &vault_url,
        credential(),
        Some(official::SecretClientOptions {
            client_options: client_options(),
            ..Default::default()
        }),
    )
    .map_err(|e| e.to_string())?;
    let body = replay_body(&replay).await?;

    // Calls are a few microseconds each: enough of them that a round lasts about a second
    // (a tenth of that in a smoke run) whatever the other sections' counts.
    let calls = if config.quick { 20_000 } else { 200_000 };
    let mut times: [Vec<f64>; 3] = Default::default();
    // Rounds alternate the contenders; the first round also warms them (challenge, token).
    for round in 0..=config.rounds {
        let ours_time = time(calls, || async {
            check(clients::ours_value(&ours, NAME).await?.expose_secret())
        })
        .await?;
        let official_time = time(calls, || async {
            check(&clients::official_value(&official, NAME).await?)
        })
        .await?;
        let floor_time = time(calls, || async {
            let secret: RawSecret = serde_json::from_slice(&body).map_err(|e| e.to_string())?;
            check(&secret.value)
        })
        .await?;
        if round > 0 {
            for (k, t) in [ours_time, official_time, floor_time]
                .into_iter()
                .enumerate()
            {
                times[k].push(t.as_secs_f64() * 1e6 / calls as f64);
            }
        }
    }
    let [mut ours_us, mut official_us, mut floor_us] = times;
    let (ours_us, official_us, floor_us) = (
        median(&mut ours_us),
        median(&mut official_us),
        median(&mut floor_us),
    );

    let rows = vec![
        vec![
            "keyvault-secrets (ours)".to_string(),
            format!("{ours_us:.2}"),
            "1.00".to_string(),
        ],
        vec![
            "azure_security_keyvault_secrets 1.x (official)".to_string(),
            format!("{official_us:.2}"),
            format!("{:.2}", official_us / ours_us),
        ],
        vec![
            "floor: parse the body into a bare struct".to_string(),
            format!("{floor_us:.2}"),
            format!("{:.2}", floor_us / ours_us),
        ],
    ];
    let mut markdown = format!(
        "## 1b. get_secret, the client layer alone\n\n\
         Both clients call `get_secret` {calls} times per round on one task ({} round(s), median) \
         over an in-memory transport replaying the emulator's real 401 challenge and 200 answer \
         (headers and body). The figure is the CPU each spends above the transport: request \
         building, azure_core's pipeline (request id, user agent, retry, logging policies), \
         authentication, response conversion and parsing. `it ÷ ours` above 1: the row costs \
         more than ours.\n\n",
        config.rounds
    );
    markdown.push_str(&table(&["contender", "µs/call", "it ÷ ours"], &rows));
    Ok(Section {
        markdown,
        checks: Vec::new(),
    })
}

/// The recorded secret body, for the floor.
async fn replay_body(replay: &Arc<dyn HttpClient>) -> Result<Vec<u8>, String> {
    let mut request = Request::new(
        "https://replay.invalid/".parse().map_err(|_| "url")?,
        azure_core::http::Method::Get,
    );
    request.insert_header("authorization", "Bearer x");
    let response = replay
        .execute_request(&request)
        .await
        .map_err(|e| e.to_string())?;
    let body = response
        .try_into_raw_response()
        .await
        .map_err(|e| e.to_string())?;
    Ok(body.body().to_vec())
}

async fn time<F, Fut>(calls: usize, op: F) -> Result<Duration, String>
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = Result<(), String>>,
{
    let start = Instant::now();
    for _ in 0..calls {
        op().await?;
    }
    Ok(start.elapsed())
}

fn check(value: &str) -> Result<(), String> {
    if value == VALUE {
        Ok(())
    } else {
        Err(format!("unexpected secret value of {} bytes", value.len()))
    }
}
