//! Section 3: keys and cryptography.
//!
//! Remote: `get_key`, `sign` (RS256) and `decrypt` (RSA-OAEP-256) with our `KeyClient` /
//! `CryptographyClient` against raw reqwest issuing the same requests (the floor). Local: RS256
//! and ES256 verify and RSA-OAEP-256 encrypt by our `CryptographyClient` (which holds the public
//! key after its first use) against the bare RustCrypto primitive with a prebuilt public key.

use keyvault_core::ExposeSecret;
use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use keyvault_core::ApiVersion;
use keyvault_keys::{
    CreateEcKeyOptions, CreateRsaKeyOptions, EncryptionAlgorithm, KeyClient, KeyClientOptions,
    KeyCurveName, SignatureAlgorithm,
};
use serde::Deserialize;
use sha2::{Digest, Sha256};

use crate::env::{Env, API_VERSION};
use crate::measure::{median, merge, ms, run, us, Sample};
use crate::report::{table, Check, Section};
use crate::Config;

const VAULT: &str = "bench-keys";
const CONCURRENCIES: [usize; 2] = [1, 32];

#[derive(Deserialize)]
struct RawOperationResult {
    value: String,
}

#[derive(Deserialize)]
#[allow(dead_code)] // Parsed like a client would, then dropped.
struct RawKeyBundle {
    key: RawKey,
    attributes: serde_json::Map<String, serde_json::Value>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct RawKey {
    kid: String,
    kty: String,
    n: Option<String>,
    e: Option<String>,
}

type Op = Arc<dyn Fn() -> futures::future::BoxFuture<'static, Result<(), String>> + Send + Sync>;

fn e(error: impl std::fmt::Display) -> String {
    error.to_string()
}

/// Times two async operations that complete without I/O, in alternating batches (so that a
/// change of machine load hits both alike); the per-call medians of the batches.
async fn compare_local<A, FA, B, FB>(
    iterations: usize,
    mut ours: A,
    mut primitive: B,
) -> Result<(Duration, Duration), String>
where
    A: FnMut() -> FA,
    FA: Future<Output = Result<(), String>>,
    B: FnMut() -> FB,
    FB: Future<Output = Result<(), String>>,
{
    for _ in 0..(iterations / 10).max(1) {
        ours().await?;
        primitive().await?;
    }
    let batches = 15;
    let per_batch = (iterations / batches).max(1);
    let (mut a, mut b) = (Vec::with_capacity(batches), Vec::with_capacity(batches));
    for _ in 0..batches {
        let start = Instant::now();
        for _ in 0..per_batch {
            ours().await?;
        }
        a.push(start.elapsed().as_secs_f64() / per_batch as f64);
        let start = Instant::now();
        for _ in 0..per_batch {
            primitive().await?;
        }
        b.push(start.elapsed().as_secs_f64() / per_batch as f64);
    }
    Ok((
        Duration::from_secs_f64(median(&mut a)),
        Duration::from_secs_f64(median(&mut b)),
    ))
}

async fn raw_post(env: &Env, url: &str, body: &serde_json::Value) -> Result<Vec<u8>, String> {
    let response = env
        .http
        .post(url)
        .header("authorization", &env.bearer)
        .json(body)
        .send()
        .await
        .map_err(e)?;
    if !response.status().is_success() {
        return Err(format!("raw POST {url}: {}", response.status()));
    }
    let bytes = response.bytes().await.map_err(e)?;
    let result: RawOperationResult = serde_json::from_slice(&bytes).map_err(e)?;
    URL_SAFE_NO_PAD.decode(result.value).map_err(e)
}

/// Median latency of sequential authenticated POSTs of `body` to `url` (any 2xx).
async fn remote_latency(
    env: &Env,
    url: &str,
    body: &serde_json::Value,
    calls: usize,
) -> Result<Duration, String> {
    let mut times = Vec::with_capacity(calls);
    for _ in 0..calls {
        let start = Instant::now();
        let response = env
            .http
            .post(url)
            .header("authorization", &env.bearer)
            .json(body)
            .send()
            .await
            .map_err(e)?;
        let status = response.status();
        response.bytes().await.map_err(e)?;
        if !status.is_success() {
            return Err(format!("raw POST {url}: {status}"));
        }
        times.push(start.elapsed().as_secs_f64());
    }
    Ok(Duration::from_secs_f64(median(&mut times)))
}

/// Runs the section.
pub async fn section(env: &Arc<Env>, config: &Config) -> Result<Section, String> {
    let keys = KeyClient::new(
        &env.emulator.vault_url(VAULT),
        env.credential(),
        Some(KeyClientOptions {
            api_version: Some(ApiVersion::V2025_07_01),
            client_options: crate::clients::ours_client_options(env),
            ..Default::default()
        }),
    )
    .map_err(e)?;
    let rsa_key = keys
        .create_rsa_key(
            "bench-rsa",
            Some(CreateRsaKeyOptions {
                size: Some(2048),
                ..Default::default()
            }),
        )
        .await
        .map_err(e)?;
    let ec_key = keys
        .create_ec_key(
            "bench-ec",
            Some(CreateEcKeyOptions {
                curve: Some(KeyCurveName::P256),
                ..Default::default()
            }),
        )
        .await
        .map_err(e)?;
    let rsa_id = rsa_key.id().to_string();
    let rsa = keys.get_cryptography_client("bench-rsa", None).map_err(e)?;
    let ec = keys.get_cryptography_client("bench-ec", None).map_err(e)?;

    let digest: Vec<u8> = Sha256::digest(b"keyvault-bench message").to_vec();
    let plaintext = b"a 32-byte content-encryption key".to_vec();
    let rs256 = rsa
        .sign(SignatureAlgorithm::Rs256, &digest, None)
        .await
        .map_err(e)?
        .signature;
    let es256 = ec
        .sign(SignatureAlgorithm::Es256, &digest, None)
        .await
        .map_err(e)?
        .signature;
    let ciphertext = rsa
        .encrypt(EncryptionAlgorithm::RsaOaep256, &plaintext, None)
        .await
        .map_err(e)?
        .ciphertext;

    // ---- Remote operations: ours against raw reqwest.
    let remote: Vec<(&str, Op, Op)> = {
        let get_ours: Op = {
            let keys = keys.clone();
            Arc::new(move || {
                let keys = keys.clone();
                Box::pin(async move {
                    let key = keys.get_key("bench-rsa", None).await.map_err(e)?;
                    debug_assert!(key.key.n.is_some());
                    Ok(())
                })
            })
        };
        let get_raw: Op = {
            let env = env.clone();
            let url = format!(
                "{}/keys/bench-rsa?api-version={API_VERSION}",
                env.emulator.vault_url(VAULT)
            );
            Arc::new(move || {
                let env = env.clone();
                let url = url.clone();
                Box::pin(async move {
                    let response = env
                        .http
                        .get(&url)
                        .header("authorization", &env.bearer)
                        .send()
                        .await
                        .map_err(e)?;
                    let bytes = response.bytes().await.map_err(e)?;
                    let bundle: RawKeyBundle = serde_json::from_slice(&bytes).map_err(e)?;
                    debug_assert!(bundle.key.n.is_some());
                    Ok(())
                })
            })
        };
        let sign_ours: Op = {
            let rsa = rsa.clone();
            let digest = digest.clone();
            Arc::new(move || {
                let rsa = rsa.clone();
                let digest = digest.clone();
                Box::pin(async move {
                    let signed = rsa
                        .sign(SignatureAlgorithm::Rs256, &digest, None)
                        .await
                        .map_err(e)?;
                    debug_assert_eq!(signed.signature.len(), 256);
                    Ok(())
                })
            })
        };
        let sign_raw: Op = {
            let env = env.clone();
            let url = format!("{rsa_id}/sign?api-version={API_VERSION}");
            let body =
                serde_json::json!({"alg": "RS256", "value": URL_SAFE_NO_PAD.encode(&digest)});
            Arc::new(move || {
                let env = env.clone();
                let url = url.clone();
                let body = body.clone();
                Box::pin(async move {
                    let signature = raw_post(&env, &url, &body).await?;
                    debug_assert_eq!(signature.len(), 256);
                    Ok(())
                })
            })
        };
        let decrypt_ours: Op = {
            let rsa = rsa.clone();
            let ciphertext = ciphertext.clone();
            let plaintext = plaintext.clone();
            Arc::new(move || {
                let rsa = rsa.clone();
                let ciphertext = ciphertext.clone();
                let plaintext = plaintext.clone();
                Box::pin(async move {
                    let decrypted = rsa
                        .decrypt(EncryptionAlgorithm::RsaOaep256, &ciphertext, None)
                        .await
                        .map_err(e)?;
                    if decrypted.plaintext.expose_secret() != plaintext.as_slice() {
                        return Err("decrypt: wrong plaintext".into());
                    }
                    Ok(())
                })
            })
        };
        let decrypt_raw: Op = {
            let env = env.clone();
            let url = format!("{rsa_id}/decrypt?api-version={API_VERSION}");
            let body = serde_json::json!({"alg": "RSA-OAEP-256", "value": URL_SAFE_NO_PAD.encode(&ciphertext)});
            let plaintext = plaintext.clone();
            Arc::new(move || {
                let env = env.clone();
                let url = url.clone();
                let body = body.clone();
                let plaintext = plaintext.clone();
                Box::pin(async move {
                    if raw_post(&env, &url, &body).await? != plaintext {
                        return Err("raw decrypt: wrong plaintext".into());
                    }
                    Ok(())
                })
            })
        };
        vec![
            ("get_key (RSA-2048)", get_ours, get_raw),
            ("sign RS256 (remote)", sign_ours, sign_raw),
            ("decrypt RSA-OAEP-256 (remote)", decrypt_ours, decrypt_raw),
        ]
    };

    let mut remote_rows = Vec::new();
    for (name, ours, raw) in &remote {
        let mut row = vec![name.to_string()];
        for &concurrency in &CONCURRENCIES {
            let total = if concurrency == 1 {
                (config.crypto_ops / 4).max(10)
            } else {
                config.crypto_ops
            };
            let mut samples: [Vec<Sample>; 2] = [Vec::new(), Vec::new()];
            for round in 0..config.rounds {
                for i in 0..2 {
                    let k = (i + round) % 2;
                    let op = if k == 0 { ours.clone() } else { raw.clone() };
                    samples[k].push(run(total, concurrency, move || op()).await?);
                }
            }
            let (o, r) = (merge(&samples[0]), merge(&samples[1]));
            row.push(format!("{:.0} / {:.0}", o.throughput, r.throughput));
            row.push(format!("{} / {}", ms(o.p50), ms(r.p50)));
            row.push(format!("{} / {}", ms(o.p99), ms(r.p99)));
            row.push(format!("{:.2}x", o.throughput / r.throughput));
        }
        remote_rows.push(row);
    }

    // ---- Local operations: ours against the bare primitive.
    let control = env.emulator.control();
    control.clear_requests();
    let rsa_public = rsa::RsaPublicKey::new(
        rsa::BigUint::from_bytes_be(rsa_key.key.n.as_deref().ok_or("no n")?),
        rsa::BigUint::from_bytes_be(rsa_key.key.e.as_deref().ok_or("no e")?),
    )
    .map_err(e)?;
    let ec_public = {
        let x = ec_key.key.x.as_deref().ok_or("no x")?;
        let y = ec_key.key.y.as_deref().ok_or("no y")?;
        let point = p256::EncodedPoint::from_affine_coordinates(x.into(), y.into(), false);
        p256::ecdsa::VerifyingKey::from_encoded_point(&point).map_err(e)?
    };
    let iterations = config.local_ops;
    let mut local_rows = Vec::new();
    let mut local_times = Vec::new();
    let mut checks = Vec::new();
    let mut push = |name: &str, ours: Duration, primitive: Duration| {
        local_times.push(ours);
        let ratio = primitive.as_secs_f64() / ours.as_secs_f64();
        local_rows.push(vec![
            name.to_string(),
            us(ours),
            us(primitive),
            format!("{ratio:.2}x"),
        ]);
        checks.push(Check::at_least(
            format!("local {name}, ours ÷ bare primitive (speed)"),
            ratio,
            0.9,
        ));
    };

    let (ours, primitive) = compare_local(
        iterations,
        || {
            let rsa = rsa.clone();
            let (digest, sig) = (&digest, &rs256);
            async move {
                let verified = rsa
                    .verify(SignatureAlgorithm::Rs256, digest, sig, None)
                    .await
                    .map_err(e)?;
                verified
                    .is_valid
                    .then_some(())
                    .ok_or("RS256 invalid".into())
            }
        },
        || {
            let result = rsa_public
                .verify(rsa::Pkcs1v15Sign::new::<Sha256>(), &digest, &rs256)
                .map_err(e);
            async move { result }
        },
    )
    .await?;
    push("RSA-2048 verify RS256", ours, primitive);

    let mut rng = rand::thread_rng();
    let (ours, primitive) = compare_local(
        iterations,
        || {
            let rsa = rsa.clone();
            let plaintext = &plaintext;
            async move {
                let encrypted = rsa
                    .encrypt(EncryptionAlgorithm::RsaOaep256, plaintext, None)
                    .await
                    .map_err(e)?;
                (encrypted.ciphertext.len() == 256)
                    .then_some(())
                    .ok_or("bad ciphertext".into())
            }
        },
        || {
            let result = rsa_public
                .encrypt(&mut rng, rsa::Oaep::new::<Sha256>(), &plaintext)
                .map_err(e)
                .map(|c| debug_assert_eq!(c.len(), 256));
            async move { result }
        },
    )
    .await?;
    push("RSA-2048 encrypt RSA-OAEP-256", ours, primitive);

    let (ours, primitive) = compare_local(
        iterations,
        || {
            let ec = ec.clone();
            let (digest, sig) = (&digest, &es256);
            async move {
                let verified = ec
                    .verify(SignatureAlgorithm::Es256, digest, sig, None)
                    .await
                    .map_err(e)?;
                verified
                    .is_valid
                    .then_some(())
                    .ok_or("ES256 invalid".into())
            }
        },
        || {
            use p256::ecdsa::signature::hazmat::PrehashVerifier;
            let result = p256::ecdsa::Signature::from_slice(&es256)
                .map_err(e)
                .and_then(|s| ec_public.verify_prehash(&digest, &s).map_err(e));
            async move { result }
        },
    )
    .await?;
    push("EC P-256 verify ES256", ours, primitive);
    let sent_during_local = control.requests().len();
    control.clear_requests();

    // ---- The same three operations done by the service, for the local-vs-remote figures.
    let ec_id = ec_key.id().to_string();
    let remote_same = [
        (
            "RSA-2048 verify RS256",
            format!("{rsa_id}/verify?api-version={API_VERSION}"),
            serde_json::json!({"alg": "RS256", "digest": URL_SAFE_NO_PAD.encode(&digest), "value": URL_SAFE_NO_PAD.encode(&rs256)}),
        ),
        (
            "RSA-2048 encrypt RSA-OAEP-256",
            format!("{rsa_id}/encrypt?api-version={API_VERSION}"),
            serde_json::json!({"alg": "RSA-OAEP-256", "value": URL_SAFE_NO_PAD.encode(&plaintext)}),
        ),
        (
            "EC P-256 verify ES256",
            format!("{ec_id}/verify?api-version={API_VERSION}"),
            serde_json::json!({"alg": "ES256", "digest": URL_SAFE_NO_PAD.encode(&digest), "value": URL_SAFE_NO_PAD.encode(&es256)}),
        ),
    ];
    let mut versus_rows = Vec::new();
    for ((name, url, body), local) in remote_same.iter().zip(&local_times) {
        let remote = remote_latency(env, url, body, (iterations / 3).max(10)).await?;
        versus_rows.push(vec![
            name.to_string(),
            us(*local),
            us(remote),
            format!("{:.1}x", remote.as_secs_f64() / local.as_secs_f64()),
        ]);
    }

    let mut markdown = format!(
        "## 3. Crypto\n\n\
         Keys `bench-rsa` (RSA-2048) and `bench-ec` (P-256) created with our `KeyClient`. \
         Remote: our `KeyClient::get_key` and `CryptographyClient` (from \
         `KeyClient::get_cryptography_client`) against raw reqwest sending the same request with a \
         token fetched once; {} call(s) at concurrency 32 and a quarter of that at concurrency 1, \
         {} round(s). Cells are `ours / raw`; `ours ÷ raw` is throughput (above 1: ours faster).\n\n",
        config.crypto_ops, config.rounds
    );
    markdown.push_str(&table(
        &[
            "operation",
            "c=1 req/s",
            "c=1 p50 ms",
            "c=1 p99 ms",
            "ours ÷ raw (c=1)",
            "c=32 req/s",
            "c=32 p50 ms",
            "c=32 p99 ms",
            "ours ÷ raw (c=32)",
        ],
        &remote_rows,
    ));
    markdown.push_str(&format!(
        "\nLocal: the same `CryptographyClient`s, which fetched the public keys on first use, \
         against the bare RustCrypto call (`rsa` 0.9 / `p256` 0.13) with a prebuilt public key; \
         median per call over {iterations} iterations in 15 batches alternating with the primitive's. Requests the emulator \
         received during the local operations: {sent_during_local}. `speed` is primitive time \
         over ours (1.00x: no overhead).\n\n"
    ));
    markdown.push_str(&table(
        &[
            "operation",
            "ours µs",
            "primitive µs",
            "speed (primitive ÷ ours)",
        ],
        &local_rows,
    ));
    markdown.push_str(
        "\nLocal vs remote: the local figure above against the same operation done by the \
         service (a raw authenticated POST over HTTPS on loopback, the service's own work \
         included), median of sequential calls.\n\n",
    );
    markdown.push_str(&table(
        &["operation", "local µs", "remote µs", "remote ÷ local"],
        &versus_rows,
    ));
    Ok(Section { markdown, checks })
}
