//! `SecretCache` against the emulator over HTTPS with a real `azure_identity` credential:
//! single flight proven by the emulator's request log, expiry and refresh ahead driven by a
//! manual clock, stale values served through 429/503 storms and dropped connections up to the
//! staleness bound and not past it, disabled and deleted secrets evicted, capacity bounded.

use azure_core::http::{ClientOptions, RetryOptions};
use keyvault_emulator::{Emulator, Fault};
use keyvault_secrets::{
    BeginDeleteSecretOptions, CacheClock, ExposeSecret, SecretCache, SecretClient,
    UpdateSecretPropertiesOptions,
};
use keyvault_testkit::emulator::emulator;
use std::time::Duration;

const VALUE: &str = "St4le-But-G00d-5e1f";

/// A client that does not retry, so that each cache request is one vault request.
fn client(emulator: &Emulator, vault: &str) -> SecretClient {
    let client_options = ClientOptions {
        retry: RetryOptions::none(),
        ..emulator.client_options()
    };
    super::fault_tolerance::client_with(emulator, vault, client_options)
}

/// A cache over `client` on a manual clock: values live 60 s, refreshed ahead in their last 10 s.
fn minute_cache(client: &SecretClient) -> (SecretCache, CacheClock) {
    let clock = CacheClock::manual();
    let cache = SecretCache::builder(client.clone())
        .ttl(Duration::from_secs(60))
        .refresh_ahead(Duration::from_secs(10))
        .clock(clock.clone())
        .build();
    (cache, clock)
}

/// The GETs of the secret `name` the vault received.
fn gets(emulator: &Emulator, name: &str) -> usize {
    let prefix = format!("/secrets/{name}");
    emulator
        .control()
        .requests()
        .iter()
        .filter(|r| {
            r.method == "GET" && (r.path == prefix || r.path.starts_with(&format!("{prefix}/")))
        })
        .count()
}

/// Waits (real time, at most 10 s) until the cache has completed `n` requests.
async fn until_requests(cache: &SecretCache, n: u64) {
    for _ in 0..1000 {
        if cache.stats().requests >= n {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!(
        "the cache made {} requests, not {n}",
        cache.stats().requests
    );
}

#[tokio::test]
async fn a_hundred_concurrent_misses_on_a_cold_name_make_one_request() {
    let emulator = emulator().await;
    let client = client(&emulator, "single-flight");
    client.set_secret("cold", "value", None).await.unwrap();
    emulator.control().clear_requests();
    let cache = SecretCache::new(client);

    let values = futures::future::join_all((0..100).map(|_| {
        let cache = cache.clone();
        tokio::spawn(async move { cache.get("cold").await })
    }))
    .await;
    for value in values {
        assert_eq!(value.unwrap().unwrap().expose_secret(), "value");
    }
    assert_eq!(
        gets(&emulator, "cold"),
        1,
        "one GET for 100 concurrent misses"
    );
    let stats = cache.stats();
    assert_eq!(stats.requests, 1);
    assert_eq!(stats.misses + stats.hits, 100);

    // A missing name: one request too, and every caller gets the 404.
    let errors = futures::future::join_all((0..20).map(|_| cache.get("absent"))).await;
    assert!(errors
        .iter()
        .all(|e| e.as_ref().unwrap_err().is_not_found()));
    assert_eq!(gets(&emulator, "absent"), 1);
}

#[tokio::test]
async fn values_expire_and_are_refreshed_ahead_without_making_callers_wait() {
    let emulator = emulator().await;
    let client = client(&emulator, "ttl");
    client.set_secret("hot", "v1", None).await.unwrap();
    let pinned = client.set_secret("pinned", "old", None).await.unwrap();
    client.set_secret("pinned", "new", None).await.unwrap();
    let (cache, clock) = minute_cache(&client);

    assert_eq!(cache.get("hot").await.unwrap().expose_secret(), "v1");
    client.set_secret("hot", "v2", None).await.unwrap();
    clock.advance(Duration::from_secs(45));
    assert_eq!(
        cache.get("hot").await.unwrap().expose_secret(),
        "v1",
        "fresh for 50 s"
    );
    assert_eq!(cache.stats().requests, 1);

    // In the refresh-ahead window: the old value at once, the new one fetched behind.
    clock.advance(Duration::from_secs(10));
    assert_eq!(cache.get("hot").await.unwrap().expose_secret(), "v1");
    until_requests(&cache, 2).await;
    assert_eq!(cache.get("hot").await.unwrap().expose_secret(), "v2");
    assert_eq!(cache.stats().requests, 2);
    assert_eq!(cache.stats().refreshes, 1);

    // Expired, with nobody asking during the window: the caller waits for the vault.
    client.set_secret("hot", "v3", None).await.unwrap();
    clock.advance(Duration::from_secs(61));
    assert_eq!(cache.get("hot").await.unwrap().expose_secret(), "v3");
    assert_eq!(cache.stats().requests, 3);

    // A pinned version is never read again; invalidate forgets the latest.
    let version = pinned.properties.version.unwrap();
    assert_eq!(
        cache
            .get_version("pinned", &version)
            .await
            .unwrap()
            .expose_secret(),
        "old"
    );
    clock.advance(Duration::from_secs(86_400));
    assert_eq!(
        cache
            .get_version("pinned", &version)
            .await
            .unwrap()
            .expose_secret(),
        "old"
    );
    assert_eq!(cache.stats().requests, 4);
    cache.invalidate("hot");
    assert_eq!(cache.get("hot").await.unwrap().expose_secret(), "v3");
    assert_eq!(cache.stats().requests, 5);
    assert_eq!(cache.refresh("hot").await.unwrap().expose_secret(), "v3");
    assert_eq!(cache.stats().requests, 6);
}

#[tokio::test]
async fn storms_and_dropped_connections_are_served_stale_within_the_bound_only() {
    // The test runtime has one thread: a subscriber set on it sees the refresh tasks too.
    let (captured, _log) = keyvault_testkit::logs::TraceLog::install_for_thread();
    let emulator = emulator().await;
    let control = emulator.control();
    let client = client(&emulator, "storm");
    client.set_secret("db", VALUE, None).await.unwrap();
    let clock = CacheClock::manual();
    let cache = SecretCache::builder(client)
        .ttl(Duration::from_secs(10))
        .refresh_ahead(Duration::from_secs(2))
        .max_staleness(Duration::from_secs(60))
        .refresh_retry_interval(Duration::from_secs(1))
        .clock(clock.clone())
        .build();
    assert_eq!(cache.get("db").await.unwrap().expose_secret(), VALUE);

    // An outage of 429s, then 503s, then dropped connections, for 60 s of the cache's time:
    // every get answers, with the last good value.
    let faults = [
        Fault::Status {
            status: 429,
            retry_after: Duration::from_secs(1),
        },
        Fault::Status {
            status: 503,
            retry_after: Duration::from_secs(1),
        },
        Fault::DropConnection,
    ];
    clock.advance(Duration::from_secs(9));
    for fault in faults {
        control.clear_faults();
        control.inject_faults(fault, 10_000);
        for _ in 0..20 {
            clock.advance(Duration::from_secs(1));
            for _ in 0..5 {
                assert_eq!(cache.get("db").await.unwrap().expose_secret(), VALUE);
            }
            // Let a background refresh fail before the clock moves on.
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }
    let stats = cache.stats();
    assert!(stats.stale_serves >= 250, "{stats:?}");
    assert!(stats.errors >= 3, "{stats:?}");
    // Background refreshes retried once a second of the cache's time at most, not per get.
    assert!(stats.requests <= 70, "{stats:?}");

    // Past the bound, the caller gets the error and the value is gone.
    clock.advance(Duration::from_secs(5));
    let error = cache.get("db").await.unwrap_err();
    assert!(error.status().is_none(), "a transport error: {error}");
    assert!(cache.is_empty());

    // Visible in the log, by name and without the value.
    let log = captured.text();
    assert!(log.contains("serving a stale secret value"), "{log}");
    assert!(
        log.contains("secret=\"db\"") || log.contains("secret=db"),
        "{log}"
    );
    assert!(!log.contains(VALUE));
    assert!(!format!("{cache:?}").contains(VALUE));

    // The vault is back.
    control.clear_faults();
    assert_eq!(cache.get("db").await.unwrap().expose_secret(), VALUE);
}

#[tokio::test]
async fn an_expired_value_whose_refresh_is_slow_is_served_without_waiting() {
    let emulator = emulator().await;
    let client = client(&emulator, "slow");
    client.set_secret("slow", "old", None).await.unwrap();
    let (cache, clock) = minute_cache(&client);
    cache.get("slow").await.unwrap();
    client.set_secret("slow", "new", None).await.unwrap();

    // The refresh started ahead of expiry takes 2 s; the value expires meanwhile.
    emulator
        .control()
        .inject_faults(Fault::Delay(Duration::from_secs(2)), 1);
    clock.advance(Duration::from_secs(55));
    assert_eq!(cache.get("slow").await.unwrap().expose_secret(), "old");
    clock.advance(Duration::from_secs(10));
    let started = std::time::Instant::now();
    assert_eq!(cache.get("slow").await.unwrap().expose_secret(), "old");
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(cache.stats().stale_serves, 1);
    until_requests(&cache, 2).await;
    assert_eq!(cache.get("slow").await.unwrap().expose_secret(), "new");
}

#[tokio::test]
async fn disabled_and_deleted_secrets_are_evicted_on_their_next_refresh() {
    let emulator = emulator().await;
    let client = client(&emulator, "evict");
    client.set_secret("disabled", "a", None).await.unwrap();
    client.set_secret("deleted", "b", None).await.unwrap();
    let (cache, clock) = minute_cache(&client);
    cache.get("disabled").await.unwrap();
    cache.get("deleted").await.unwrap();

    client
        .update_secret_properties(
            "disabled",
            Some(UpdateSecretPropertiesOptions {
                enabled: Some(false),
                ..Default::default()
            }),
        )
        .await
        .unwrap();
    client
        .begin_delete_secret(
            "deleted",
            Some(BeginDeleteSecretOptions {
                polling_interval: Some(Duration::from_millis(20)),
                ..Default::default()
            }),
        )
        .await
        .unwrap()
        .await
        .unwrap();

    // Refreshed ahead in the background: the old value this time, then the 404 drops it and
    // the next caller gets the 404.
    clock.advance(Duration::from_secs(55));
    assert_eq!(cache.get("deleted").await.unwrap().expose_secret(), "b");
    until_requests(&cache, 3).await;
    assert_eq!(cache.len(), 1, "{cache:?}");
    assert!(cache.get("deleted").await.unwrap_err().is_not_found());

    // Expired: the refresh says disabled (403 SecretDisabled), the caller gets it.
    clock.advance(Duration::from_secs(6));
    let error = cache.get("disabled").await.unwrap_err();
    assert_eq!(error.status(), Some(403));
    assert_eq!(error.inner_code(), Some("SecretDisabled"));
    assert!(cache.is_empty(), "{cache:?}");
    assert_eq!(cache.stats().evictions, 2);
}

#[tokio::test]
async fn the_capacity_bounds_the_values_held_and_debug_shows_none() {
    let emulator = emulator().await;
    let client = client(&emulator, "capacity");
    for i in 0..30 {
        client
            .set_secret(&format!("s{i}"), "the-secret-value", None)
            .await
            .unwrap();
    }
    let cache = SecretCache::builder(client).max_capacity(10).build();
    for i in 0..30 {
        assert_eq!(
            cache.get(&format!("s{i}")).await.unwrap().expose_secret(),
            "the-secret-value"
        );
    }
    assert!(cache.len() <= 10, "{} values held", cache.len());
    let debug = format!("{cache:?}");
    assert!(debug.contains("max_capacity: 10"), "{debug}");
    assert!(!debug.contains("the-secret-value"), "{debug}");
    cache.invalidate_all();
    assert!(cache.is_empty());
}
