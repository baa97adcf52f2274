//! Section 4: the first request of a fresh client (challenge + token) against a warm one.

use keyvault_core::ExposeSecret;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::env::{Env, RawSecret, VAULT_SCOPE};
use crate::measure::{median, ms};
use crate::report::{table, Section};
use crate::{clients, Config};

const NAME: &str = "first";
const VALUE: &str = "first-value";
const WARM_CALLS: usize = 5;

fn secs(d: Duration) -> f64 {
    d.as_secs_f64()
}

/// How many requests reached `vault`'s host since the last clear, and how many of them carried
/// a token.
fn round_trips(env: &Env, vault: &str) -> (usize, usize) {
    let prefix = format!("{vault}.");
    let requests: Vec<_> = env
        .emulator
        .control()
        .requests()
        .into_iter()
        .filter(|r| r.host.to_ascii_lowercase().starts_with(&prefix))
        .collect();
    let authorized = requests.iter().filter(|r| r.has_authorization).count();
    (requests.len(), authorized)
}

/// Runs the section.
pub async fn section(env: &Arc<Env>, config: &Config) -> Result<Section, String> {
    let contenders = [
        "keyvault-secrets (ours)",
        "azure_security_keyvault_secrets 1.x (official)",
        "raw reqwest: fresh credential's token + GET (no challenge)",
    ];
    let mut first: Vec<Vec<f64>> = vec![Vec::new(); contenders.len()];
    let mut warm: Vec<Vec<f64>> = vec![Vec::new(); contenders.len()];
    let mut trips = vec![(0, 0); contenders.len()];
    for i in 0..config.first_iterations {
        for (k, first_k) in first.iter_mut().enumerate() {
            // A vault never used before: its challenge is not in our process-wide cache. The
            // raw PUT that creates the secret also opens the TLS connection to that host, so
            // the figure is the challenge and the token, not the handshake.
            let vault = format!("first-{k}-{i}");
            env.put_secret(&vault, NAME, VALUE).await?;
            env.emulator.control().clear_requests();
            let mut warm_times = Vec::new();
            match k {
                0 => {
                    let client = clients::ours(env, &vault)?;
                    for call in 0..=WARM_CALLS {
                        let start = Instant::now();
                        let secret = client
                            .get_secret(NAME, None)
                            .await
                            .map_err(|e| e.to_string())?;
                        let elapsed = start.elapsed();
                        assert_value(secret.value.expose_secret())?;
                        if call == 0 {
                            first_k.push(secs(elapsed));
                            trips[k] = round_trips(env, &vault);
                        } else {
                            warm_times.push(secs(elapsed));
                        }
                    }
                }
                1 => {
                    let client = clients::official(env, &vault)?;
                    for call in 0..=WARM_CALLS {
                        let start = Instant::now();
                        let secret = client
                            .get_secret(NAME, None)
                            .await
                            .map_err(|e| e.to_string())?
                            .into_model()
                            .map_err(|e| e.to_string())?;
                        let elapsed = start.elapsed();
                        assert_value(secret.value.as_deref().unwrap_or_default())?;
                        if call == 0 {
                            first_k.push(secs(elapsed));
                            trips[k] = round_trips(env, &vault);
                        } else {
                            warm_times.push(secs(elapsed));
                        }
                    }
                }
                _ => {
                    let credential = env.credential();
                    let url = env.secret_url(&vault, NAME);
                    let mut bearer = String::new();
                    for call in 0..=WARM_CALLS {
                        let start = Instant::now();
                        if call == 0 {
                            let token = credential
                                .get_token(&[VAULT_SCOPE], None)
                                .await
                                .map_err(|e| e.to_string())?;
                            bearer = format!("Bearer {}", token.token.secret());
                        }
                        let body = env
                            .http
                            .get(&url)
                            .header("authorization", &bearer)
                            .send()
                            .await
                            .map_err(|e| e.to_string())?
                            .bytes()
                            .await
                            .map_err(|e| e.to_string())?;
                        let secret: RawSecret =
                            serde_json::from_slice(&body).map_err(|e| e.to_string())?;
                        let elapsed = start.elapsed();
                        assert_value(&secret.value)?;
                        if call == 0 {
                            first_k.push(secs(elapsed));
                            trips[k] = round_trips(env, &vault);
                        } else {
                            warm_times.push(secs(elapsed));
                        }
                    }
                }
            }
            warm[k].push(median(&mut warm_times));
        }
    }
    env.emulator.control().clear_requests();

    let mut rows = Vec::new();
    let mut firsts = Vec::new();
    for (k, name) in contenders.iter().enumerate() {
        let f = median(&mut first[k]);
        let w = median(&mut warm[k]);
        firsts.push(f);
        rows.push(vec![
            name.to_string(),
            ms(Duration::from_secs_f64(f)),
            ms(Duration::from_secs_f64(w)),
            format!("{:.1}x", f / w),
            format!("{} ({} with a token)", trips[k].0, trips[k].1),
        ]);
    }
    let mut markdown = format!(
        "## 4. First request: fresh client vs warm\n\n\
         {} fresh clients per contender, each with a new credential (empty token cache) on a vault \
         host never used before (so no cached challenge), over an already open TLS connection. \
         First: the first `get_secret` (challenge round trip + token request + the authorized \
         GET); warm: the median of the next {WARM_CALLS} calls. Figures: medians over clients.\n\n",
        config.first_iterations
    );
    markdown.push_str(&table(
        &[
            "contender",
            "first ms",
            "warm ms",
            "first ÷ warm",
            "vault requests for the first call",
        ],
        &rows,
    ));
    markdown.push_str(&format!(
        "\nOurs ÷ official on the first call: {:.2}x the time.\n",
        firsts[0] / firsts[1]
    ));
    Ok(Section {
        markdown,
        checks: Vec::new(),
    })
}

fn assert_value(value: &str) -> Result<(), String> {
    if value == VALUE {
        Ok(())
    } else {
        Err("unexpected secret value".to_string())
    }
}
