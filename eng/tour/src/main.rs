//! A tour of the Key Vault crates.
//!
//! Without `AZURE_KEYVAULT_URL` it starts the emulator in-process and tours it over HTTPS with
//! a real `azure_identity` credential against the emulator's token endpoint. With it, it tours
//! that vault with `azure_identity`'s developer credential chain (Azure CLI, Azure Developer
//! CLI), creating, then purging, objects whose names start with `tour-`.

use azure_core::credentials::TokenCredential;
use futures::TryStreamExt;
use keyvault_emulator::{Emulator, EmulatorOptions};
use keyvault_secrets::{
    ListOptions, PollerOptions, SecretClient, SecretClientOptions, SetSecretOptions,
};
use std::{error::Error, sync::Arc, time::Duration};

type TourResult = Result<(), Box<dyn Error + Send + Sync>>;

/// Where the tour runs: the vault URL, a credential and client options.
struct Target {
    vault_url: String,
    credential: Arc<dyn TokenCredential>,
    client_options: azure_core::http::ClientOptions,
    polling: Duration,
    // Keeps the embedded emulator alive for the whole tour.
    _emulator: Option<Emulator>,
}

async fn target() -> Result<Target, Box<dyn Error + Send + Sync>> {
    if let Ok(vault_url) = std::env::var("AZURE_KEYVAULT_URL") {
        println!("Touring {vault_url} with the developer credential chain");
        return Ok(Target {
            vault_url,
            credential: azure_identity::DeveloperToolsCredential::new(None)?,
            client_options: Default::default(),
            polling: Duration::from_secs(2),
            _emulator: None,
        });
    }
    let emulator = Emulator::start(EmulatorOptions::default()).await?;
    let vault_url = emulator.vault_url("tour");
    println!(
        "Touring the embedded emulator at {vault_url} (set AZURE_KEYVAULT_URL for a real vault)"
    );
    Ok(Target {
        vault_url,
        credential: emulator.credential(),
        client_options: emulator.client_options(),
        polling: Duration::from_millis(100),
        _emulator: Some(emulator),
    })
}

async fn secrets_tour(target: &Target, suffix: &str) -> TourResult {
    println!("\n== Secrets");
    let options = SecretClientOptions {
        client_options: target.client_options.clone(),
        ..Default::default()
    };
    let client = SecretClient::new(&target.vault_url, target.credential.clone(), Some(options))?;
    let name = format!("tour-secret-{suffix}");
    let poll = || {
        Some(PollerOptions {
            polling_interval: Some(target.polling),
            ..Default::default()
        })
    };

    let set = client
        .set_secret(
            &name,
            "correct horse battery staple",
            Some(SetSecretOptions {
                content_type: Some("text/plain".into()),
                ..Default::default()
            }),
        )
        .await?;
    println!(
        "set      {} (version {})",
        set.name(),
        set.properties.version.as_deref().unwrap_or("?")
    );

    let got = client.get_secret(&name, None).await?;
    println!(
        "get      {} = {} characters (Debug shows {:?})",
        got.name(),
        got.value.expose().len(),
        got.value
    );

    let listed: Vec<_> = client
        .list_properties_of_secrets(Some(ListOptions {
            max_page_size: Some(25),
            ..Default::default()
        }))?
        .try_collect()
        .await?;
    println!(
        "list     {} secrets, ours among them: {}",
        listed.len(),
        listed.iter().any(|p| p.name == name)
    );

    let deleted = client.begin_delete_secret(&name, poll()).await?.await?;
    println!(
        "delete   {} (purge scheduled {:?})",
        deleted.name(),
        deleted.scheduled_purge_date
    );

    let recovered = client
        .begin_recover_deleted_secret(&name, poll())
        .await?
        .await?;
    println!("recover  {}", recovered.name);

    client.begin_delete_secret(&name, poll()).await?.await?;
    client.purge_deleted_secret(&name).await?;
    println!("purge    {name}");
    Ok(())
}

#[tokio::main]
async fn main() -> TourResult {
    let target = target().await?;
    let suffix = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)?
        .as_secs()
        .to_string();
    secrets_tour(&target, &suffix).await?;
    println!("\nTour complete.");
    Ok(())
}
