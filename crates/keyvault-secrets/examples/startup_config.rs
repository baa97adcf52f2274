//! Application start-up configuration from a vault with figment: defaults, then the vault's
//! secrets on top (`MyApp--Database--Password` becomes `database.password`, a JSON secret a
//! section), extracted into the application's settings struct; reloaded through the cache.
//!
//! Needs the `figment` feature. Runs against an emulator started in this process, or against
//! your vault when `AZURE_KEYVAULT_URL=https://{vault}.vault.azure.net` is set (signed in with
//! `az login`):
//!
//! ```sh
//! cargo run -p keyvault-secrets --features figment --example startup_config
//! ```

use figment::{providers::Serialized, Figment};
use keyvault_emulator::Target;
use keyvault_secrets::{
    BeginDeleteSecretOptions, SecretCache, SecretClient, SecretClientOptions, SecretsConfig,
    SetSecretOptions,
};
use serde::Deserialize;
use std::time::Duration;

/// The application's settings.
#[derive(Debug, Deserialize)]
struct Settings {
    database: Database,
    limits: Limits,
}

#[derive(Deserialize)]
struct Database {
    host: String,
    port: u16,
    password: String,
}

// The password stays out of logs.
impl std::fmt::Debug for Database {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Database")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("password", &"<redacted>")
            .finish()
    }
}

#[derive(Debug, Deserialize)]
struct Limits {
    retries: u32,
    timeout_seconds: f64,
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let target = Target::from_env("startup-config").await?;
    // A prefix of its own for each run, so that runs against a real vault never collide.
    let prefix = format!(
        "StartupConfig{}--",
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

    // What an operator would have put in the vault.
    let names = [
        format!("{prefix}Database--Host"),
        format!("{prefix}Database--Password"),
        format!("{prefix}Limits"),
    ];
    client.set_secret(&names[0], "db.internal", None).await?;
    client
        .set_secret(&names[1], "correct horse battery staple", None)
        .await?;
    let json = SetSecretOptions {
        content_type: Some("application/json".into()),
        ..Default::default()
    };
    client
        .set_secret(
            &names[2],
            r#"{"retries": 3, "timeout_seconds": 2.5}"#,
            Some(json),
        )
        .await?;

    // Start-up: load the secrets (asynchronously, once), then build the configuration from the
    // snapshot (figment's providers are synchronous).
    let cache = SecretCache::builder(client.clone())
        .ttl(Duration::from_secs(300))
        .build();
    let loader = SecretsConfig::loader(cache)
        .prefix(&prefix)
        .expand_json(true);
    let secrets = loader.load().await?;
    println!("loaded {secrets:?}"); // keys only
    let settings: Settings = Figment::new()
        .merge(Serialized::default("database.host", "localhost"))
        .merge(Serialized::default("database.port", 5432))
        .merge(secrets)
        .extract()?;
    println!("{settings:?}");
    assert_eq!(settings.database.host, "db.internal");
    assert_eq!(settings.database.port, 5432);
    assert_eq!(settings.database.password, "correct horse battery staple");
    assert_eq!(settings.limits.retries, 3);
    assert_eq!(settings.limits.timeout_seconds, 2.5);

    // Later: a snapshot every 5 minutes through the cache; `latest()` is the newest.
    let watch = loader.watch(Duration::from_secs(300)).await?;
    println!("{} keys in the latest snapshot", watch.latest().len());

    for name in &names {
        client
            .begin_delete_secret(
                name,
                Some(BeginDeleteSecretOptions {
                    polling_interval: Some(target.polling_interval),
                    ..Default::default()
                }),
            )
            .await?
            .await?;
        client.purge_deleted_secret(name, None).await?;
    }
    Ok(())
}
