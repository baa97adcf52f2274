//! Building the Rust contenders against the emulator.

use crate::env::Env;
use azure_security_keyvault_secrets as official;
use keyvault_core::{transport::ReqwestTransport, ApiVersion, SecretString};
use keyvault_secrets::{SecretClient, SecretClientOptions};

/// Our client options against the emulator: the emulator's `reqwest::Client` (the one every
/// contender sends through) in keyvault-core's `ReqwestTransport`, the transport our clients
/// use when the options name none, rather than in azure_core's adapter
/// (`emulator.client_options()`), which costs more per response (section 1c, rungs 2 and 3).
pub fn ours_client_options(env: &Env) -> azure_core::http::ClientOptions {
    azure_core::http::ClientOptions {
        transport: Some(ReqwestTransport::transport(env.http.clone())),
        ..env.emulator.client_options()
    }
}

/// Our client of `vault`, with a fresh credential, the emulator's `reqwest::Client` and the API
/// version every contender sends.
pub fn ours(env: &Env, vault: &str) -> Result<SecretClient, String> {
    ours_with(env, vault, ours_client_options(env))
}

/// Our client of `vault` with these client options.
pub fn ours_with(
    env: &Env,
    vault: &str,
    client_options: azure_core::http::ClientOptions,
) -> Result<SecretClient, String> {
    SecretClient::new(
        &env.emulator.vault_url(vault),
        env.credential(),
        Some(SecretClientOptions {
            api_version: Some(ApiVersion::V2025_07_01),
            client_options,
            ..Default::default()
        }),
    )
    .map_err(|e| e.to_string())
}

/// The official client of `vault`, configured the same way: the emulator's transport
/// (`client_options()`) and credential, its default API version (2025-07-01) and its default
/// `verify_challenge_resource` (on).
pub fn official(env: &Env, vault: &str) -> Result<official::SecretClient, String> {
    official::SecretClient::new(
        &env.emulator.vault_url(vault),
        env.credential(),
        Some(official::SecretClientOptions {
            client_options: env.emulator.client_options(),
            ..Default::default()
        }),
    )
    .map_err(|e| e.to_string())
}

/// Our `get_secret`, down to the value.
pub async fn ours_value(client: &SecretClient, name: &str) -> Result<SecretString, String> {
    let secret = client
        .get_secret(name, None)
        .await
        .map_err(|e| e.to_string())?;
    Ok(secret.value)
}

/// The official `get_secret`, down to the value (the model is deserialized on request).
pub async fn official_value(client: &official::SecretClient, name: &str) -> Result<String, String> {
    let secret = client
        .get_secret(name, None)
        .await
        .map_err(|e| e.to_string())?
        .into_model()
        .map_err(|e| e.to_string())?;
    Ok(secret.value.unwrap_or_default())
}
