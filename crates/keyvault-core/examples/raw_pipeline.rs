//! The plumbing under every client, used directly: a `KeyVaultPipeline` (challenge
//! authentication, retries, request ids) bound to one vault sends a request the service
//! crates do not wrap, and a `Pager` walks a list page by page. Most programs never need this:
//! the service crates (`keyvault-secrets`, ...) do it for them.
//!
//! Runs against an emulator started in this process, or your vault when
//! `AZURE_KEYVAULT_URL=https://{vault}.vault.azure.net` is set (signed in with `az login`):
//!
//! ```sh
//! cargo run -p keyvault-core --example raw_pipeline
//! ```

use futures::TryStreamExt;
use keyvault_core::{
    azure_core::http::Method, paging::first_page_url, pipeline::to_json, ClientOptions,
    KeyVaultPipeline, Pager,
};
use keyvault_emulator::Target;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let target = Target::from_env("raw-pipeline").await?;
    let pipeline = KeyVaultPipeline::new(
        target.require_vault()?,
        target.credential.clone(),
        ClientOptions {
            client_options: target.client_options.clone(),
            ..Default::default()
        },
        "raw-pipeline-example",
        "0.1.0",
    )?;
    println!("API version {}", pipeline.api_version());

    // A PUT of our own; the first request meets the vault's challenge, then carries a token.
    let suffix = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)?
        .as_secs();
    let names: Vec<String> = (0..3).map(|i| format!("raw-{suffix}-{i}")).collect();
    for name in &names {
        let body = to_json(&serde_json::json!({ "value": "not printed" }))?;
        let set: serde_json::Value = pipeline
            .send_json(Method::Put, pipeline.url(&["secrets", name]), Some(body))
            .await?;
        println!("set  {}", set["id"]);
    }

    // A list, one item per page, as a stream of items.
    let first = first_page_url(&pipeline, &["secrets"], Some(1))?;
    let listed: Vec<serde_json::Value> = Pager::new(pipeline.clone(), first).try_collect().await?;
    let ours = listed
        .iter()
        .filter(|item| {
            let id = item["id"].as_str().unwrap_or_default();
            names.iter().any(|n| id.ends_with(&format!("/{n}")))
        })
        .count();
    println!("list {} secrets, {ours} of them ours", listed.len());
    assert_eq!(ours, names.len());

    for name in &names {
        pipeline
            .send(Method::Delete, pipeline.url(&["secrets", name]), None)
            .await?;
    }
    println!(
        "deleted {} secrets (soft delete keeps them recoverable)",
        names.len()
    );
    Ok(())
}
