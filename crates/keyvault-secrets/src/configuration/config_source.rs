//! [`SecretsConfig`] as a `config::Source`.

use super::SecretsConfig;
use config::{ConfigError, Map, Source, Value, ValueKind};

/// The secrets as a source of the `config` crate: sections are tables, values strings (or the
/// fields of expanded JSON secrets). `config`'s sources are synchronous, so the vault is read
/// before, by [`super::SecretsConfigLoader::load`]; the source hands out that snapshot.
///
/// ```no_run
/// # async fn run(loader: keyvault_secrets::SecretsConfigLoader) -> Result<(), Box<dyn std::error::Error>> {
/// let secrets = loader.load().await?;
/// let settings = config::Config::builder()
///     .set_default("database.host", "localhost")?
///     .add_source(secrets)
///     .build()?;
/// let password: String = settings.get("database.password")?;
/// # Ok(()) }
/// ```
impl Source for SecretsConfig {
    fn clone_into_box(&self) -> Box<dyn Source + Send + Sync> {
        Box::new(self.clone())
    }

    fn collect(&self) -> Result<Map<String, Value>, ConfigError> {
        let origin = self.vault_url.clone();
        Ok(self
            .tree()
            .into_iter()
            .map(|(key, value)| (key, convert(&origin, value)))
            .collect())
    }
}

fn convert(origin: &String, value: serde_json::Value) -> Value {
    let kind = match value {
        serde_json::Value::Null => ValueKind::Nil,
        serde_json::Value::Bool(b) => ValueKind::Boolean(b),
        serde_json::Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                ValueKind::I64(i)
            } else if let Some(u) = n.as_u64() {
                ValueKind::U64(u)
            } else {
                ValueKind::Float(n.as_f64().unwrap_or(f64::NAN))
            }
        }
        serde_json::Value::String(s) => ValueKind::String(s),
        serde_json::Value::Array(items) => {
            ValueKind::Array(items.into_iter().map(|v| convert(origin, v)).collect())
        }
        serde_json::Value::Object(fields) => ValueKind::Table(
            fields
                .into_iter()
                .map(|(k, v)| (k, convert(origin, v)))
                .collect(),
        ),
    };
    Value::new(Some(origin), kind)
}
