//! Application configuration from a vault's secrets: [`SecretsConfig`], a snapshot of every
//! enabled secret under configuration keys, loaded asynchronously through a [`SecretCache`];
//! it is a `figment::Provider` (feature `figment`) and a `config::Source` (feature `config`).

use crate::{CacheError, SecretCache};
use futures::TryStreamExt;
use keyvault_core::{Error, ExposeSecret, SecretString};
use std::{collections::BTreeMap, fmt, time::Duration};

#[cfg(feature = "config")]
mod config_source;
#[cfg(feature = "figment")]
mod figment_provider;

/// Reads the secrets of a vault into a [`SecretsConfig`]: which secrets (a name prefix, a tag),
/// and whether JSON values become sections. From [`SecretsConfig::loader`].
///
/// ```no_run
/// use keyvault_secrets::{SecretCache, SecretsConfig};
/// # async fn run(cache: SecretCache) -> Result<(), keyvault_secrets::CacheError> {
/// let config = SecretsConfig::loader(cache)
///     .prefix("MyApp--")
///     .expand_json(true)
///     .load()
///     .await?;
/// println!("{:?}", config.keys().collect::<Vec<_>>());
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
#[must_use]
pub struct SecretsConfigLoader {
    cache: SecretCache,
    prefix: Option<String>,
    tag: Option<(String, String)>,
    expand_json: bool,
}

impl SecretsConfigLoader {
    /// Only secrets whose name starts with `prefix` (compared without regard to case, as the
    /// vault compares names), with the prefix removed: with `MyApp--`, `MyApp--Database--Host`
    /// becomes `database.host` and `Other--Key` is left out.
    ///
    /// ```no_run
    /// # fn run(cache: keyvault_secrets::SecretCache) {
    /// let loader = keyvault_secrets::SecretsConfig::loader(cache).prefix("MyApp--");
    /// # }
    /// ```
    pub fn prefix(mut self, prefix: impl Into<String>) -> Self {
        self.prefix = Some(prefix.into());
        self
    }

    /// Only secrets carrying the tag `name` with the value `value`.
    ///
    /// ```no_run
    /// # fn run(cache: keyvault_secrets::SecretCache) {
    /// let loader = keyvault_secrets::SecretsConfig::loader(cache).tag("app", "web");
    /// # }
    /// ```
    pub fn tag(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.tag = Some((name.into(), value.into()));
        self
    }

    /// Whether a secret whose content type is `application/json` and whose value is a JSON
    /// object becomes a section, its fields keys under the secret's own (`Database` holding
    /// `{"host": "db", "port": 5432}` gives `database.host` and `database.port`, a number).
    /// Off by default: every value is a string. A value that is not a JSON object stays a
    /// string.
    ///
    /// ```no_run
    /// # fn run(cache: keyvault_secrets::SecretCache) {
    /// let loader = keyvault_secrets::SecretsConfig::loader(cache).expand_json(true);
    /// # }
    /// ```
    pub fn expand_json(mut self, expand: bool) -> Self {
        self.expand_json = expand;
        self
    }

    /// Lists the vault's secrets and reads the value of every enabled one that matches, through
    /// the cache: a load soon after another reads only what expired since. Disabled secrets,
    /// and secrets disabled or deleted between the list and the read, are left out.
    ///
    /// Call it again (or use [`SecretsConfigLoader::watch`]) to see changed values, once the
    /// cache's time to live has passed.
    ///
    /// ```no_run
    /// # async fn run(loader: keyvault_secrets::SecretsConfigLoader) -> Result<(), keyvault_secrets::CacheError> {
    /// let config = loader.load().await?;
    /// println!("{} keys", config.len());
    /// # Ok(()) }
    /// ```
    pub async fn load(&self) -> Result<SecretsConfig, CacheError> {
        let mut names = Vec::new();
        let mut secrets = self
            .cache
            .client()
            .list_properties_of_secrets(None)
            .map_err(CacheError::from)?;
        while let Some(properties) = secrets.try_next().await.map_err(CacheError::from)? {
            if properties.enabled == Some(false) {
                continue;
            }
            if let Some((tag, value)) = &self.tag {
                if properties.tags.get(tag) != Some(value) {
                    continue;
                }
            }
            let Some(key) = config_key(&properties.name, self.prefix.as_deref()) else {
                continue;
            };
            let json = self.expand_json
                && properties
                    .content_type
                    .as_deref()
                    .is_some_and(is_json_content_type);
            names.push((properties.name, key, json));
        }
        let mut entries = BTreeMap::new();
        for (name, key, json) in names {
            match self.cache.get(&name).await {
                Ok(value) => {
                    let json = json && is_json_object(&value);
                    entries.insert(key, ConfigEntry { value, json });
                }
                // Disabled or deleted since the list: as if it had not been listed.
                Err(e) if skipped(&e) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(SecretsConfig {
            vault_url: self.cache.client().vault_url().to_owned(),
            entries,
        })
    }

    /// Loads now, then again every `interval` in a tokio task, publishing each snapshot to the
    /// returned [`SecretsConfigWatch`]. A failed reload keeps the last snapshot (and is logged
    /// with `tracing`); the task ends when the watch and its clones are dropped.
    ///
    /// ```no_run
    /// # async fn run(loader: keyvault_secrets::SecretsConfigLoader) -> Result<(), keyvault_secrets::CacheError> {
    /// let watch = loader.watch(std::time::Duration::from_secs(300)).await?;
    /// let config = watch.latest(); // the newest snapshot, whenever asked
    /// # Ok(()) }
    /// ```
    pub async fn watch(self, interval: Duration) -> Result<SecretsConfigWatch, CacheError> {
        let first = self.load().await?;
        let (sender, receiver) = tokio::sync::watch::channel(first);
        tokio::spawn(async move {
            let mut ticks = tokio::time::interval(interval);
            ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            ticks.tick().await;
            loop {
                tokio::select! {
                    _ = ticks.tick() => {}
                    () = sender.closed() => return,
                }
                match self.load().await {
                    Ok(config) => {
                        if sender.send(config).is_err() {
                            return;
                        }
                    }
                    Err(error) => {
                        tracing::warn!(error = %error, "reloading the configuration from the vault failed; the last one stays")
                    }
                }
            }
        });
        Ok(SecretsConfigWatch { receiver })
    }
}

/// The newest [`SecretsConfig`] of a [`SecretsConfigLoader::watch`].
///
/// ```no_run
/// # async fn run(watch: keyvault_secrets::SecretsConfigWatch) {
/// let mut watch = watch;
/// while watch.changed().await {
///     println!("configuration reloaded: {} keys", watch.latest().len());
/// }
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct SecretsConfigWatch {
    receiver: tokio::sync::watch::Receiver<SecretsConfig>,
}

impl SecretsConfigWatch {
    /// The newest snapshot.
    ///
    /// ```no_run
    /// # fn run(watch: &keyvault_secrets::SecretsConfigWatch) {
    /// let config = watch.latest();
    /// # }
    /// ```
    pub fn latest(&self) -> SecretsConfig {
        self.receiver.borrow().clone()
    }

    /// Waits for the next reload; false when the reloading task has ended.
    ///
    /// ```no_run
    /// # async fn run(mut watch: keyvault_secrets::SecretsConfigWatch) {
    /// if watch.changed().await {
    ///     let config = watch.latest();
    /// }
    /// # }
    /// ```
    pub async fn changed(&mut self) -> bool {
        self.receiver.changed().await.is_ok()
    }
}

#[derive(Clone)]
struct ConfigEntry {
    value: SecretString,
    /// The value is a JSON object to expand.
    json: bool,
}

/// A snapshot of a vault's secrets as configuration: keys are secret names mapped as .NET's
/// Key Vault configuration provider maps them (`--` separates sections, and keys are lower
/// case: `Database--Password` is `database.password`), values the secrets' values. Loaded by
/// [`SecretsConfigLoader::load`]; used as a `figment::Provider` (feature `figment`) or a
/// `config::Source` (feature `config`), which are synchronous: the asynchronous load happens
/// first, into this snapshot, and the providers read from memory.
///
/// `Debug` shows the keys, never a value. Values stay [`SecretString`]s (zeroized on drop)
/// until figment or config copies them into their own values.
///
/// ```no_run
/// use keyvault_secrets::{ExposeSecret, SecretCache, SecretsConfig};
/// # async fn run(cache: SecretCache) -> Result<(), keyvault_secrets::CacheError> {
/// let config = SecretsConfig::loader(cache).load().await?;
/// if let Some(password) = config.get("database.password") {
///     println!("{} characters", password.expose_secret().len());
/// }
/// println!("{config:?}"); // keys only
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct SecretsConfig {
    vault_url: String,
    entries: BTreeMap<String, ConfigEntry>,
}

impl fmt::Debug for SecretsConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SecretsConfig")
            .field("vault_url", &self.vault_url)
            .field("keys", &self.entries.keys().collect::<Vec<_>>())
            .finish()
    }
}

impl SecretsConfig {
    /// A loader reading through `cache`.
    ///
    /// ```no_run
    /// # fn run(cache: keyvault_secrets::SecretCache) {
    /// let loader = keyvault_secrets::SecretsConfig::loader(cache);
    /// # }
    /// ```
    pub fn loader(cache: SecretCache) -> SecretsConfigLoader {
        SecretsConfigLoader {
            cache,
            prefix: None,
            tag: None,
            expand_json: false,
        }
    }

    /// The vault the secrets came from.
    ///
    /// ```no_run
    /// # fn run(config: &keyvault_secrets::SecretsConfig) {
    /// println!("from {}", config.vault_url());
    /// # }
    /// ```
    pub fn vault_url(&self) -> &str {
        &self.vault_url
    }

    /// The keys, one per secret, in order (a JSON secret's own key, not its fields').
    ///
    /// ```no_run
    /// # fn run(config: &keyvault_secrets::SecretsConfig) {
    /// for key in config.keys() { println!("{key}"); }
    /// # }
    /// ```
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.entries.keys().map(String::as_str)
    }

    /// The value of the secret mapped to `key` (a JSON secret's whole value).
    ///
    /// ```no_run
    /// # fn run(config: &keyvault_secrets::SecretsConfig) {
    /// let password = config.get("database.password");
    /// # }
    /// ```
    pub fn get(&self, key: &str) -> Option<&SecretString> {
        self.entries.get(key).map(|e| &e.value)
    }

    /// How many secrets were loaded.
    ///
    /// ```no_run
    /// # fn run(config: &keyvault_secrets::SecretsConfig) {
    /// println!("{} secrets", config.len());
    /// # }
    /// ```
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when no secret was loaded.
    ///
    /// ```no_run
    /// # fn run(config: &keyvault_secrets::SecretsConfig) {
    /// assert!(!config.is_empty(), "no configuration in the vault");
    /// # }
    /// ```
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The configuration as one JSON tree: sections are objects. Where a key is both a value
    /// and a section (`Database` and `Database--Host`), the section wins.
    #[cfg_attr(not(any(feature = "figment", feature = "config")), allow(dead_code))]
    fn tree(&self) -> serde_json::Map<String, serde_json::Value> {
        let mut root = serde_json::Map::new();
        for (key, entry) in &self.entries {
            let value = if entry.json {
                serde_json::from_str(entry.value.expose_secret()).unwrap_or_else(|_| {
                    serde_json::Value::String(entry.value.expose_secret().into())
                })
            } else {
                serde_json::Value::String(entry.value.expose_secret().into())
            };
            insert(&mut root, &key.split('.').collect::<Vec<_>>(), value);
        }
        root
    }
}

fn insert(
    map: &mut serde_json::Map<String, serde_json::Value>,
    path: &[&str],
    value: serde_json::Value,
) {
    let Some((head, rest)) = path.split_first() else {
        return;
    };
    if rest.is_empty() {
        match (map.get_mut(*head), value) {
            // A section already there: merge an object into it, else the section wins.
            (Some(serde_json::Value::Object(section)), serde_json::Value::Object(fields)) => {
                for (k, v) in fields {
                    insert(section, &[k.as_str()], v);
                }
            }
            (Some(serde_json::Value::Object(_)), _) => {}
            (_, value) => {
                map.insert((*head).to_owned(), value);
            }
        }
        return;
    }
    let slot = map
        .entry((*head).to_owned())
        .or_insert_with(|| serde_json::Value::Object(Default::default()));
    if !slot.is_object() {
        *slot = serde_json::Value::Object(Default::default());
    }
    if let serde_json::Value::Object(section) = slot {
        insert(section, rest, value);
    }
}

/// The configuration key of a secret name: the prefix removed, `--` to `.`, lower case. `None`
/// when the name lacks the prefix or nothing is left.
pub(crate) fn config_key(name: &str, prefix: Option<&str>) -> Option<String> {
    let rest = match prefix {
        Some(prefix) => {
            let head = name.get(..prefix.len())?;
            if !head.eq_ignore_ascii_case(prefix) {
                return None;
            }
            &name[prefix.len()..]
        }
        None => name,
    };
    let key = rest
        .split("--")
        .filter(|segment| !segment.is_empty())
        .map(str::to_ascii_lowercase)
        .collect::<Vec<_>>()
        .join(".");
    (!key.is_empty()).then_some(key)
}

fn is_json_content_type(content_type: &str) -> bool {
    content_type
        .split(';')
        .next()
        .is_some_and(|media| media.trim().eq_ignore_ascii_case("application/json"))
}

fn is_json_object(value: &SecretString) -> bool {
    matches!(
        serde_json::from_str::<serde_json::Value>(value.expose_secret()),
        Ok(serde_json::Value::Object(_))
    )
}

fn skipped(error: &Error) -> bool {
    error.is_not_found() || (error.is_forbidden() && error.inner_code() == Some("SecretDisabled"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_map_like_dotnet() {
        assert_eq!(
            config_key("Database--Password", None).as_deref(),
            Some("database.password")
        );
        assert_eq!(config_key("db-host", None).as_deref(), Some("db-host"));
        assert_eq!(
            config_key("MyApp--Db--Host", Some("myapp--")).as_deref(),
            Some("db.host")
        );
        assert_eq!(config_key("Other--Key", Some("MyApp--")), None);
        assert_eq!(config_key("MyApp--", Some("MyApp--")), None);
        assert_eq!(config_key("a----b", None).as_deref(), Some("a.b"));
    }

    #[test]
    fn sections_win_over_values_and_objects_merge() {
        let mut root = serde_json::Map::new();
        insert(&mut root, &["db"], serde_json::json!("plain"));
        insert(&mut root, &["db", "host"], serde_json::json!("h"));
        insert(&mut root, &["db"], serde_json::json!({"port": 1}));
        insert(&mut root, &["db"], serde_json::json!("again"));
        assert_eq!(
            serde_json::Value::Object(root),
            serde_json::json!({"db": {"host": "h", "port": 1}})
        );
    }

    #[test]
    fn json_content_types() {
        assert!(is_json_content_type("application/json"));
        assert!(is_json_content_type("Application/JSON; charset=utf-8"));
        assert!(!is_json_content_type("text/plain"));
    }
}
