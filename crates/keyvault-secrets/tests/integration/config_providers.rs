//! `SecretsConfig` against the emulator: names mapped as .NET maps them, the prefix and tag
//! filters, JSON secrets expanded, disabled secrets skipped, a reload through the cache seeing a
//! new value, `Debug` showing keys only; as a `figment::Provider` and a `config::Source` when
//! those features are on.

use keyvault_emulator::Emulator;
use keyvault_secrets::{
    CacheClock, ExposeSecret, SecretCache, SecretClient, SecretsConfig, SetSecretOptions,
};
use keyvault_testkit::emulator::emulator;
use std::{collections::HashMap, time::Duration};

const PASSWORD: &str = "Pa55-w0rd-c0nf1g-81d2";

/// A vault holding an application's configuration, and a cache over it with a manual clock.
async fn vault(emulator: &Emulator, vault: &str) -> (SecretClient, SecretCache, CacheClock) {
    let client = super::secret_client::vault(emulator, vault);
    let json = || {
        Some(SetSecretOptions {
            content_type: Some("application/json".into()),
            ..Default::default()
        })
    };
    let tagged = || {
        Some(SetSecretOptions {
            tags: Some(HashMap::from([("app".to_owned(), "web".to_owned())])),
            ..Default::default()
        })
    };
    client
        .set_secret("MyApp--Database--Password", PASSWORD, tagged())
        .await
        .unwrap();
    client
        .set_secret("MyApp--Database--Host", "db.internal", None)
        .await
        .unwrap();
    client
        .set_secret(
            "MyApp--Limits",
            r#"{"retries": 3, "http": {"timeout": 2.5, "h2": true}}"#,
            json(),
        )
        .await
        .unwrap();
    client
        .set_secret("MyApp--NotJson", "[1, 2]", json())
        .await
        .unwrap();
    client
        .set_secret(
            "MyApp--Off",
            "hidden",
            Some(SetSecretOptions {
                enabled: Some(false),
                ..Default::default()
            }),
        )
        .await
        .unwrap();
    client
        .set_secret("Other--Key", "other", tagged())
        .await
        .unwrap();
    let clock = CacheClock::manual();
    let cache = SecretCache::builder(client.clone())
        .ttl(Duration::from_secs(60))
        .clock(clock.clone())
        .build();
    (client, cache, clock)
}

#[tokio::test]
async fn secrets_load_as_configuration_keys_and_reload_through_the_cache() {
    let emulator = emulator().await;
    let (client, cache, clock) = vault(&emulator, "config").await;

    let loader = SecretsConfig::loader(cache.clone())
        .prefix("myapp--")
        .expand_json(true);
    let config = loader.load().await.unwrap();
    assert_eq!(
        config.keys().collect::<Vec<_>>(),
        ["database.host", "database.password", "limits", "notjson"],
        "prefix stripped, `--` to `.`, lower case, the disabled secret and `Other--Key` left out"
    );
    assert_eq!(
        config.get("database.password").unwrap().expose_secret(),
        PASSWORD
    );
    let debug = format!("{config:?}");
    assert!(
        debug.contains("database.password") && !debug.contains(PASSWORD),
        "{debug}"
    );

    // Without a prefix every enabled secret; with a tag only the tagged ones.
    let all = SecretsConfig::loader(cache.clone()).load().await.unwrap();
    assert_eq!(all.len(), 5);
    assert!(all.get("other.key").is_some());
    let tagged = SecretsConfig::loader(cache.clone())
        .tag("app", "web")
        .load()
        .await
        .unwrap();
    assert_eq!(
        tagged.keys().collect::<Vec<_>>(),
        ["myapp.database.password", "other.key"]
    );

    // A reload reads through the cache: nothing new before the time to live, then the new value.
    client
        .set_secret("MyApp--Database--Password", "rotated", None)
        .await
        .unwrap();
    let before = cache.stats().requests;
    let again = loader.load().await.unwrap();
    assert_eq!(
        again.get("database.password").unwrap().expose_secret(),
        PASSWORD
    );
    assert_eq!(cache.stats().requests, before, "values from memory");
    clock.advance(Duration::from_secs(61));
    let reloaded = loader.load().await.unwrap();
    assert_eq!(
        reloaded.get("database.password").unwrap().expose_secret(),
        "rotated"
    );
}

#[tokio::test]
async fn a_watch_publishes_reloads() {
    let emulator = emulator().await;
    let (client, cache, clock) = vault(&emulator, "watch").await;
    let mut watch = SecretsConfig::loader(cache)
        .prefix("MyApp--")
        .watch(Duration::from_millis(50))
        .await
        .unwrap();
    assert_eq!(
        watch.latest().get("database.host").unwrap().expose_secret(),
        "db.internal"
    );
    client
        .set_secret("MyApp--Database--Host", "db2.internal", None)
        .await
        .unwrap();
    clock.advance(Duration::from_secs(61));
    let mut seen = false;
    for _ in 0..100 {
        assert!(watch.changed().await);
        if watch.latest().get("database.host").unwrap().expose_secret() == "db2.internal" {
            seen = true;
            break;
        }
    }
    assert!(seen, "the reload saw the new value");
}

#[cfg(feature = "figment")]
#[tokio::test]
async fn figment_extracts_the_secrets_over_other_providers() {
    use figment::{providers::Serialized, Figment};

    #[derive(serde::Deserialize)]
    struct Settings {
        database: Database,
        limits: Limits,
        notjson: String,
    }
    #[derive(serde::Deserialize)]
    struct Database {
        host: String,
        password: String,
        port: u16,
    }
    #[derive(serde::Deserialize)]
    struct Limits {
        retries: u32,
        http: Http,
    }
    #[derive(serde::Deserialize)]
    struct Http {
        timeout: f64,
        h2: bool,
    }

    let emulator = emulator().await;
    let (_, cache, _) = vault(&emulator, "figment").await;
    let secrets = SecretsConfig::loader(cache)
        .prefix("MyApp--")
        .expand_json(true)
        .load()
        .await
        .unwrap();
    let settings: Settings = Figment::new()
        .merge(Serialized::default("database.port", 5432))
        .merge(Serialized::default("database.host", "localhost"))
        .merge(secrets)
        .extract()
        .unwrap();
    assert_eq!(
        settings.database.host, "db.internal",
        "the vault overrides the default"
    );
    assert_eq!(settings.database.password, PASSWORD);
    assert_eq!(settings.database.port, 5432);
    assert_eq!(settings.limits.retries, 3);
    assert_eq!(settings.limits.http.timeout, 2.5);
    assert!(settings.limits.http.h2);
    assert_eq!(
        settings.notjson, "[1, 2]",
        "a JSON value that is not an object stays a string"
    );
}

#[cfg(feature = "config")]
#[tokio::test]
async fn config_builds_from_the_snapshot() {
    let emulator = emulator().await;
    let (_, cache, _) = vault(&emulator, "config-crate").await;
    let secrets = SecretsConfig::loader(cache)
        .prefix("MyApp--")
        .expand_json(true)
        .load()
        .await
        .unwrap();
    let debug = format!("{secrets:?}");
    let settings = config::Config::builder()
        .set_default("database.port", 5432)
        .unwrap()
        .add_source(secrets)
        .build()
        .unwrap();
    assert_eq!(settings.get_string("database.password").unwrap(), PASSWORD);
    assert_eq!(settings.get_string("database.host").unwrap(), "db.internal");
    assert_eq!(settings.get_int("database.port").unwrap(), 5432);
    assert_eq!(settings.get_int("limits.retries").unwrap(), 3);
    assert_eq!(settings.get_float("limits.http.timeout").unwrap(), 2.5);
    assert!(settings.get_bool("limits.http.h2").unwrap());
    assert!(!debug.contains(PASSWORD), "{debug}");
}
