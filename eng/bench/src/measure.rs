//! Running an operation many times at a given concurrency, and summarising the timings.

use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// What one run of an operation at one concurrency measured.
#[derive(Debug, Clone)]
pub struct Sample {
    /// Completed operations per second over the whole run.
    pub throughput: f64,
    /// Median latency.
    pub p50: Duration,
    /// 99th percentile latency.
    pub p99: Duration,
    /// How many operations ran.
    pub count: usize,
    /// CPU time per operation of the client's threads (everything but the emulator's).
    pub client_cpu: Duration,
    /// CPU time per operation of the emulator's threads.
    pub server_cpu: Duration,
    /// Operations that failed (not counted in the figures), and the first failure's message.
    pub failures: (usize, Option<String>),
}

/// CPU time used so far by this process's threads: (client, emulator). The emulator's threads
/// are those named `emulator`; every other thread counts as the client's. Read from
/// `/proc/self/task/*/stat` (clock ticks, 10 ms); zero where that is unavailable.
pub fn cpu_split() -> (Duration, Duration) {
    const TICK: f64 = 0.01; // USER_HZ is 100 on Linux.
    let (mut client, mut server) = (0u64, 0u64);
    let Ok(tasks) = std::fs::read_dir("/proc/self/task") else {
        return (Duration::ZERO, Duration::ZERO);
    };
    for task in tasks.flatten() {
        let Ok(stat) = std::fs::read_to_string(task.path().join("stat")) else {
            continue;
        };
        // `pid (comm) state ...`: the command may contain spaces, so split after the last ')'.
        let Some(close) = stat.rfind(')') else {
            continue;
        };
        let comm = stat[..close].split_once('(').map_or("", |(_, c)| c);
        let fields: Vec<&str> = stat[close + 1..].split_whitespace().collect();
        // utime and stime are fields 14 and 15 of stat, 12 and 13 after the command.
        let ticks: u64 = fields
            .get(11..13)
            .map(|f| f.iter().filter_map(|v| v.parse::<u64>().ok()).sum())
            .unwrap_or(0);
        if comm.starts_with("emulator") {
            server += ticks;
        } else {
            client += ticks;
        }
    }
    (
        Duration::from_secs_f64(client as f64 * TICK),
        Duration::from_secs_f64(server as f64 * TICK),
    )
}

/// The `q`-quantile (0..=1) of sorted durations.
pub fn quantile(sorted: &[Duration], q: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let index = ((sorted.len() - 1) as f64 * q).round() as usize;
    sorted[index.min(sorted.len() - 1)]
}

/// The median of some values.
pub fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    if values.is_empty() {
        return f64::NAN;
    }
    let mid = values.len() / 2;
    if values.len() % 2 == 1 {
        values[mid]
    } else {
        (values[mid - 1] + values[mid]) / 2.0
    }
}

/// Runs `op` `total` times from `concurrency` tasks on the current Tokio runtime; each task
/// takes the next operation as soon as its previous one completes. Any failure aborts the run.
pub async fn run<F, Fut>(total: usize, concurrency: usize, op: F) -> Result<Sample, String>
where
    F: Fn() -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<(), String>> + Send + 'static,
{
    let op = Arc::new(op);
    let next = Arc::new(AtomicUsize::new(0));
    let (client_before, server_before) = cpu_split();
    let started = Instant::now();
    let mut tasks = Vec::with_capacity(concurrency);
    for _ in 0..concurrency {
        let op = op.clone();
        let next = next.clone();
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::with_capacity(total / concurrency + 1);
            let mut failures = (0, None);
            while next.fetch_add(1, Ordering::Relaxed) < total {
                let start = Instant::now();
                match op().await {
                    Ok(()) => latencies.push(start.elapsed()),
                    // A failed call is counted and reported, not timed: one error among
                    // thousands must not void the run.
                    Err(e) => {
                        failures.0 += 1;
                        failures.1.get_or_insert(e);
                    }
                }
            }
            (latencies, failures)
        }));
    }
    let mut latencies = Vec::with_capacity(total);
    let mut failures: (usize, Option<String>) = (0, None);
    for task in tasks {
        let (l, (n, first)) = task.await.map_err(|e| e.to_string())?;
        latencies.extend(l);
        failures.0 += n;
        if failures.1.is_none() {
            failures.1 = first;
        }
    }
    if latencies.is_empty() {
        return Err(failures.1.unwrap_or_else(|| "no operation ran".into()));
    }
    let elapsed = started.elapsed();
    let (client_after, server_after) = cpu_split();
    latencies.sort();
    let per_op = |d: Duration| d / latencies.len().max(1) as u32;
    Ok(Sample {
        throughput: latencies.len() as f64 / elapsed.as_secs_f64(),
        p50: quantile(&latencies, 0.5),
        p99: quantile(&latencies, 0.99),
        count: latencies.len(),
        client_cpu: per_op(client_after.saturating_sub(client_before)),
        server_cpu: per_op(server_after.saturating_sub(server_before)),
        failures,
    })
}

/// Merges the samples of several rounds: the median throughput, and the median of the
/// per-round percentiles.
pub fn merge(samples: &[Sample]) -> Sample {
    let mut throughputs: Vec<f64> = samples.iter().map(|s| s.throughput).collect();
    let mut p50s: Vec<f64> = samples.iter().map(|s| s.p50.as_secs_f64()).collect();
    let mut p99s: Vec<f64> = samples.iter().map(|s| s.p99.as_secs_f64()).collect();
    let mut clients: Vec<f64> = samples.iter().map(|s| s.client_cpu.as_secs_f64()).collect();
    let mut servers: Vec<f64> = samples.iter().map(|s| s.server_cpu.as_secs_f64()).collect();
    Sample {
        throughput: median(&mut throughputs),
        p50: Duration::from_secs_f64(median(&mut p50s)),
        p99: Duration::from_secs_f64(median(&mut p99s)),
        count: samples.iter().map(|s| s.count).sum(),
        client_cpu: Duration::from_secs_f64(median(&mut clients)),
        server_cpu: Duration::from_secs_f64(median(&mut servers)),
        failures: (
            samples.iter().map(|s| s.failures.0).sum(),
            samples.iter().find_map(|s| s.failures.1.clone()),
        ),
    }
}

/// A duration in milliseconds with three decimals.
pub fn ms(duration: Duration) -> String {
    format!("{:.3}", duration.as_secs_f64() * 1e3)
}

/// A duration in microseconds with one decimal.
pub fn us(duration: Duration) -> String {
    format!("{:.1}", duration.as_secs_f64() * 1e6)
}
