//! Where an example or a tour runs: a real Azure vault named by environment variables, or else
//! an emulator started in this process. One home for the choice every example makes, so that
//! each example is only about its task.

use std::sync::Arc;
use std::time::Duration;

use azure_core::credentials::TokenCredential;
use azure_core::http::ClientOptions;

use crate::{Emulator, EmulatorError, EmulatorOptions};

/// The environment variable naming a real vault (`https://{vault}.vault.azure.net`).
pub const VAULT_URL_VAR: &str = "AZURE_KEYVAULT_URL";
/// The environment variable naming a real Managed HSM (`https://{hsm}.managedhsm.azure.net`).
pub const MANAGED_HSM_URL_VAR: &str = "AZURE_MANAGEDHSM_URL";
/// The environment variable naming the subscription of the Azure Resource Manager examples.
pub const SUBSCRIPTION_ID_VAR: &str = "AZURE_SUBSCRIPTION_ID";
/// The environment variable naming the resource group of the Azure Resource Manager examples.
pub const RESOURCE_GROUP_VAR: &str = "AZURE_RESOURCE_GROUP";

/// A vault, a Managed HSM and an Azure Resource Manager endpoint to run against, with the
/// credential and client options to reach them.
///
/// [`Target::from_env`] picks real Azure when the environment names it (signing in with
/// `azure_identity::DeveloperToolsCredential`, that is `az login` or `azd auth login`), else an
/// in-process [`Emulator`] whose vault, HSM and ARM provider answer the same requests.
pub struct Target {
    /// The vault's URL.
    pub vault_url: String,
    /// The Managed HSM's URL: `AZURE_MANAGEDHSM_URL` on Azure (`None` when unset).
    pub managed_hsm_url: Option<String>,
    /// Azure Resource Manager: `https://management.azure.com` on Azure.
    pub arm_endpoint: String,
    /// The subscription of the ARM examples: `AZURE_SUBSCRIPTION_ID` on Azure (`None` when unset).
    pub subscription_id: Option<String>,
    /// The resource group of the ARM examples: `AZURE_RESOURCE_GROUP` on Azure, else `examples`.
    pub resource_group: String,
    /// The credential to sign in with.
    pub credential: Arc<dyn TokenCredential>,
    /// The `azure_core` client options: the emulator's transport, or the defaults on Azure.
    pub client_options: ClientOptions,
    /// How long a poller waits between polls: seconds on Azure, milliseconds on the emulator.
    pub polling_interval: Duration,
    /// The embedded emulator, when there is one (kept alive as long as the target).
    pub emulator: Option<Emulator>,
}

impl Target {
    /// Real Azure when `AZURE_KEYVAULT_URL` (or, for HSM- and ARM-only programs,
    /// `AZURE_MANAGEDHSM_URL` or `AZURE_SUBSCRIPTION_ID`) is set; else a new emulator whose vault
    /// and Managed HSM are both named `name`. Says on stdout which one it chose.
    pub async fn from_env(name: &str) -> Result<Target, TargetError> {
        let var = |key: &str| std::env::var(key).ok().filter(|v| !v.trim().is_empty());
        let (vault, hsm, subscription) = (
            var(VAULT_URL_VAR),
            var(MANAGED_HSM_URL_VAR),
            var(SUBSCRIPTION_ID_VAR),
        );
        if vault.is_some() || hsm.is_some() || subscription.is_some() {
            let credential = azure_identity::DeveloperToolsCredential::new(None)
                .map_err(|e| TargetError(format!("signing in to Azure: {e}")))?;
            let target = Target {
                vault_url: vault.unwrap_or_default(),
                managed_hsm_url: hsm,
                arm_endpoint: "https://management.azure.com".to_owned(),
                subscription_id: subscription,
                resource_group: var(RESOURCE_GROUP_VAR).unwrap_or_else(|| "examples".to_owned()),
                credential,
                client_options: ClientOptions::default(),
                polling_interval: Duration::from_secs(2),
                emulator: None,
            };
            println!("Running against Azure ({})", target.describe());
            return Ok(target);
        }
        let emulator = Emulator::start(EmulatorOptions::default())
            .await
            .map_err(|e: EmulatorError| TargetError(format!("starting the emulator: {e}")))?;
        let target = Target {
            vault_url: emulator.vault_url(name),
            managed_hsm_url: Some(emulator.managed_hsm_url(name)),
            arm_endpoint: format!("https://management.azure.com:{}", emulator.port()),
            subscription_id: Some("00000000-0000-0000-0000-000000000000".to_owned()),
            resource_group: "examples".to_owned(),
            credential: emulator.credential(),
            client_options: emulator.client_options(),
            polling_interval: Duration::from_millis(50),
            emulator: Some(emulator),
        };
        println!(
            "Running against the embedded emulator at {} (set {VAULT_URL_VAR} for a real vault)",
            target.vault_url
        );
        Ok(target)
    }

    /// The Managed HSM's URL, or an error naming the variable to set.
    pub fn require_managed_hsm(&self) -> Result<&str, TargetError> {
        self.managed_hsm_url
            .as_deref()
            .ok_or_else(|| TargetError(format!("set {MANAGED_HSM_URL_VAR} to run this on Azure")))
    }

    /// The subscription, or an error naming the variable to set.
    pub fn require_subscription(&self) -> Result<&str, TargetError> {
        self.subscription_id
            .as_deref()
            .ok_or_else(|| TargetError(format!("set {SUBSCRIPTION_ID_VAR} to run this on Azure")))
    }

    /// The vault's URL, or an error naming the variable to set.
    pub fn require_vault(&self) -> Result<&str, TargetError> {
        if self.vault_url.is_empty() {
            return Err(TargetError(format!(
                "set {VAULT_URL_VAR} to run this on Azure"
            )));
        }
        Ok(&self.vault_url)
    }

    fn describe(&self) -> String {
        let mut parts = Vec::new();
        if !self.vault_url.is_empty() {
            parts.push(format!("vault {}", self.vault_url));
        }
        if let Some(hsm) = &self.managed_hsm_url {
            parts.push(format!("Managed HSM {hsm}"));
        }
        if let Some(subscription) = &self.subscription_id {
            parts.push(format!("subscription {subscription}"));
        }
        parts.join(", ")
    }
}

/// Why a [`Target`] could not be set up.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct TargetError(String);
