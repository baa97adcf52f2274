//! Fault tolerance of `SecretClient` against the emulator, over HTTPS with a real
//! `azure_identity::ClientSecretCredential`: throttling bursts, dropped connections, slow
//! responses and client timeouts, expired and revoked tokens, pollers under faults, and a
//! bounded load test with injected faults that ends with the vault in exactly the state the
//! successful operations imply.
//!
//! The load test runs its full 10,000 operations by default (about 10 s in a debug build on two
//! cores); `KV_LOAD_OPS` scales it (at least 2,000 is meaningful; `KV_LOAD_OPS=100000` makes a
//! soak):
//!
//! ```sh
//! KV_LOAD_OPS=10000 cargo test -p keyvault-secrets --test fault_tolerance load -- --nocapture
//! ```

use azure_core::http::{
    ClientOptions, ExponentialRetryOptions, FixedRetryOptions, RetryOptions, Transport,
};
use futures::TryStreamExt;
use keyvault_emulator::{Emulator, Fault, RecordedRequest};
use keyvault_secrets::ExposeSecret;
use keyvault_secrets::{
    BeginDeleteSecretOptions, BeginRecoverDeletedSecretOptions, Error, PollerStatus, SecretClient,
    SecretClientOptions,
};
use std::{
    collections::{BTreeMap, BTreeSet},
    net::SocketAddr,
    sync::Arc,
    time::{Duration, Instant},
};

use keyvault_testkit::emulator::emulator;

pub(crate) fn client_with(
    emulator: &Emulator,
    vault: &str,
    client_options: ClientOptions,
) -> SecretClient {
    SecretClient::new(
        &emulator.vault_url(vault),
        emulator.credential(),
        Some(SecretClientOptions {
            client_options,
            ..Default::default()
        }),
    )
    .expect("client")
}

/// The emulator's transport with the given retry options.
fn retrying(emulator: &Emulator, retry: RetryOptions) -> ClientOptions {
    ClientOptions {
        retry,
        ..emulator.client_options()
    }
}

/// Quick exponential retries (the policy adds up to 255 ms of jitter per retry).
fn quick_retries(max_retries: u32) -> RetryOptions {
    RetryOptions::exponential(ExponentialRetryOptions {
        initial_delay: azure_core::time::Duration::milliseconds(5),
        max_retries,
        max_total_elapsed: azure_core::time::Duration::seconds(60),
        max_delay: azure_core::time::Duration::seconds(1),
    })
}

/// A reqwest client of our own, built like the emulator's `http_client()` (trusting only the
/// emulator's CA, reaching `vault` on the emulator's port) but with a request timeout.
fn transport_with_timeout(emulator: &Emulator, vault: &str, timeout: Duration) -> Transport {
    let ca = reqwest::Certificate::from_pem(emulator.ca_certificate_pem().as_bytes()).unwrap();
    let addr = SocketAddr::from(([127, 0, 0, 1], emulator.port()));
    let client = reqwest::Client::builder()
        .tls_certs_only([ca])
        .resolve(&format!("{vault}.vault.azure.net"), addr)
        .no_proxy()
        .timeout(timeout)
        .build()
        .unwrap();
    Transport::new(Arc::new(client))
}

fn fast_polls_delete() -> Option<BeginDeleteSecretOptions<'static>> {
    Some(BeginDeleteSecretOptions {
        polling_interval: Some(Duration::from_millis(20)),
        ..Default::default()
    })
}

fn fast_polls_recover() -> Option<BeginRecoverDeletedSecretOptions<'static>> {
    Some(BeginRecoverDeletedSecretOptions {
        polling_interval: Some(Duration::from_millis(20)),
        ..Default::default()
    })
}

fn statuses(requests: &[RecordedRequest], method: &str, path: &str) -> Vec<u16> {
    requests
        .iter()
        .filter(|r| r.method == method && r.path == path)
        .map(|r| r.status)
        .collect()
}

async fn version_count(client: &SecretClient, name: &str) -> usize {
    client
        .list_properties_of_secret_versions(name, None)
        .unwrap()
        .try_collect::<Vec<_>>()
        .await
        .unwrap()
        .len()
}

// ---------------------------------------------------------------------------------------------
// Throttling
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn bursts_of_429_and_503_are_waited_out_as_told_and_set_applies_once() {
    let emulator = emulator().await;
    let client = client_with(&emulator, "burst429", emulator.client_options());
    client.set_secret("warm", "up", None).await.unwrap();
    let control = emulator.control();
    control.clear_requests();
    control.inject_faults(
        Fault::Status {
            status: 429,
            retry_after: Duration::from_secs(1),
        },
        1,
    );
    control.inject_faults(
        Fault::Status {
            status: 503,
            retry_after: Duration::from_secs(2),
        },
        1,
    );
    control.inject_faults(
        Fault::Status {
            status: 503,
            retry_after: Duration::from_secs(1),
        },
        1,
    );
    let started = Instant::now();
    let set = client.set_secret("throttled", "v1", None).await.unwrap();
    let elapsed = started.elapsed();
    assert_eq!(set.value.expose_secret(), "v1");
    // Retry-After 1 + 2 + 1 seconds, each honoured (the policy waits max(Retry-After, backoff)).
    assert!(elapsed >= Duration::from_secs(4), "{elapsed:?}");
    assert!(elapsed < Duration::from_secs(10), "{elapsed:?}");
    let requests = control.requests();
    assert_eq!(
        statuses(&requests, "PUT", "/secrets/throttled"),
        vec![429, 503, 503, 200]
    );
    // The throttled attempts were not applied: exactly one version exists.
    assert_eq!(version_count(&client, "throttled").await, 1);
}

#[tokio::test]
async fn a_burst_longer_than_the_retry_budget_is_a_typed_service_error() {
    let emulator = emulator().await;
    let client = client_with(
        &emulator,
        "budget",
        retrying(
            &emulator,
            RetryOptions::fixed(FixedRetryOptions {
                delay: azure_core::time::Duration::milliseconds(10),
                max_retries: 2,
                max_total_elapsed: azure_core::time::Duration::seconds(30),
            }),
        ),
    );
    client.set_secret("warm", "up", None).await.unwrap();
    let control = emulator.control();
    control.clear_requests();
    control.inject_faults(
        Fault::Status {
            status: 503,
            retry_after: Duration::ZERO,
        },
        5,
    );
    let err = client.set_secret("never", "v", None).await.unwrap_err();
    match &err {
        Error::Service { status, code, .. } => {
            assert_eq!(*status, 503);
            assert_eq!(code.as_deref(), Some("ServiceUnavailable"));
        }
        other => panic!("expected Error::Service 503, got {other:?}"),
    }
    // One try and two retries, none applied.
    assert_eq!(
        statuses(&control.requests(), "PUT", "/secrets/never"),
        vec![503, 503, 503]
    );
    control.clear_faults();
    let err = client.get_secret("never", None).await.unwrap_err();
    assert!(err.is_not_found(), "{err}");
}

// ---------------------------------------------------------------------------------------------
// Dropped connections
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn dropped_connections_are_retried_where_repeating_is_safe_and_nothing_applies_twice() {
    let emulator = emulator().await;
    let client = client_with(&emulator, "dropped", retrying(&emulator, quick_retries(5)));
    let control = emulator.control();
    client.set_secret("s", "v1", None).await.unwrap();

    // A set whose first two attempts are dropped creates exactly one new version.
    control.clear_requests();
    control.inject_faults(Fault::DropConnection, 2);
    client.set_secret("s", "v2", None).await.unwrap();
    assert_eq!(
        statuses(&control.requests(), "PUT", "/secrets/s"),
        vec![0, 0, 200]
    );
    assert_eq!(version_count(&client, "s").await, 2);
    assert_eq!(
        client
            .get_secret("s", None)
            .await
            .unwrap()
            .value
            .expose_secret(),
        "v2"
    );

    // Delete, then a recover (a POST) whose connection drops: not repeated, since the service
    // may have applied it; nothing was applied here, and recovering again works.
    client
        .begin_delete_secret("s", fast_polls_delete())
        .await
        .unwrap()
        .await
        .unwrap();
    control.clear_requests();
    control.inject_faults(Fault::DropConnection, 1);
    let err = client
        .begin_recover_deleted_secret("s", fast_polls_recover())
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::NotRepeated { method, path, .. }
            if method == "POST" && path == "/deletedsecrets/s/recover"),
        "{err:?}"
    );
    assert_eq!(
        statuses(&control.requests(), "POST", "/deletedsecrets/s/recover"),
        vec![0],
        "one attempt, not repeated"
    );
    assert_eq!(
        client.get_deleted_secret("s", None).await.unwrap().name(),
        "s"
    );
    let recovered = client
        .begin_recover_deleted_secret("s", fast_polls_recover())
        .await
        .unwrap()
        .await
        .unwrap();
    assert_eq!(recovered.name, "s");
    assert_eq!(version_count(&client, "s").await, 2);

    // A purge whose first attempt is dropped purges once and the retry is not a 404.
    client
        .begin_delete_secret("s", fast_polls_delete())
        .await
        .unwrap()
        .await
        .unwrap();
    control.clear_requests();
    control.inject_faults(Fault::DropConnection, 1);
    client.purge_deleted_secret("s", None).await.unwrap();
    assert_eq!(
        statuses(&control.requests(), "DELETE", "/deletedsecrets/s"),
        vec![0, 204]
    );
    assert!(client
        .get_deleted_secret("s", None)
        .await
        .unwrap_err()
        .is_not_found());
}

#[tokio::test]
async fn a_dropped_connection_without_retries_is_a_typed_transport_error() {
    let emulator = emulator().await;
    let client = client_with(
        &emulator,
        "noretry",
        retrying(&emulator, RetryOptions::none()),
    );
    client.set_secret("warm", "up", None).await.unwrap();
    let control = emulator.control();
    control.clear_requests();
    control.inject_faults(Fault::DropConnection, 1);
    let err = client.set_secret("lost", "v", None).await.unwrap_err();
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    assert_eq!(
        statuses(&control.requests(), "PUT", "/secrets/lost"),
        vec![0]
    );
    // Nothing was applied, and the client works on.
    assert!(client
        .get_secret("lost", None)
        .await
        .unwrap_err()
        .is_not_found());
}

// ---------------------------------------------------------------------------------------------
// Slow responses and client timeouts
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn a_slow_response_within_the_timeout_succeeds() {
    let emulator = emulator().await;
    let client_options = ClientOptions {
        transport: Some(transport_with_timeout(
            &emulator,
            "slow",
            Duration::from_secs(5),
        )),
        retry: RetryOptions::none(),
        ..Default::default()
    };
    let client = client_with(&emulator, "slow", client_options);
    client.set_secret("s", "v", None).await.unwrap();
    emulator
        .control()
        .inject_faults(Fault::Delay(Duration::from_millis(800)), 1);
    let started = Instant::now();
    let got = client.get_secret("s", None).await.unwrap();
    assert_eq!(got.value.expose_secret(), "v");
    assert!(started.elapsed() >= Duration::from_millis(800));
}

#[tokio::test]
async fn a_response_beyond_the_timeout_is_a_transport_error_or_is_retried() {
    let emulator = emulator().await;
    let timeout = Duration::from_millis(600);
    let server_delay = Duration::from_secs(4);

    // Without retries: a typed transport error after the timeout, not after the server's delay.
    let strict = client_with(
        &emulator,
        "timeout",
        ClientOptions {
            transport: Some(transport_with_timeout(&emulator, "timeout", timeout)),
            retry: RetryOptions::none(),
            ..Default::default()
        },
    );
    strict.set_secret("s", "v", None).await.unwrap();
    emulator
        .control()
        .inject_faults(Fault::Delay(server_delay), 1);
    let started = Instant::now();
    let err = strict.get_secret("s", None).await.unwrap_err();
    let elapsed = started.elapsed();
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    assert!(
        elapsed >= timeout && elapsed < server_delay,
        "timed out after {elapsed:?}"
    );

    // With retries: the timed-out attempt is retried and the read succeeds.
    let retrying_client = client_with(
        &emulator,
        "timeout",
        ClientOptions {
            transport: Some(transport_with_timeout(&emulator, "timeout", timeout)),
            retry: quick_retries(3),
            ..Default::default()
        },
    );
    emulator
        .control()
        .inject_faults(Fault::Delay(server_delay), 1);
    let started = Instant::now();
    let got = retrying_client.get_secret("s", None).await.unwrap();
    let elapsed = started.elapsed();
    assert_eq!(got.value.expose_secret(), "v");
    assert!(
        elapsed >= timeout && elapsed < server_delay,
        "retried after the timeout, not after the server delay: {elapsed:?}"
    );
}

#[tokio::test]
async fn a_restore_whose_response_is_lost_is_not_repeated_and_applies_once() {
    let emulator = emulator().await;
    let control = emulator.control();
    let client = client_with(&emulator, "lostpost", retrying(&emulator, quick_retries(5)));
    client.set_secret("r", "kept", None).await.unwrap();
    let backup = client.backup_secret("r", None).await.unwrap();
    client
        .begin_delete_secret("r", fast_polls_delete())
        .await
        .unwrap()
        .await
        .unwrap();
    client.purge_deleted_secret("r", None).await.unwrap();

    // The vault applies the restore (a POST), then the connection drops before the answer.
    control.clear_requests();
    control.inject_faults(Fault::LoseResponse, 1);
    let err = client
        .restore_secret_backup(backup.expose_secret(), None)
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::NotRepeated { method, path, .. }
            if method == "POST" && path == "/secrets/restore"),
        "{err:?}"
    );
    assert!(err.to_string().contains("may have applied"), "{err}");
    // Exactly one restore reached the vault: a repeat would have been a second request, and
    // a 409 for the name the first one restored.
    assert_eq!(
        statuses(&control.requests(), "POST", "/secrets/restore"),
        vec![200]
    );
    // Reading the state back tells the caller what happened.
    let restored = client.get_secret("r", None).await.unwrap();
    assert_eq!(restored.value.expose_secret(), "kept");
    assert_eq!(version_count(&client, "r").await, 1);

    // A PUT is repeated, as HTTP allows: its lost answer costs a second version, not an error.
    control.clear_requests();
    control.inject_faults(Fault::LoseResponse, 1);
    client.set_secret("r", "again", None).await.unwrap();
    assert_eq!(
        statuses(&control.requests(), "PUT", "/secrets/r"),
        vec![200, 200]
    );
    assert_eq!(version_count(&client, "r").await, 3);
}

#[tokio::test]
async fn a_delete_whose_response_is_lost_still_ends_in_the_deleted_secret() {
    // The vault applies the DELETE, then the connection drops before the answer; the retry
    // policy repeats the DELETE, which now answers 404 (the secret is gone). The deleted secret
    // exists, so the deletion succeeded.
    let emulator = emulator().await;
    let control = emulator.control();
    let client = client_with(
        &emulator,
        "lostdelete",
        retrying(&emulator, quick_retries(5)),
    );
    client.set_secret("d", "v", None).await.unwrap();
    control.clear_requests();
    control.inject_faults(Fault::LoseResponse, 1);
    let deleted = client
        .begin_delete_secret("d", fast_polls_delete())
        .await
        .unwrap()
        .await
        .unwrap();
    assert_eq!(deleted.name(), "d");
    assert_eq!(
        statuses(&control.requests(), "DELETE", "/secrets/d"),
        vec![200, 404]
    );

    // A secret that never existed is still a 404.
    let err = client
        .begin_delete_secret("never", fast_polls_delete())
        .await
        .unwrap_err();
    assert!(err.is_not_found(), "{err:?}");
}

#[tokio::test]
async fn a_post_whose_challenge_discovery_is_lost_is_repeated() {
    // The first request to a vault goes without a token; the service refuses it whatever it
    // asks, so losing its answer is safe to repeat even for a POST.
    let emulator = emulator().await;
    let control = emulator.control();
    let source = client_with(
        &emulator,
        "discovery-src",
        retrying(&emulator, quick_retries(5)),
    );
    source.set_secret("d", "v", None).await.unwrap();
    let backup = source.backup_secret("d", None).await.unwrap();
    let target = client_with(
        &emulator,
        "discovery-dst",
        retrying(&emulator, quick_retries(5)),
    );
    control.clear_requests();
    control.inject_faults(Fault::DropConnection, 1);
    let restored = target
        .restore_secret_backup(backup.expose_secret(), None)
        .await
        .unwrap();
    assert_eq!(restored.name, "d");
    let seen: Vec<(u16, bool)> = control
        .requests()
        .iter()
        .filter(|r| r.method == "POST" && r.path == "/secrets/restore")
        .map(|r| (r.status, r.has_authorization))
        .collect();
    assert_eq!(seen, vec![(0, false), (401, false), (200, true)]);
}

// ---------------------------------------------------------------------------------------------
// Tokens
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn a_token_that_expires_mid_run_is_an_authentication_error_not_a_hang() {
    let emulator = emulator().await;
    let client = client_with(&emulator, "expiry", emulator.client_options());
    client.set_secret("s", "v", None).await.unwrap();
    let control = emulator.control();
    // The emulator clock passes the token's expiry; the credential's cache (real clock) does
    // not know, so the client's "fresh" token after the re-read challenge is the same one.
    control.advance_clock(Duration::from_secs(2 * 3600));
    control.clear_requests();
    let err = tokio::time::timeout(Duration::from_secs(30), client.get_secret("s", None))
        .await
        .expect("no hang")
        .unwrap_err();
    assert!(err.is_authentication(), "{err:?}");
    assert!(err.to_string().contains("AKV10033"), "{err}");
    let requests = control.requests();
    assert_eq!(
        requests
            .iter()
            .map(|r| (r.has_authorization, r.status))
            .collect::<Vec<_>>(),
        vec![(true, 401), (true, 401)],
        "the expired token, then one retry after re-reading the challenge: {requests:?}"
    );

    // A new credential gets a token valid on the emulator clock.
    let renewed = client_with(&emulator, "expiry", emulator.client_options());
    assert_eq!(
        renewed
            .get_secret("s", None)
            .await
            .unwrap()
            .value
            .expose_secret(),
        "v"
    );
}

/// Continuous Access Evaluation with the real `azure_identity::ClientSecretCredential`: after a
/// revocation the vault answers the old token with a claims challenge. azure_core 1.x cannot ask
/// a credential for a token with claims, and azure_identity would hand back its cached token, so
/// the client sends nothing more and the caller gets `Error::ClaimsChallenge` with the decoded
/// claims.
#[tokio::test]
async fn a_revoked_token_ends_in_a_claims_challenge_error_carrying_the_claims() {
    let emulator = emulator().await;
    let client = client_with(&emulator, "revoked", emulator.client_options());
    client.set_secret("s", "v", None).await.unwrap();
    let control = emulator.control();
    control.revoke_tokens();
    control.clear_requests();
    let err = tokio::time::timeout(Duration::from_secs(30), client.get_secret("s", None))
        .await
        .expect("no hang")
        .unwrap_err();
    let Error::ClaimsChallenge { claims, request_id } = &err else {
        panic!("expected a claims challenge: {err:?}");
    };
    let claims: serde_json::Value = serde_json::from_str(claims).expect("decoded JSON claims");
    assert!(claims["access_token"].is_object(), "{claims}");
    assert!(request_id.is_some());
    assert!(err.is_authentication());
    let requests = control.requests();
    assert_eq!(
        requests
            .iter()
            .map(|r| (r.has_authorization, r.status))
            .collect::<Vec<_>>(),
        vec![(true, 401)],
        "the revoked token once, not resent: {requests:?}"
    );

    // The client keeps failing the same typed way (no panic, no loop); a new credential works.
    let again = client.get_secret("s", None).await.unwrap_err();
    assert!(matches!(again, Error::ClaimsChallenge { .. }), "{again:?}");
    let renewed = client_with(&emulator, "revoked", emulator.client_options());
    assert_eq!(
        renewed
            .get_secret("s", None)
            .await
            .unwrap()
            .value
            .expose_secret(),
        "v"
    );
}

// ---------------------------------------------------------------------------------------------
// Pollers
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn a_poller_survives_faults_between_polls() {
    let emulator = emulator().await;
    let control = emulator.control();
    let client = client_with(&emulator, "polled", retrying(&emulator, quick_retries(5)));
    client.set_secret("a", "v", None).await.unwrap();
    client.set_secret("b", "v", None).await.unwrap();
    control.set_delete_latency(Duration::from_millis(400));

    // Awaited: faults between polls are retried away.
    let poller = client
        .begin_delete_secret("a", fast_polls_delete())
        .await
        .unwrap();
    control.clear_requests();
    control.inject_faults(
        Fault::Status {
            status: 503,
            retry_after: Duration::ZERO,
        },
        2,
    );
    control.inject_faults(Fault::DropConnection, 1);
    control.inject_faults(
        Fault::Status {
            status: 429,
            retry_after: Duration::ZERO,
        },
        1,
    );
    let deleted = tokio::time::timeout(Duration::from_secs(30), poller)
        .await
        .expect("bounded")
        .unwrap();
    assert_eq!(deleted.name(), "a");
    let polls = statuses(&control.requests(), "GET", "/deletedsecrets/a");
    assert_eq!(&polls[..4], &[503, 503, 0, 429], "{polls:?}");
    assert_eq!(polls.last(), Some(&200));

    // Step by step without retries: a failed poll is a typed error and the poller goes on.
    let strict = client_with(
        &emulator,
        "polled",
        retrying(&emulator, RetryOptions::none()),
    );
    let mut poller = strict
        .begin_delete_secret("b", fast_polls_delete())
        .await
        .unwrap();
    control.inject_faults(
        Fault::Status {
            status: 503,
            retry_after: Duration::ZERO,
        },
        1,
    );
    let err = poller.poll().await.unwrap_err();
    assert_eq!(err.status(), Some(503));
    control.inject_faults(Fault::DropConnection, 1);
    assert!(matches!(
        poller.poll().await.unwrap_err(),
        Error::Transport(_)
    ));
    assert_eq!(poller.status(), PollerStatus::InProgress);
    // Resuming from the continuation token after the faults also works.
    let token = poller.continuation_token();
    let resumed = strict
        .begin_delete_secret(
            "b",
            Some(BeginDeleteSecretOptions {
                continuation_token: Some(token),
                polling_interval: Some(Duration::from_millis(20)),
                ..Default::default()
            }),
        )
        .await
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    while poller.poll().await.unwrap() != PollerStatus::Succeeded {
        assert!(Instant::now() < deadline, "poller finished in time");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(poller.result().unwrap().name(), "b");
    assert_eq!(resumed.await.unwrap().name(), "b");
}

// ---------------------------------------------------------------------------------------------
// Bounded load with injected faults
// ---------------------------------------------------------------------------------------------

/// What the vault must hold for one name, given the operations that succeeded.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Model {
    Absent,
    Active { value: String, versions: usize },
    Deleted { value: String, versions: usize },
}

/// Successful mutations, to compare with the emulator's request log.
#[derive(Debug, Default, Clone, Copy)]
struct Applied {
    sets: usize,
    deletes: usize,
    recovers: usize,
    purges: usize,
    /// Recovers whose response was lost and that the client did not repeat.
    unrepeated: usize,
    faults: usize,
    ops: usize,
}

impl std::ops::AddAssign for Applied {
    fn add_assign(&mut self, o: Applied) {
        self.sets += o.sets;
        self.deletes += o.deletes;
        self.recovers += o.recovers;
        self.purges += o.purges;
        self.unrepeated += o.unrepeated;
        self.faults += o.faults;
        self.ops += o.ops;
    }
}

/// A small deterministic generator (SplitMix64).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

const NAMES_PER_WORKER: usize = 4;

/// One worker owns its names, so the order of operations on each name is known.
async fn worker(
    client: SecretClient,
    control: keyvault_emulator::Control,
    id: usize,
    ops: usize,
) -> (BTreeMap<String, Model>, Applied) {
    let mut rng = Rng(0xC0FFEE ^ ((id as u64) << 20));
    let mut models: BTreeMap<String, Model> = (0..NAMES_PER_WORKER)
        .map(|n| (format!("w{id}-n{n}"), Model::Absent))
        .collect();
    let names: Vec<String> = models.keys().cloned().collect();
    let mut applied = Applied::default();
    for op in 0..ops {
        // About 5% of operations are preceded by a fault that hits the next vault request,
        // whoever sends it.
        if rng.below(100) < 5 {
            let fault = match rng.below(3) {
                0 => Fault::Status {
                    status: 429,
                    retry_after: Duration::ZERO,
                },
                1 => Fault::Status {
                    status: 503,
                    retry_after: Duration::ZERO,
                },
                _ => Fault::DropConnection,
            };
            control.inject_faults(fault, 1);
            applied.faults += 1;
        }
        let name = &names[rng.below(names.len() as u64) as usize];
        let model = models.get_mut(name).unwrap();
        let choice = rng.below(100);
        applied.ops += 1;
        match model.clone() {
            Model::Absent => {
                if choice < 75 {
                    let value = format!("v{id}-{op}");
                    let set = client.set_secret(name, &value, None).await.unwrap();
                    assert_eq!(set.value.expose_secret(), value);
                    *model = Model::Active { value, versions: 1 };
                    applied.sets += 1;
                } else {
                    let err = client.get_secret(name, None).await.unwrap_err();
                    assert!(err.is_not_found(), "{name}: {err}");
                }
            }
            Model::Active { value, versions } => match choice {
                0..=29 => {
                    let new = format!("v{id}-{op}");
                    client.set_secret(name, &new, None).await.unwrap();
                    *model = Model::Active {
                        value: new,
                        versions: versions + 1,
                    };
                    applied.sets += 1;
                }
                30..=59 => {
                    let got = client.get_secret(name, None).await.unwrap();
                    assert_eq!(got.value.expose_secret(), value, "{name}");
                }
                60..=74 => {
                    let listed = client
                        .list_properties_of_secret_versions(name, None)
                        .unwrap()
                        .try_collect::<Vec<_>>()
                        .await
                        .unwrap();
                    assert_eq!(listed.len(), versions, "{name}");
                }
                75..=77 => {
                    // A vault-wide list: other workers change it concurrently, so only its
                    // success and this worker's active names are checked.
                    let listed: BTreeSet<String> = client
                        .list_properties_of_secrets(None)
                        .unwrap()
                        .map_ok(|p| p.name.to_string())
                        .try_collect()
                        .await
                        .unwrap();
                    assert!(listed.contains(name), "{name}");
                }
                _ => {
                    let deleted = client
                        .begin_delete_secret(name, fast_polls_delete())
                        .await
                        .unwrap()
                        .await
                        .unwrap();
                    assert_eq!(deleted.name(), name);
                    *model = Model::Deleted { value, versions };
                    applied.deletes += 1;
                }
            },
            Model::Deleted { value, versions } => match choice {
                0..=39 => {
                    // A recover (a POST) whose response is lost is not repeated: as a caller
                    // should, read the state back and recover again if it did not happen.
                    loop {
                        match client
                            .begin_recover_deleted_secret(name, fast_polls_recover())
                            .await
                        {
                            Ok(poller) => {
                                poller.await.unwrap();
                                applied.recovers += 1;
                                break;
                            }
                            Err(Error::NotRepeated { .. }) => {
                                applied.unrepeated += 1;
                                if client.get_deleted_secret(name, None).await.is_err() {
                                    panic!("{name}: a dropped recover was applied");
                                }
                            }
                            Err(e) => panic!("{name}: {e}"),
                        }
                    }
                    *model = Model::Active { value, versions };
                }
                40..=79 => {
                    client.purge_deleted_secret(name, None).await.unwrap();
                    *model = Model::Absent;
                    applied.purges += 1;
                }
                80..=89 => {
                    let err = client.set_secret(name, "x", None).await.unwrap_err();
                    assert!(err.is_conflict(), "{name}: {err}");
                    assert_eq!(err.inner_code(), Some("ObjectIsDeletedButRecoverable"));
                }
                _ => {
                    let deleted = client.get_deleted_secret(name, None).await.unwrap();
                    assert_eq!(deleted.name(), name);
                }
            },
        }
    }
    (models, applied)
}

fn load_ops() -> usize {
    std::env::var("KV_LOAD_OPS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn load_mixed_operations_with_faults_end_in_the_expected_state() {
    const CONCURRENCY: usize = 64;
    let total = load_ops();
    let emulator = emulator().await;
    let control = emulator.control();
    let client = client_with(&emulator, "load", retrying(&emulator, quick_retries(10)));
    client.set_secret("warm", "up", None).await.unwrap();
    control.clear_requests();

    let started = Instant::now();
    let tasks: Vec<_> = (0..CONCURRENCY)
        .map(|id| {
            let ops = total / CONCURRENCY + usize::from(id < total % CONCURRENCY);
            tokio::spawn(worker(client.clone(), control.clone(), id, ops))
        })
        .collect();
    let results = tokio::time::timeout(Duration::from_secs(110), futures::future::join_all(tasks))
        .await
        .expect("the load test is bounded in time");
    let elapsed = started.elapsed();
    control.clear_faults();

    let mut expected: BTreeMap<String, Model> = BTreeMap::new();
    let mut applied = Applied::default();
    for result in results {
        let (models, a) = result.expect("worker did not panic");
        expected.extend(models);
        applied += a;
    }
    assert_eq!(applied.ops, total);
    eprintln!(
        "load: {total} operations at concurrency {CONCURRENCY} in {elapsed:?}, {} faults injected, {applied:?}",
        applied.faults
    );

    // Each successful mutation reached the vault exactly once.
    let requests = control.requests();
    let count = |method: &str, prefix: &str, suffix: &str, status: u16| {
        requests
            .iter()
            .filter(|r| {
                r.method == method
                    && r.status == status
                    && r.path.len() >= prefix.len() + suffix.len()
                    && r.path.starts_with(prefix)
                    && r.path.ends_with(suffix)
                    && r.path[prefix.len()..r.path.len() - suffix.len()].starts_with('w')
                    && !r.path[prefix.len()..r.path.len() - suffix.len()].contains('/')
            })
            .count()
    };
    assert_eq!(count("PUT", "/secrets/", "", 200), applied.sets, "sets");
    assert_eq!(count("DELETE", "/secrets/", "", 200), applied.deletes);
    assert_eq!(
        count("POST", "/deletedsecrets/", "/recover", 200),
        applied.recovers
    );
    assert_eq!(count("DELETE", "/deletedsecrets/", "", 204), applied.purges);
    let faulted = requests
        .iter()
        .filter(|r| matches!(r.status, 0 | 429 | 503))
        .count();
    assert_eq!(faulted, applied.faults, "every injected fault was met");

    // The vault holds exactly the expected state.
    let active: BTreeSet<String> = client
        .list_properties_of_secrets(None)
        .unwrap()
        .map_ok(|p| p.name.to_string())
        .try_collect()
        .await
        .unwrap();
    let deleted: BTreeSet<String> = client
        .list_deleted_secrets(None)
        .unwrap()
        .map_ok(|d| d.name().to_string())
        .try_collect()
        .await
        .unwrap();
    let expect_active: BTreeSet<String> = expected
        .iter()
        .filter(|(_, m)| matches!(m, Model::Active { .. }))
        .map(|(n, _)| n.clone())
        .chain(["warm".to_string()])
        .collect();
    let expect_deleted: BTreeSet<String> = expected
        .iter()
        .filter(|(_, m)| matches!(m, Model::Deleted { .. }))
        .map(|(n, _)| n.clone())
        .collect();
    assert_eq!(active, expect_active);
    assert_eq!(deleted, expect_deleted);
    for (name, model) in &expected {
        match model {
            Model::Active { value, versions } => {
                let got = client.get_secret(name, None).await.unwrap();
                assert_eq!(got.value.expose_secret(), value, "{name}");
                assert_eq!(version_count(&client, name).await, *versions, "{name}");
            }
            Model::Deleted { .. } => {
                let got = client.get_deleted_secret(name, None).await.unwrap();
                assert_eq!(got.name(), name);
            }
            Model::Absent => {
                assert!(client
                    .get_secret(name, None)
                    .await
                    .unwrap_err()
                    .is_not_found());
                assert!(client
                    .get_deleted_secret(name, None)
                    .await
                    .unwrap_err()
                    .is_not_found());
            }
        }
    }
}
