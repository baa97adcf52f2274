//! Section 5: `SecretCache`: a cached get against an uncached `get_secret` (p50 and
//! throughput), the vault requests of 10,000 gets over 10 names spread over time with a time to
//! live of 1 s and of 60 s, and the errors callers see through an injected outage shorter than
//! the staleness bound.

use keyvault_core::ExposeSecret;
use keyvault_emulator::Fault;
use keyvault_secrets::SecretCache;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::env::Env;
use crate::measure::{run, us, Sample};
use crate::report::{table, Check, Section};
use crate::{clients, Config};

const VAULT: &str = "bench-cache";
const VALUE: &str = "0123456789abcdef0123456789abcdef";
const NAMES: usize = 10;
const SPREAD_GETS: usize = 10_000;

fn name(i: usize) -> String {
    format!("cached-{i}")
}

fn check(value: &str) -> Result<(), String> {
    if value == VALUE {
        Ok(())
    } else {
        Err("wrong value".into())
    }
}

/// Runs the section.
pub async fn section(env: &Arc<Env>, config: &Config) -> Result<Section, String> {
    for i in 0..NAMES {
        env.put_secret(VAULT, &name(i), VALUE).await?;
    }
    let client = clients::ours(env, VAULT)?;
    let mut markdown = String::from("## 5. Secret cache (`SecretCache`)\n\n");
    let mut checks = Vec::new();

    // 1. Cached against uncached, at concurrency 1 (latency) and 32 (throughput).
    // Uncached: as many calls as section 1 makes at each concurrency, so that the ratio's
    // denominator is as steady as that section's figures.
    let cached_ops = if config.quick { 200_000 } else { 2_000_000 };
    let cache = SecretCache::builder(client.clone())
        .ttl(Duration::from_secs(600))
        .build();
    cache.get(&name(0)).await.map_err(|e| e.to_string())?;
    let mut rows = Vec::new();
    let mut samples: Vec<(Sample, Sample)> = Vec::new();
    for concurrency in [1, 32] {
        let uncached = {
            let client = client.clone();
            let calls = if concurrency == 1 {
                config.get_ops_serial
            } else {
                config.get_ops_concurrent
            };
            run(calls.max(concurrency), concurrency, move || {
                let client = client.clone();
                async move {
                    check(
                        clients::ours_value(&client, &name(0))
                            .await?
                            .expose_secret(),
                    )
                }
            })
            .await?
        };
        let cached = {
            let cache = cache.clone();
            let key = Arc::new(name(0));
            run(cached_ops, concurrency, move || {
                let (cache, key) = (cache.clone(), key.clone());
                async move {
                    let value = cache.get(&key).await.map_err(|e| e.to_string())?;
                    check(value.expose_secret())
                }
            })
            .await?
        };
        for (who, s) in [
            ("get_secret (uncached)", &uncached),
            ("SecretCache::get", &cached),
        ] {
            rows.push(vec![
                who.to_string(),
                concurrency.to_string(),
                s.count.to_string(),
                format!("{:.0}", s.throughput),
                us(s.p50),
                us(s.p99),
                s.failures.0.to_string(),
            ]);
        }
        samples.push((uncached, cached));
    }
    // The harness above times every call (two clock reads, a vector push, a task per
    // caller), which costs more than a cached get: the cache's own throughput is measured in a
    // tight loop of 32 tasks, untimed per call.
    let tight = {
        let started = Instant::now();
        let tasks: Vec<_> = (0..32)
            .map(|_| {
                let cache = cache.clone();
                let key = name(0);
                tokio::spawn(async move {
                    let mut bytes = 0;
                    for _ in 0..cached_ops / 32 {
                        bytes += cache.get(&key).await.map_or(0, |v| v.expose_secret().len());
                    }
                    bytes
                })
            })
            .collect();
        let mut bytes = 0;
        for task in tasks {
            bytes += task.await.map_err(|e| e.to_string())?;
        }
        if bytes != cached_ops / 32 * 32 * VALUE.len() {
            return Err("cached gets failed in the tight loop".into());
        }
        (cached_ops / 32 * 32) as f64 / started.elapsed().as_secs_f64()
    };
    rows.push(vec![
        "SecretCache::get, tight loop (untimed per call)".to_string(),
        "32".to_string(),
        (cached_ops / 32 * 32).to_string(),
        format!("{tight:.0}"),
        "—".to_string(),
        "—".to_string(),
        "0".to_string(),
    ]);
    markdown.push_str(&table(
        &[
            "operation",
            "concurrency",
            "calls",
            "calls/s",
            "p50 µs",
            "p99 µs",
            "failures",
        ],
        &rows,
    ));
    let p50 = samples[0].1.p50;
    checks.push(Check {
        what: "cache: cached get p50 (concurrency 1)".into(),
        measured: format!("{} µs", us(p50)),
        target: "<= 1.0 µs".into(),
        met: p50 <= Duration::from_micros(1),
    });
    let ratio = tight / samples[1].0.throughput;
    checks.push(Check::at_least(
        "cache: cached (tight loop) / uncached get throughput (concurrency 32)",
        ratio,
        1_000.0,
    ));
    markdown.push_str(&format!(
        "\nCached over uncached throughput at concurrency 32: {ratio:.0}x in the tight loop, \
         {:.0}x through the timing harness (at concurrency 1: {:.0}x).\n\n",
        samples[1].1.throughput / samples[1].0.throughput,
        samples[0].1.throughput / samples[0].0.throughput
    ));

    // 2. Requests made by 10,000 gets over 10 names, spread over `spread`.
    let spread = if config.quick {
        Duration::from_secs(2)
    } else {
        Duration::from_secs(5)
    };
    let mut rows = Vec::new();
    for ttl in [Duration::from_secs(1), Duration::from_secs(60)] {
        let cache = SecretCache::builder(client.clone()).ttl(ttl).build();
        let batches = 100;
        let pause = spread / batches as u32;
        let started = Instant::now();
        let mut errors = 0;
        for batch in 0..batches {
            for i in 0..SPREAD_GETS / batches {
                if cache.get(&name((batch + i) % NAMES)).await.is_err() {
                    errors += 1;
                }
            }
            tokio::time::sleep(pause).await;
        }
        let stats = cache.stats();
        rows.push(vec![
            format!("{} s", ttl.as_secs()),
            format!("{:.1} s", started.elapsed().as_secs_f64()),
            SPREAD_GETS.to_string(),
            stats.requests.to_string(),
            stats.refreshes.to_string(),
            errors.to_string(),
        ]);
    }
    markdown.push_str(&format!(
        "Vault requests made by {SPREAD_GETS} gets over {NAMES} names, in 100 batches spread over \
         {} s (uncached: {SPREAD_GETS} requests); refresh ahead is the default (1 min, at most \
         half the time to live):\n\n",
        spread.as_secs()
    ));
    markdown.push_str(&table(
        &[
            "ttl",
            "elapsed",
            "gets",
            "vault requests",
            "refreshes",
            "errors",
        ],
        &rows,
    ));

    // 3. An outage shorter than the staleness bound: 503s, then dropped connections, then 429s.
    let (outage, staleness) = if config.quick {
        (Duration::from_secs(3), Duration::from_secs(10))
    } else {
        (Duration::from_secs(30), Duration::from_secs(60))
    };
    let cache = SecretCache::builder(client.clone())
        .ttl(Duration::from_secs(1))
        .refresh_ahead(Duration::from_millis(500))
        .max_staleness(staleness)
        .refresh_retry_interval(Duration::from_millis(500))
        .build();
    for i in 0..NAMES {
        cache.get(&name(i)).await.map_err(|e| e.to_string())?;
    }
    let control = env.emulator.control();
    control.clear_requests();
    let gets = Arc::new(AtomicU64::new(0));
    let errors = Arc::new(AtomicU64::new(0));
    let slowest = Arc::new(AtomicU64::new(0));
    let stop = Instant::now() + outage;
    let callers: Vec<_> = (0..8)
        .map(|t| {
            let (cache, gets, errors, slowest) =
                (cache.clone(), gets.clone(), errors.clone(), slowest.clone());
            tokio::spawn(async move {
                let mut i = t;
                while Instant::now() < stop {
                    let start = Instant::now();
                    match cache.get(&name(i % NAMES)).await {
                        Ok(v) if v.expose_secret() == VALUE => {}
                        _ => {
                            errors.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                    let micros = u64::try_from(start.elapsed().as_micros()).unwrap_or(u64::MAX);
                    slowest.fetch_max(micros, Ordering::Relaxed);
                    gets.fetch_add(1, Ordering::Relaxed);
                    i += 1;
                    tokio::time::sleep(Duration::from_millis(1)).await;
                }
            })
        })
        .collect();
    let phases = [
        Fault::Status {
            status: 503,
            retry_after: Duration::from_secs(1),
        },
        Fault::DropConnection,
        Fault::Status {
            status: 429,
            retry_after: Duration::from_secs(1),
        },
    ];
    for fault in phases {
        control.clear_faults();
        control.inject_faults(fault, 1_000_000);
        tokio::time::sleep(outage / 3).await;
    }
    for caller in callers {
        caller.await.map_err(|e| e.to_string())?;
    }
    control.clear_faults();
    let faulted = control
        .requests()
        .iter()
        .filter(|r| r.status != 200 && r.path.starts_with("/secrets/"))
        .count();
    let stats = cache.stats();
    let (gets, errors) = (gets.load(Ordering::Relaxed), errors.load(Ordering::Relaxed));
    markdown.push_str(&format!(
        "\nAn outage of {} s (503s, then dropped connections, then 429s, a third each) with a \
         staleness bound of {} s, a time to live of 1 s, 8 callers over {NAMES} names:\n\n",
        outage.as_secs(),
        staleness.as_secs()
    ));
    markdown.push_str(&table(
        &[
            "gets",
            "caller errors",
            "stale serves",
            "vault requests failed by the outage",
            "slowest get µs",
        ],
        &[vec![
            gets.to_string(),
            errors.to_string(),
            stats.stale_serves.to_string(),
            faulted.to_string(),
            slowest.load(Ordering::Relaxed).to_string(),
        ]],
    ));
    checks.push(Check {
        what: format!(
            "cache: caller errors through a {} s outage",
            outage.as_secs()
        ),
        measured: errors.to_string(),
        target: "0".into(),
        met: errors == 0 && gets > 0,
    });
    Ok(Section { markdown, checks })
}
