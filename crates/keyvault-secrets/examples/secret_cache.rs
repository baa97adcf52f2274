//! A hot path reading a secret through `SecretCache`: one request to the vault, then memory;
//! refreshed in the background before it expires, one request however many callers miss at
//! once, and the last good value served for a bounded time while the vault fails.
//!
//! Runs against an emulator started in this process, or against your vault when
//! `AZURE_KEYVAULT_URL=https://{vault}.vault.azure.net` is set (signed in with `az login`):
//!
//! ```sh
//! cargo run -p keyvault-secrets --example secret_cache
//! ```

use keyvault_emulator::Target;
use keyvault_secrets::{
    BeginDeleteSecretOptions, ExposeSecret, SecretCache, SecretClient, SecretClientOptions,
};
use std::time::{Duration, Instant};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let target = Target::from_env("secret-cache").await?;
    let name = format!(
        "secret-cache-{}",
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)?
            .as_secs()
    );
    let client = SecretClient::new(
        target.require_vault()?,
        target.credential.clone(),
        Some(SecretClientOptions {
            client_options: target.client_options.clone(),
            ..Default::default()
        }),
    )?;
    client
        .set_secret(&name, "s3cr3t-connection-string", None)
        .await?;

    // Values live 5 minutes, are refreshed in the background in their last minute, and are
    // served up to 15 minutes past expiry while the vault fails; 1,000 names at most.
    let cache = SecretCache::builder(client.clone())
        .ttl(Duration::from_secs(300))
        .refresh_ahead(Duration::from_secs(60))
        .max_staleness(Duration::from_secs(900))
        .max_capacity(1_000)
        .build();

    // 100 request handlers start at once on a cold cache: one request to the vault.
    let handlers = (0..100).map(|_| {
        let (cache, name) = (cache.clone(), name.clone());
        tokio::spawn(async move { cache.get(&name).await })
    });
    for handler in futures::future::join_all(handlers).await {
        handler??;
    }
    println!(
        "100 concurrent cold gets: {} request(s)",
        cache.stats().requests
    );

    let started = Instant::now();
    let mut length = 0;
    for _ in 0..100_000 {
        let value = cache.get(&name).await?;
        length += value.expose_secret().len();
    }
    let elapsed = started.elapsed();
    let stats = cache.stats();
    println!(
        "100,000 gets in {elapsed:?} ({:.0} ns each), {} request(s) to the vault; {length} bytes read",
        elapsed.as_nanos() as f64 / 100_000.0,
        stats.requests
    );
    println!("{stats:?}");
    // Debug shows settings and counters, never a value.
    println!("{cache:?}");
    assert_eq!(stats.requests, 1);

    // Rotated: read the new value now rather than when the time to live ends.
    client
        .set_secret(&name, "r0tated-connection-string", None)
        .await?;
    let value = cache.refresh(&name).await?;
    assert_eq!(value.expose_secret(), "r0tated-connection-string");

    client
        .begin_delete_secret(
            &name,
            Some(BeginDeleteSecretOptions {
                polling_interval: Some(target.polling_interval),
                ..Default::default()
            }),
        )
        .await?
        .await?;
    client.purge_deleted_secret(&name, None).await?;
    Ok(())
}
