//! Section 1: `get_secret` throughput and latency at concurrency 1 and 32.

use keyvault_core::ExposeSecret;
use std::sync::Arc;

use crate::env::{Env, RawSecret};
use crate::measure::{merge, ms, run, us, Sample};
use crate::python::Python;
use crate::report::{table, Check, Section};
use crate::{clients, Config};

const VAULT: &str = "bench-get";
const NAME: &str = "bench-secret";
const VALUE: &str = "0123456789abcdef0123456789abcdef";

/// The concurrencies measured.
pub const CONCURRENCIES: [usize; 2] = [1, 32];

/// Runs the section.
pub async fn section(
    env: &Arc<Env>,
    config: &Config,
    python: Option<&Python>,
) -> Result<Section, String> {
    env.put_secret(VAULT, NAME, VALUE).await?;
    let ours = clients::ours(env, VAULT)?;
    let official = clients::official(env, VAULT)?;
    let url = env.secret_url(VAULT, NAME);

    type Op =
        Box<dyn Fn() -> futures::future::BoxFuture<'static, Result<(), String>> + Send + Sync>;
    let ours_op: Op = Box::new(move || {
        let client = ours.clone();
        Box::pin(async move { check(clients::ours_value(&client, NAME).await?.expose_secret()) })
    });
    let official = Arc::new(official);
    let official_op: Op = Box::new(move || {
        let client = official.clone();
        Box::pin(async move { check(&clients::official_value(&client, NAME).await?) })
    });
    let raw_env = env.clone();
    let raw_op: Op = Box::new(move || {
        let env = raw_env.clone();
        let url = url.clone();
        Box::pin(async move {
            let response = env
                .http
                .get(&url)
                .header("authorization", &env.bearer)
                .send()
                .await
                .map_err(|e| e.to_string())?;
            if !response.status().is_success() {
                return Err(format!("raw GET: {}", response.status()));
            }
            let body = response.bytes().await.map_err(|e| e.to_string())?;
            let secret: RawSecret = serde_json::from_slice(&body).map_err(|e| e.to_string())?;
            debug_assert!(!secret.id.is_empty());
            check(&secret.value)
        })
    });
    let contenders: Vec<(&str, Arc<Op>)> = vec![
        ("keyvault-secrets (ours)", Arc::new(ours_op)),
        (
            "azure_security_keyvault_secrets 1.x (official)",
            Arc::new(official_op),
        ),
        ("raw reqwest, token fetched once (floor)", Arc::new(raw_op)),
    ];

    // Warm every contender: challenge, token and connection with one call, then the pool.
    for (name, op) in &contenders {
        op().await.map_err(|e| format!("{name}, first call: {e}"))?;
        let op = op.clone();
        run(64, 32, move || op())
            .await
            .map_err(|e| format!("{name}, warm-up: {e}"))?;
    }

    let mut results: Vec<Vec<Sample>> = vec![Vec::new(); contenders.len() * CONCURRENCIES.len()];
    for (c, &concurrency) in CONCURRENCIES.iter().enumerate() {
        let total = if concurrency == 1 {
            config.get_ops_serial
        } else {
            config.get_ops_concurrent
        };
        let mut rounds = Vec::new();
        for round in 0..config.rounds {
            // Rotate the order so that no contender always runs first (or last).
            for i in 0..contenders.len() {
                let k = (i + round) % contenders.len();
                let op = contenders[k].1.clone();
                let sample = run(total, concurrency, move || op()).await?;
                rounds.push((k, sample));
            }
        }
        for (k, sample) in rounds {
            results[c * contenders.len() + k].push(sample);
        }
    }
    env.emulator.control().clear_requests();

    let mut merged: Vec<(String, Vec<Sample>)> = contenders
        .iter()
        .enumerate()
        .map(|(k, (name, _))| {
            (
                name.to_string(),
                (0..CONCURRENCIES.len())
                    .map(|c| merge(&results[c * contenders.len() + k]))
                    .collect(),
            )
        })
        .collect();

    let mut notes = Vec::new();
    for (name, samples) in &merged {
        for sample in samples {
            if let (n @ 1.., Some(first)) = &sample.failures {
                notes.push(format!(
                    "{name}: {n} call(s) failed and were left out; the first: {first}"
                ));
            }
        }
    }
    match python {
        Some(python) => {
            let ca = python.ca_file.clone();
            match python
                .get_secret(env, &ca, VAULT, NAME, VALUE, config)
                .await
            {
                Ok(samples) => merged.push((
                    format!(
                        "Python azure-keyvault-secrets {} (threads)",
                        python.sdk_version
                    ),
                    samples,
                )),
                Err(e) => notes.push(format!("Python SDK skipped: {e}")),
            }
        }
        None => notes.push("Python SDK skipped: no Python environment (see below)".to_string()),
    }

    let ours_samples = merged[0].1.clone();
    let mut rows = Vec::new();
    for (name, samples) in &merged {
        let mut row = vec![name.clone()];
        for (c, sample) in samples.iter().enumerate() {
            row.push(format!("{:.0}", sample.throughput));
            row.push(ms(sample.p50));
            row.push(ms(sample.p99));
            row.push(format!(
                "{:.2}x",
                ours_samples[c].throughput / sample.throughput
            ));
        }
        rows.push(row);
    }
    let mut markdown = format!(
        "## 1. get_secret\n\n\
         One secret of {} bytes, fetched {} times at concurrency 1 and {} times at concurrency 32, \
         {} round(s) per contender in rotating order (figures: median over rounds). Every Rust \
         contender uses the emulator's `reqwest::Client` (HTTP/2 over TLS) and API version \
         2025-07-01. `ours ÷ it` is our throughput divided by the row's (above 1: ours is faster).\n\n",
        VALUE.len(),
        config.get_ops_serial,
        config.get_ops_concurrent,
        config.rounds
    );
    markdown.push_str(&table(
        &[
            "contender",
            "c=1 req/s",
            "c=1 p50 ms",
            "c=1 p99 ms",
            "ours ÷ it (c=1)",
            "c=32 req/s",
            "c=32 p50 ms",
            "c=32 p99 ms",
            "ours ÷ it (c=32)",
        ],
        &rows,
    ));
    let mut cpu_rows = Vec::new();
    for (name, samples) in &merged {
        if samples
            .iter()
            .all(|s| s.client_cpu.is_zero() && s.server_cpu.is_zero())
        {
            continue;
        }
        let mut row = vec![name.clone()];
        for (c, sample) in samples.iter().enumerate() {
            row.push(us(sample.client_cpu));
            row.push(us(sample.server_cpu));
            row.push(format!(
                "{:.2}",
                sample.client_cpu.as_secs_f64() / ours_samples[c].client_cpu.as_secs_f64()
            ));
        }
        cpu_rows.push(row);
    }
    markdown.push_str(
        "\nCPU per call, from `/proc/self/task/*/stat` (10 ms ticks, so rough on short runs): the \
         client's threads and the emulator's. `it ÷ ours` above 1: the row's client burns more \
         CPU per call than ours.\n\n",
    );
    markdown.push_str(&table(
        &[
            "contender",
            "c=1 client µs/call",
            "c=1 emulator µs/call",
            "c=1 client CPU, it ÷ ours",
            "c=32 client µs/call",
            "c=32 emulator µs/call",
            "c=32 client CPU, it ÷ ours",
        ],
        &cpu_rows,
    ));
    for note in notes {
        markdown.push_str(&format!("\n{note}\n"));
    }

    let ratio = |k: usize, c: usize| ours_samples[c].throughput / merged[k].1[c].throughput;
    let checks = vec![
        Check::at_least(
            "get_secret c=32 throughput, ours ÷ raw reqwest",
            ratio(2, 1),
            0.90,
        ),
        Check::at_least(
            "get_secret c=32 throughput, ours ÷ official",
            ratio(1, 1),
            1.3,
        ),
    ];
    Ok(Section { markdown, checks })
}

fn check(value: &str) -> Result<(), String> {
    if value == VALUE {
        Ok(())
    } else {
        Err(format!("unexpected secret value of {} bytes", value.len()))
    }
}
