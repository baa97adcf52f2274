//! The shared bench environment: one emulator, its transport, a raw token, and raw helpers.

use std::sync::Arc;

use azure_core::credentials::TokenCredential;
use keyvault_emulator::Emulator;
use serde::Deserialize;

/// The API version every contender sends: the official crate's default, which our default also is.
pub const API_VERSION: &str = "2025-07-01";

/// The scope of the emulator's vaults.
pub const VAULT_SCOPE: &str = "https://vault.azure.net/.default";

/// Everything the sections share.
pub struct Env {
    /// The one in-process emulator (running on its own runtime).
    pub emulator: Emulator,
    /// The emulator's HTTP client: the transport of every Rust contender.
    pub http: reqwest::Client,
    /// `Bearer {token}` for the raw contender, fetched once.
    pub bearer: String,
}

impl std::fmt::Debug for Env {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Env")
            .field("endpoint", &self.emulator.endpoint())
            .finish_non_exhaustive()
    }
}

/// The minimal typed view of a secret the raw contender parses.
#[derive(Deserialize)]
pub struct RawSecret {
    /// The secret's id.
    pub id: String,
    /// The secret's value.
    pub value: String,
}

impl Env {
    /// Fetches the raw contender's token with a fresh credential.
    pub async fn new(emulator: Emulator) -> Result<Env, String> {
        let credential = emulator.credential();
        let token = credential
            .get_token(&[VAULT_SCOPE], None)
            .await
            .map_err(|e| format!("token: {e}"))?;
        Ok(Env {
            http: emulator.http_client(),
            bearer: format!("Bearer {}", token.token.secret()),
            emulator,
        })
    }

    /// A fresh `azure_identity` credential (its own token cache) against the emulator.
    pub fn credential(&self) -> Arc<dyn TokenCredential> {
        self.emulator.credential()
    }

    /// `https://{vault}.vault.azure.net:{port}/secrets/{name}?api-version=...`.
    pub fn secret_url(&self, vault: &str, name: &str) -> String {
        format!(
            "{}/secrets/{name}?api-version={API_VERSION}",
            self.emulator.vault_url(vault)
        )
    }

    /// Sets a secret with a raw authenticated PUT.
    pub async fn put_secret(&self, vault: &str, name: &str, value: &str) -> Result<(), String> {
        let response = self
            .http
            .put(self.secret_url(vault, name))
            .header("authorization", &self.bearer)
            .json(&serde_json::json!({ "value": value }))
            .send()
            .await
            .map_err(|e| e.to_string())?;
        if !response.status().is_success() {
            return Err(format!("PUT {name}: {}", response.status()));
        }
        response.bytes().await.map_err(|e| e.to_string())?;
        Ok(())
    }

    /// Creates `count` secrets `s-00000`... in `vault`, 32 at a time.
    pub async fn fill_vault(self: &Arc<Self>, vault: &str, count: usize) -> Result<(), String> {
        let names: Vec<String> = (0..count).map(|i| format!("s-{i:05}")).collect();
        let names = Arc::new(names);
        let env = self.clone();
        let vault = Arc::new(vault.to_string());
        let next = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        crate::measure::run(count, 32, move || {
            let env = env.clone();
            let vault = vault.clone();
            let names = names.clone();
            let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            async move { env.put_secret(&vault, &names[i], "list-value").await }
        })
        .await
        .map(|_| ())
    }
}
