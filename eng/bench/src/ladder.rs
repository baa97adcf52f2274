//! Section 1c: the `get_secret` ladder. The same GET of one secret over the same HTTPS/HTTP/2
//! connection to the emulator, climbing one layer at a time from raw reqwest to the clients, so
//! that each rung's cost over the one below is the cost of the layer it adds:
//!
//! 1. raw reqwest (the floor of section 1);
//! 2. azure_core's `HttpClient` adapter for `reqwest::Client` alone (request and header
//!    conversion, the body as a stream collected by `try_into_raw_response`);
//! 3. keyvault-core's `ReqwestTransport` in its place (our clients' default transport);
//! 4. rung 2 under a policy chain of nothing but azure_core's `TransportPolicy`;
//! 5. azure_core's core `Pipeline` with no policy of ours: its no-op retry, logging and
//!    transport, the body buffered inside the transport policy (`Pipeline::send`);
//! 6. the same with the default exponential retry policy;
//! 7. `azure_core::http::Pipeline` (adds the client request id and user agent policies);
//! 8. the same plus azure_core's `BearerTokenAuthorizationPolicy` per try;
//! 9. keyvault-core's `KeyVaultPipeline::send_json` (challenge authentication, repeat guard)
//!    over `ReqwestTransport`;
//! 10. `SecretClient::get_secret` (ours); 11. the official `SecretClient::get_secret`;
//! 12. ours over azure_core's adapter, the transport the official crate uses here.
//!
//! Besides throughput and CPU, every call's future is wrapped in one that counts how often it
//! is polled and how often its waker is woken: a deep chain of boxed futures is re-polled from
//! the top on every wake, which an in-memory transport (one poll) never shows.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::task::{Context as TaskContext, Poll, Wake, Waker};

use async_trait::async_trait;
use azure_core::credentials::{AccessToken, Secret, TokenCredential, TokenRequestOptions};
use azure_core::http::{
    headers::{AUTHORIZATION, CLIENT_REQUEST_ID},
    policies::{auth::BearerTokenAuthorizationPolicy, Policy, TransportPolicy},
    ClientOptions, Context, HttpClient, Method, Pipeline, PipelineSendOptions, RawResponse,
    Request, RetryOptions, Transport, Url,
};
use azure_core::time::OffsetDateTime;
use keyvault_core::{transport::ReqwestTransport, ExposeSecret, KeyVaultPipeline};

use crate::env::{Env, RawSecret, API_VERSION, VAULT_SCOPE};
use crate::measure::{merge, ms, run, us, Sample};
use crate::report::{table, Check, Section};
use crate::{clients, Config};

const VAULT: &str = "bench-ladder";
const NAME: &str = "bench-secret";
const VALUE: &str = "0123456789abcdef0123456789abcdef";

/// Polls and wakes counted over every call of a rung.
#[derive(Debug, Default)]
pub struct Counters {
    polls: AtomicU64,
    wakes: AtomicU64,
}

impl Counters {
    fn take(&self) -> (u64, u64) {
        (
            self.polls.swap(0, Ordering::Relaxed),
            self.wakes.swap(0, Ordering::Relaxed),
        )
    }
}

/// A waker that counts its wakes and passes them on.
struct CountingWaker {
    inner: Waker,
    counters: Arc<Counters>,
}

impl Wake for CountingWaker {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.counters.wakes.fetch_add(1, Ordering::Relaxed);
        self.inner.wake_by_ref();
    }
}

/// A future that counts its polls, and the wakes of the waker it hands down.
pub struct Counted<F> {
    future: Pin<Box<F>>,
    counters: Arc<Counters>,
    waker: Option<(Waker, Waker)>,
}

impl<F> Counted<F> {
    /// Wraps `future`, counting into `counters`.
    pub fn new(future: F, counters: Arc<Counters>) -> Self {
        Counted {
            future: Box::pin(future),
            counters,
            waker: None,
        }
    }
}

impl<F: Future> Future for Counted<F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut TaskContext<'_>) -> Poll<F::Output> {
        let this = self.get_mut();
        this.counters.polls.fetch_add(1, Ordering::Relaxed);
        let reuse = matches!(&this.waker, Some((inner, _)) if inner.will_wake(cx.waker()));
        if !reuse {
            let counting = Waker::from(Arc::new(CountingWaker {
                inner: cx.waker().clone(),
                counters: this.counters.clone(),
            }));
            this.waker = Some((cx.waker().clone(), counting));
        }
        let (_, counting) = this.waker.as_ref().expect("set above");
        this.future
            .as_mut()
            .poll(&mut TaskContext::from_waker(counting))
    }
}

/// The raw contender's token, handed out by a credential, so that azure_core's own bearer
/// policy can be measured without a token request per call.
#[derive(Debug)]
struct FixedToken(String);

#[async_trait]
impl TokenCredential for FixedToken {
    async fn get_token(
        &self,
        _scopes: &[&str],
        _options: Option<TokenRequestOptions<'_>>,
    ) -> azure_core::Result<AccessToken> {
        Ok(AccessToken::new(
            Secret::new(self.0.clone()),
            OffsetDateTime::now_utc() + azure_core::time::Duration::hours(1),
        ))
    }
}

type Op = Arc<dyn Fn() -> futures::future::BoxFuture<'static, Result<(), String>> + Send + Sync>;

/// One rung: its name and its operation.
struct Rung {
    name: &'static str,
    op: Op,
}

fn check(value: &str) -> Result<(), String> {
    if value == VALUE {
        Ok(())
    } else {
        Err(format!("unexpected secret value of {} bytes", value.len()))
    }
}

fn parse(body: &[u8]) -> Result<(), String> {
    let secret: RawSecret = serde_json::from_slice(body).map_err(|e| e.to_string())?;
    check(&secret.value)
}

/// The request every rung from 2 to 7 sends: the GET with its token and a request id, as ours
/// sends it.
fn request(url: &Url, bearer: Option<&str>) -> Request {
    let mut request = Request::new(url.clone(), Method::Get);
    request.insert_header(CLIENT_REQUEST_ID, azure_core::Uuid::new_v4().to_string());
    if let Some(bearer) = bearer {
        request.insert_header(AUTHORIZATION, bearer.to_owned());
    }
    request
}

async fn finish(response: RawResponse) -> Result<(), String> {
    if !response.status().is_success() {
        return Err(format!("status {}", response.status()));
    }
    parse(response.body())
}

fn rungs(env: &Arc<Env>) -> Result<Vec<Rung>, String> {
    let url: Url = env
        .secret_url(VAULT, NAME)
        .parse()
        .map_err(|e| format!("{e}"))?;
    let bearer: Arc<str> = env.bearer.as_str().into();
    let http: Arc<dyn HttpClient> = Arc::new(env.http.clone());
    let token = env.bearer.trim_start_matches("Bearer ").to_owned();
    let mut rungs = Vec::new();

    {
        let (http, url, bearer) = (env.http.clone(), url.to_string(), bearer.clone());
        rungs.push(Rung {
            name: "1. raw reqwest",
            op: Arc::new(move || {
                let (http, url, bearer) = (http.clone(), url.clone(), bearer.clone());
                Box::pin(async move {
                    let response = http
                        .get(&url)
                        .header("authorization", &*bearer)
                        .header(
                            "x-ms-client-request-id",
                            azure_core::Uuid::new_v4().to_string(),
                        )
                        .send()
                        .await
                        .map_err(|e| e.to_string())?;
                    if !response.status().is_success() {
                        return Err(format!("status {}", response.status()));
                    }
                    let body = response.bytes().await.map_err(|e| e.to_string())?;
                    parse(&body)
                })
            }),
        });
    }
    {
        let (http, url, bearer) = (http.clone(), url.clone(), bearer.clone());
        rungs.push(Rung {
            name: "2. + azure_core HttpClient adapter",
            op: Arc::new(move || {
                let (http, url, bearer) = (http.clone(), url.clone(), bearer.clone());
                Box::pin(async move {
                    let request = request(&url, Some(&bearer));
                    let response = http
                        .execute_request(&request)
                        .await
                        .map_err(|e| e.to_string())?
                        .try_into_raw_response()
                        .await
                        .map_err(|e| e.to_string())?;
                    finish(response).await
                })
            }),
        });
    }
    {
        let http: Arc<dyn HttpClient> = Arc::new(ReqwestTransport::new(env.http.clone()));
        let (url, bearer) = (url.clone(), bearer.clone());
        rungs.push(Rung {
            name: "3. keyvault-core ReqwestTransport instead of 2's adapter",
            op: Arc::new(move || {
                let (http, url, bearer) = (http.clone(), url.clone(), bearer.clone());
                Box::pin(async move {
                    let request = request(&url, Some(&bearer));
                    let response = http
                        .execute_request(&request)
                        .await
                        .map_err(|e| e.to_string())?
                        .try_into_raw_response()
                        .await
                        .map_err(|e| e.to_string())?;
                    finish(response).await
                })
            }),
        });
    }
    {
        let chain: Arc<[Arc<dyn Policy>]> =
            Arc::new([
                Arc::new(TransportPolicy::new(Transport::new(http.clone()))) as Arc<dyn Policy>
            ]);
        let (url, bearer) = (url.clone(), bearer.clone());
        rungs.push(Rung {
            name: "4. 2 + TransportPolicy alone",
            op: Arc::new(move || {
                let (chain, url, bearer) = (chain.clone(), url.clone(), bearer.clone());
                Box::pin(async move {
                    let mut request = request(&url, Some(&bearer));
                    let ctx = Context::new();
                    let response = chain[0]
                        .send(&ctx, &mut request, &chain[1..])
                        .await
                        .map_err(|e| e.to_string())?
                        .try_into_raw_response()
                        .await
                        .map_err(|e| e.to_string())?;
                    finish(response).await
                })
            }),
        });
    }
    for (name, retry) in [
        (
            "5. core Pipeline: no-op retry, logging, transport (body buffered in the chain)",
            RetryOptions::none(),
        ),
        ("6. + default exponential retry", RetryOptions::default()),
    ] {
        let pipeline = typespec_client_core::http::Pipeline::new(
            typespec_client_core::http::ClientOptions {
                transport: Some(Transport::new(http.clone())),
                retry,
                ..Default::default()
            },
            Vec::new(),
            Vec::new(),
            None,
        );
        let (url, bearer) = (url.clone(), bearer.clone());
        rungs.push(Rung {
            name,
            op: Arc::new(move || {
                let (pipeline, url, bearer) = (pipeline.clone(), url.clone(), bearer.clone());
                Box::pin(async move {
                    let mut request = request(&url, Some(&bearer));
                    let response = pipeline
                        .send(&Context::new(), &mut request, None)
                        .await
                        .map_err(|e| e.to_string())?;
                    finish(response).await
                })
            }),
        });
    }
    for (name, with_auth) in [
        (
            "7. azure_core Pipeline (+ request id, user agent policies)",
            false,
        ),
        ("8. + azure_core BearerTokenAuthorizationPolicy", true),
    ] {
        let per_try: Vec<Arc<dyn Policy>> = if with_auth {
            vec![Arc::new(BearerTokenAuthorizationPolicy::new(
                Arc::new(FixedToken(token.clone())),
                [VAULT_SCOPE],
            ))]
        } else {
            Vec::new()
        };
        let pipeline = Pipeline::new(
            Some("keyvault-bench"),
            Some("0.1.0"),
            ClientOptions {
                transport: Some(Transport::new(http.clone())),
                ..Default::default()
            },
            Vec::new(),
            per_try,
            None,
        );
        let (url, bearer) = (url.clone(), bearer.clone());
        rungs.push(Rung {
            name,
            op: Arc::new(move || {
                let (pipeline, url, bearer) = (pipeline.clone(), url.clone(), bearer.clone());
                Box::pin(async move {
                    let mut request = request(&url, (!with_auth).then_some(&*bearer));
                    let options = PipelineSendOptions {
                        skip_checks: true,
                        ..Default::default()
                    };
                    let response = pipeline
                        .send(&Context::new(), &mut request, Some(options))
                        .await
                        .map_err(|e| e.to_string())?;
                    finish(response).await
                })
            }),
        });
    }
    {
        let pipeline = KeyVaultPipeline::new(
            &env.emulator.vault_url(VAULT),
            env.credential(),
            keyvault_core::ClientOptions {
                api_version: Some(keyvault_core::ApiVersion::new(API_VERSION)),
                client_options: clients::ours_client_options(env),
                ..Default::default()
            },
            "keyvault-bench",
            "0.1.0",
        )
        .map_err(|e| e.to_string())?;
        rungs.push(Rung {
            name: "9. keyvault-core KeyVaultPipeline::send_json",
            op: Arc::new(move || {
                let pipeline = pipeline.clone();
                Box::pin(async move {
                    let url = pipeline.url(&["secrets", NAME]);
                    let secret: RawSecret = pipeline
                        .send_json(Method::Get, url, None)
                        .await
                        .map_err(|e| e.to_string())?;
                    check(&secret.value)
                })
            }),
        });
    }
    {
        let ours = clients::ours(env, VAULT)?;
        rungs.push(Rung {
            name: "10. keyvault-secrets SecretClient::get_secret (ours)",
            op: Arc::new(move || {
                let client = ours.clone();
                Box::pin(
                    async move { check(clients::ours_value(&client, NAME).await?.expose_secret()) },
                )
            }),
        });
    }
    {
        let official = Arc::new(clients::official(env, VAULT)?);
        rungs.push(Rung {
            name: "11. azure_security_keyvault_secrets get_secret (official)",
            op: Arc::new(move || {
                let client = official.clone();
                Box::pin(async move { check(&clients::official_value(&client, NAME).await?) })
            }),
        });
    }
    {
        let ours = clients::ours_with(env, VAULT, env.emulator.client_options())?;
        rungs.push(Rung {
            name: "12. ours (10) over azure_core's adapter, as the official crate (11)",
            op: Arc::new(move || {
                let client = ours.clone();
                Box::pin(
                    async move { check(clients::ours_value(&client, NAME).await?.expose_secret()) },
                )
            }),
        });
    }
    Ok(rungs)
}

/// What one rung measured at one concurrency.
struct Measured {
    sample: Sample,
    polls: f64,
    wakes: f64,
}

/// Runs the section. `selected` (1-based rung numbers, empty for all) lets a profiler run one
/// rung at a time.
pub async fn section(env: &Arc<Env>, config: &Config) -> Result<Section, String> {
    env.put_secret(VAULT, NAME, VALUE).await?;
    let all = rungs(env)?;
    let chosen: Vec<(usize, Rung)> = all
        .into_iter()
        .enumerate()
        .filter(|(i, _)| config.rungs.is_empty() || config.rungs.contains(&(i + 1)))
        .collect();
    let counters = Arc::new(Counters::default());
    let counted = |op: Op, counters: Arc<Counters>| move || Counted::new(op(), counters.clone());

    // A smoke run climbs every rung with a quarter of section 1's calls, so that the ladder
    // adds little to it.
    let (serial, concurrent, warm) = if config.quick {
        (
            (config.get_ops_serial / 4).max(1),
            (config.get_ops_concurrent / 4).max(32),
            32,
        )
    } else {
        (config.get_ops_serial, config.get_ops_concurrent, 64)
    };
    // Warm every rung: challenge, token and connection with one call, then the pool.
    for (_, rung) in &chosen {
        (rung.op)()
            .await
            .map_err(|e| format!("{}, first call: {e}", rung.name))?;
        run(warm, 32, counted(rung.op.clone(), counters.clone()))
            .await
            .map_err(|e| format!("{}, warm-up: {e}", rung.name))?;
    }
    counters.take();

    let concurrencies = [1usize, 32];
    // results[c][k]: the samples of rung k at concurrency c, with polls and wakes per call.
    let mut results: Vec<Vec<Vec<Measured>>> = concurrencies
        .iter()
        .map(|_| chosen.iter().map(|_| Vec::new()).collect())
        .collect();
    for (c, &concurrency) in concurrencies.iter().enumerate() {
        let total = if concurrency == 1 { serial } else { concurrent };
        for round in 0..config.rounds {
            for i in 0..chosen.len() {
                let k = (i + round) % chosen.len();
                let sample = run(
                    total,
                    concurrency,
                    counted(chosen[k].1.op.clone(), counters.clone()),
                )
                .await
                .map_err(|e| format!("{}: {e}", chosen[k].1.name))?;
                let (polls, wakes) = counters.take();
                let calls = total as f64;
                results[c][k].push(Measured {
                    sample,
                    polls: polls as f64 / calls,
                    wakes: wakes as f64 / calls,
                });
            }
        }
    }
    env.emulator.control().clear_requests();

    let summary = |c: usize, k: usize| -> (Sample, f64, f64) {
        let measured = &results[c][k];
        let samples: Vec<Sample> = measured.iter().map(|m| m.sample.clone()).collect();
        let mean = |f: &dyn Fn(&Measured) -> f64| {
            measured.iter().map(f).sum::<f64>() / measured.len().max(1) as f64
        };
        (merge(&samples), mean(&|m| m.polls), mean(&|m| m.wakes))
    };
    let floor = chosen.iter().position(|(i, _)| *i == 0);
    let mut rows = Vec::new();
    for (k, (_, rung)) in chosen.iter().enumerate() {
        let mut row = vec![rung.name.to_string()];
        for c in 0..concurrencies.len() {
            let (sample, polls, wakes) = summary(c, k);
            let ratio = floor
                .map(|f| format!("{:.2}", sample.throughput / summary(c, f).0.throughput))
                .unwrap_or_else(|| "-".into());
            row.push(format!("{:.0}", sample.throughput));
            row.push(ratio);
            row.push(ms(sample.p50));
            row.push(us(sample.client_cpu));
            row.push(format!("{polls:.1} / {wakes:.1}"));
        }
        rows.push(row);
    }
    let mut markdown = format!(
        "## 1c. get_secret, the ladder from raw reqwest to the clients\n\n\
         The same GET of one secret over the emulator's `reqwest::Client` (one HTTP/2 connection \
         over TLS), each rung adding one layer to the one above it ({} calls at c=1, {} at c=32, \
         {} round(s), rotating order, medians). `÷ raw`: throughput over rung 1's. CPU: the \
         client threads' per call (10 ms ticks). Polls / wakes: how often each call's future was \
         polled, and woken, per call.\n\n",
        serial, concurrent, config.rounds
    );
    markdown.push_str(&table(
        &[
            "rung",
            "c=1 req/s",
            "c=1 ÷ raw",
            "c=1 p50 ms",
            "c=1 client µs/call",
            "c=1 polls / wakes",
            "c=32 req/s",
            "c=32 ÷ raw",
            "c=32 p50 ms",
            "c=32 client µs/call",
            "c=32 polls / wakes",
        ],
        &rows,
    ));
    let mut checks = Vec::new();
    let ours = chosen.iter().position(|(i, _)| *i == 9);
    let official = chosen.iter().position(|(i, _)| *i == 10);
    if let (Some(f), Some(o)) = (floor, ours) {
        let (raw32, ours32) = (summary(1, f).0, summary(1, o).0);
        let (raw1, ours1) = (summary(0, f).0, summary(0, o).0);
        checks.push(Check::at_least(
            "ladder: get_secret c=32 throughput, ours ÷ raw reqwest",
            ours32.throughput / raw32.throughput,
            0.90,
        ));
        if !ours32.client_cpu.is_zero() && !raw32.client_cpu.is_zero() {
            checks.push(Check::at_most(
                "ladder: get_secret c=32 client CPU per call, ours ÷ raw reqwest",
                ours32.client_cpu.as_secs_f64() / raw32.client_cpu.as_secs_f64(),
                1.3,
            ));
        }
        checks.push(Check::at_most(
            "ladder: get_secret c=1 p50, ours ÷ raw reqwest",
            ours1.p50.as_secs_f64() / raw1.p50.as_secs_f64(),
            1.2,
        ));
    }
    if let (Some(o), Some(off)) = (ours, official) {
        checks.push(Check::at_least(
            "ladder: get_secret c=32 throughput, ours ÷ official",
            summary(1, o).0.throughput / summary(1, off).0.throughput,
            1.3,
        ));
    }
    Ok(Section { markdown, checks })
}
