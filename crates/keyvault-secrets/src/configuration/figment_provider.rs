//! [`SecretsConfig`] as a `figment::Provider`.

use super::SecretsConfig;
use figment::{
    value::{Dict, Map, Value},
    Error, Metadata, Profile, Provider,
};

/// The secrets under figment's default profile; values are strings, or the fields of expanded
/// JSON secrets. Merge it last so that the vault overrides files and the environment:
///
/// ```no_run
/// use figment::{providers::Serialized, Figment};
/// # async fn run(loader: keyvault_secrets::SecretsConfigLoader) -> Result<(), Box<dyn std::error::Error>> {
/// let secrets = loader.load().await?;
/// let figment = Figment::new()
///     .merge(Serialized::default("database.host", "localhost"))
///     .merge(secrets);
/// let password: String = figment.extract_inner("database.password")?;
/// # Ok(()) }
/// ```
impl Provider for SecretsConfig {
    fn metadata(&self) -> Metadata {
        Metadata::named("Azure Key Vault secrets").source(self.vault_url.clone())
    }

    fn data(&self) -> Result<Map<Profile, Dict>, Error> {
        let dict = match Value::serialize(serde_json::Value::Object(self.tree()))? {
            Value::Dict(_, dict) => dict,
            _ => Dict::new(),
        };
        Ok(Profile::Default.collect(dict))
    }
}
