//! Section 2: listing many secrets, time and peak client memory.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use azure_security_keyvault_secrets::models::SecretClientListSecretPropertiesOptions;
use futures::TryStreamExt;
use keyvault_secrets::ListPropertiesOfSecretsOptions;
use serde::Deserialize;

use crate::env::{Env, API_VERSION};
use crate::measure::{cpu_split, median, ms};
use crate::report::{kib, table, Check, Section};
use crate::{alloc, clients, Config};

/// The minimal typed view of a list page the raw contender parses: what a typed client keeps of
/// each item.
#[derive(Deserialize)]
struct RawPage {
    value: Vec<RawItem>,
    #[serde(rename = "nextLink")]
    next_link: Option<String>,
}

#[derive(Deserialize)]
#[allow(dead_code)] // Parsed like a client would, then dropped.
struct RawItem {
    id: String,
    #[serde(rename = "contentType")]
    content_type: Option<String>,
    tags: Option<HashMap<String, String>>,
    managed: Option<bool>,
    attributes: RawAttributes,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct RawAttributes {
    enabled: Option<bool>,
    created: Option<i64>,
    updated: Option<i64>,
    nbf: Option<i64>,
    exp: Option<i64>,
    #[serde(rename = "recoveryLevel")]
    recovery_level: Option<String>,
    #[serde(rename = "recoverableDays")]
    recoverable_days: Option<i64>,
}

const PAGE: u32 = 25;
const CONTENDERS: [&str; 3] = [
    "keyvault-secrets (ours)",
    "azure_security_keyvault_secrets 1.x (official)",
    "raw reqwest over nextLink (floor)",
];

/// The rounds of one contender: times (s), the highest peak, client and emulator CPU (s),
/// requests of the last listing.
type Rounds = (Vec<f64>, isize, Vec<f64>, Vec<f64>, usize);

/// One listing: how long, how many items, peak live bytes above the start.
struct Listing {
    elapsed: Duration,
    items: usize,
    peak: isize,
    client_cpu: Duration,
    server_cpu: Duration,
    requests: usize,
}

async fn list(env: &Arc<Env>, vault: &str, contender: usize) -> Result<Listing, String> {
    // Build the client outside the measurement, and warm its challenge and token.
    let ours = clients::ours(env, vault)?;
    let official = clients::official(env, vault)?;
    match contender {
        0 => {
            ours.get_secret("s-00000", None)
                .await
                .map_err(|e| e.to_string())?;
        }
        1 => {
            official
                .get_secret("s-00000", None)
                .await
                .map_err(|e| e.to_string())?;
        }
        _ => {}
    }
    let first_page = format!(
        "{}/secrets?api-version={API_VERSION}&maxresults={PAGE}",
        env.emulator.vault_url(vault)
    );
    env.emulator.control().clear_requests();
    let (client_before, server_before) = cpu_split();
    alloc::start();
    let start = Instant::now();
    let mut items = 0usize;
    match contender {
        0 => {
            let mut pager = ours
                .list_properties_of_secrets(Some(ListPropertiesOfSecretsOptions {
                    max_page_size: Some(PAGE),
                    ..Default::default()
                }))
                .map_err(|e| e.to_string())?;
            while let Some(item) = pager.try_next().await.map_err(|e| e.to_string())? {
                debug_assert!(!item.id.is_empty());
                items += 1;
            }
        }
        1 => {
            let mut pager = official
                .list_secret_properties(Some(SecretClientListSecretPropertiesOptions {
                    maxresults: Some(PAGE as i32),
                    ..Default::default()
                }))
                .map_err(|e| e.to_string())?;
            while let Some(item) = pager.try_next().await.map_err(|e| e.to_string())? {
                debug_assert!(item.id.is_some());
                items += 1;
            }
        }
        _ => {
            let mut url = first_page;
            loop {
                let response = env
                    .http
                    .get(&url)
                    .header("authorization", &env.bearer)
                    .send()
                    .await
                    .map_err(|e| e.to_string())?;
                if !response.status().is_success() {
                    return Err(format!("raw list: {}", response.status()));
                }
                let body = response.bytes().await.map_err(|e| e.to_string())?;
                let page: RawPage = serde_json::from_slice(&body).map_err(|e| e.to_string())?;
                items += page.value.len();
                match page.next_link {
                    Some(next) => url = next,
                    None => break,
                }
            }
        }
    }
    let elapsed = start.elapsed();
    let peak = alloc::stop();
    let (client_after, server_after) = cpu_split();
    let requests = env.emulator.control().requests().len();
    Ok(Listing {
        elapsed,
        items,
        peak,
        client_cpu: client_after.saturating_sub(client_before),
        server_cpu: server_after.saturating_sub(server_before),
        requests,
    })
}

/// Runs the section.
pub async fn section(env: &Arc<Env>, config: &Config) -> Result<Section, String> {
    let sizes = [config.list_items / 10, config.list_items];
    let fill_start = Instant::now();
    for size in sizes {
        env.fill_vault(&format!("bench-list-{size}"), size).await?;
    }
    let fill = fill_start.elapsed();
    env.emulator.control().clear_requests();

    // results[size][contender] = (median time, max peak)
    let mut results = Vec::new();
    for size in sizes {
        let vault = format!("bench-list-{size}");
        let mut per_contender: Vec<Rounds> = vec![Rounds::default(); CONTENDERS.len()];
        for round in 0..config.list_rounds {
            for i in 0..CONTENDERS.len() {
                let k = (i + round) % CONTENDERS.len();
                let listing = list(env, &vault, k).await?;
                if listing.items != size {
                    return Err(format!(
                        "{} listed {} items of {size}",
                        CONTENDERS[k], listing.items
                    ));
                }
                per_contender[k].0.push(listing.elapsed.as_secs_f64());
                per_contender[k].1 = per_contender[k].1.max(listing.peak);
                per_contender[k].2.push(listing.client_cpu.as_secs_f64());
                per_contender[k].3.push(listing.server_cpu.as_secs_f64());
                per_contender[k].4 = listing.requests;
            }
            env.emulator.control().clear_requests();
        }
        results.push(
            per_contender
                .into_iter()
                .map(|(mut times, peak, mut client, mut server, requests)| {
                    (
                        Duration::from_secs_f64(median(&mut times)),
                        peak,
                        Duration::from_secs_f64(median(&mut client)),
                        Duration::from_secs_f64(median(&mut server)),
                        requests,
                    )
                })
                .collect::<Vec<_>>(),
        );
    }

    let mut rows = Vec::new();
    for (k, name) in CONTENDERS.iter().enumerate() {
        let mut row = vec![name.to_string()];
        for (s, size) in sizes.iter().enumerate() {
            let (time, peak, _, _, _) = results[s][k];
            row.push(ms(time));
            row.push(format!("{:.0}", *size as f64 / time.as_secs_f64()));
            row.push(kib(peak));
        }
        let large = results[1][k].0.as_secs_f64();
        row.push(format!("{:.2}x", results[1][0].0.as_secs_f64() / large));
        row.push(format!(
            "{:.2}",
            results[1][k].1 as f64 / results[0][k].1.max(1) as f64
        ));
        row.push(ms(results[1][k].2));
        row.push(ms(results[1][k].3));
        row.push(results[1][k].4.to_string());
        rows.push(row);
    }
    let small = sizes[0];
    let large = sizes[1];
    let mut markdown = format!(
        "## 2. Listing secrets\n\n\
         Two vaults of {small} and {large} secrets (created with raw PUTs at concurrency 32 in {:.1} s), \
         listed with pages of {PAGE} (`maxresults`), {} round(s) per contender in rotating order \
         (time: median; memory: the highest round). Memory is the peak of live heap bytes \
         allocated by the client's threads above the figure at the start of the listing (a \
         counting global allocator; the emulator's threads are not counted). `ours ÷ it` is our \
         time over the row's on {large} (below 1: ours is faster); `peak {large} ÷ peak {small}` \
         is 1 for memory flat in item count, 10 for memory linear in it. CPU: of the client's and the \
         emulator's threads during the listing (`/proc`, 10 ms ticks).\n\n",
        fill.as_secs_f64(),
        config.list_rounds
    );
    markdown.push_str(&table(
        &[
            "contender",
            &format!("{small}: ms"),
            &format!("{small}: items/s"),
            &format!("{small}: peak KiB"),
            &format!("{large}: ms"),
            &format!("{large}: items/s"),
            &format!("{large}: peak KiB"),
            &format!("ours ÷ it ({large})"),
            &format!("peak {large} ÷ peak {small}"),
            &format!("{large}: client CPU ms"),
            &format!("{large}: emulator CPU ms"),
            &format!("{large}: requests"),
        ],
        &rows,
    ));
    let time_ratio = results[1][0].0.as_secs_f64() / results[1][2].0.as_secs_f64();
    let memory_ratio = results[1][0].1 as f64 / results[0][0].1.max(1) as f64;
    let checks = vec![
        Check::at_most(
            format!("list {large} time, ours ÷ raw paging"),
            time_ratio,
            1.1,
        ),
        Check::at_most(
            format!("list peak memory, ours at {large} ÷ ours at {small} (flat: ~1)"),
            memory_ratio,
            1.5,
        ),
    ];
    Ok(Section { markdown, checks })
}
