//! List secrets: set a few secrets, then list their properties item by item, page by page
//! (`into_pages` with a `max_page_size`), and from a continuation token; list the versions of
//! one secret. Values are never listed: read them with `get_secret`. Cleans up after itself.
//!
//! Runs against an emulator started in this process, or against your vault when
//! `AZURE_KEYVAULT_URL=https://{vault}.vault.azure.net` is set (signed in with `az login`):
//!
//! ```sh
//! cargo run -p keyvault-secrets --example list_secrets
//! ```

use futures::TryStreamExt;
use keyvault_emulator::Target;
use keyvault_secrets::{
    BeginDeleteSecretOptions, ListPropertiesOfSecretsOptions, SecretClient, SecretClientOptions,
    SetSecretOptions,
};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let target = Target::from_env("list-secrets").await?;
    let client = SecretClient::new(
        target.require_vault()?,
        target.credential.clone(),
        Some(SecretClientOptions {
            client_options: target.client_options.clone(),
            ..Default::default()
        }),
    )?;

    // Names unique to this run, so that runs against a real vault do not collide.
    let suffix = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)?
        .as_secs();
    let prefix = format!("list-example-{suffix}-");
    let names: Vec<String> = ["bank", "storage", "database"]
        .iter()
        .map(|n| format!("{prefix}{n}"))
        .collect();
    for name in &names {
        let secret = client
            .set_secret(
                name,
                "placeholder-value",
                Some(SetSecretOptions {
                    content_type: Some("text/plain".into()),
                    ..Default::default()
                }),
            )
            .await?;
        println!("set {}", secret.name());
    }
    // A second version of the first secret.
    client.set_secret(&names[0], "new-value", None).await?;
    println!("set {} again: a new version", names[0]);

    // Item by item: the pager is a `Stream` that fetches the next page when it needs it.
    let mut secrets = client.list_properties_of_secrets(None)?;
    let mut ours = 0;
    while let Some(properties) = secrets.try_next().await? {
        if properties.name.starts_with(&prefix) {
            ours += 1;
            println!(
                "listed {} (content type {:?}, enabled {:?})",
                properties.name, properties.content_type, properties.enabled
            );
        }
    }
    assert_eq!(ours, names.len());

    // Page by page, at most two items a page.
    let mut pages = client
        .list_properties_of_secrets(Some(ListPropertiesOfSecretsOptions {
            max_page_size: Some(2),
            ..Default::default()
        }))?
        .into_pages();
    let mut number = 0;
    while let Some(page) = pages.try_next().await? {
        number += 1;
        assert!(page.items.len() <= 2);
        println!(
            "page {number}: {} secrets, more to come: {}",
            page.items.len(),
            page.continuation_token.is_some()
        );
    }

    // Stop after the first page, keep its continuation token (a string you can store), and
    // resume from it later.
    let mut pages = client
        .list_properties_of_secrets(Some(ListPropertiesOfSecretsOptions {
            max_page_size: Some(2),
            ..Default::default()
        }))?
        .into_pages();
    let first = pages.try_next().await?.ok_or("no first page")?;
    let mut seen: Vec<String> = first.items.into_iter().map(|p| p.name).collect();
    if let Some(token) = first.continuation_token {
        println!("resuming after the first page");
        let rest: Vec<_> = client
            .list_properties_of_secrets(Some(ListPropertiesOfSecretsOptions {
                continuation_token: Some(token),
                ..Default::default()
            }))?
            .try_collect()
            .await?;
        seen.extend(rest.into_iter().map(|p| p.name));
    }
    assert!(names.iter().all(|name| seen.contains(name)));
    println!("first page and the rest: {} secrets", seen.len());

    // The versions of one secret.
    let versions: Vec<_> = client
        .list_properties_of_secret_versions(&names[0], None)?
        .try_collect()
        .await?;
    for version in &versions {
        println!(
            "{} version {:?} created {:?}",
            version.name, version.version, version.created_on
        );
    }
    assert_eq!(versions.len(), 2);

    // Clean up: delete, wait for each deletion, purge.
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
        println!("deleted and purged {name}");
    }
    Ok(())
}
