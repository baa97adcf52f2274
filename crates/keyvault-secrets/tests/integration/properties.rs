//! Property tests of `KeyVaultSecretIdentifier::parse`: arbitrary text never panics, and
//! generated secret ids (and deleted-secret ids) parse back to their parts.

use keyvault_secrets::{Error, KeyVaultSecretIdentifier};
use proptest::prelude::*;

fn id() -> impl Strategy<Value = (String, String, String, String, Option<String>)> {
    (
        "[a-wyz][a-z0-9-]{0,20}",
        prop_oneof![
            Just(".vault.azure.net".to_string()),
            Just(".managedhsm.azure.net".to_string()),
            Just(".vault.azure.cn".to_string()),
            Just(".localhost".to_string()),
        ],
        proptest::option::of(1u16..=65535),
        prop::sample::select(vec![
            "secrets",
            "deletedsecrets",
            "Secrets",
            "DELETEDSECRETS",
        ]),
        "[0-9a-zA-Z-]{1,127}",
        proptest::option::of("[0-9a-f]{32}"),
    )
        .prop_map(|(vault, suffix, port, collection, name, version)| {
            let host = format!("{vault}{suffix}");
            let vault_url = match port {
                Some(p) if p != 443 => format!("https://{host}:{p}"),
                _ => format!("https://{host}"),
            };
            let authority = match port {
                Some(p) => format!("{host}:{p}"),
                None => host,
            };
            let mut text = format!("https://{authority}/{collection}/{name}");
            if let Some(v) = &version {
                text = format!("{text}/{v}");
            }
            (text, vault_url, collection.to_string(), name, version)
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_text_never_panics(text in any::<String>()) {
        if let Err(e) = KeyVaultSecretIdentifier::parse(&text) {
            prop_assert!(matches!(e, Error::InvalidArgument { .. }), "{:?}", e);
        }
    }

    #[test]
    fn url_shaped_text_never_panics(
        text in "(https?://)?[a-z0-9.:@\\[\\]%-]{0,20}(/[a-zA-Z0-9%.?#-]{0,12}){0,5}"
    ) {
        if let Ok(id) = KeyVaultSecretIdentifier::parse(&text) {
            prop_assert!(id.vault_url().starts_with("https://"));
            prop_assert!(!id.name().is_empty());
        }
    }

    #[test]
    fn generated_ids_parse_back((text, vault_url, collection, name, version) in id()) {
        let id = KeyVaultSecretIdentifier::parse(&text);
        prop_assert!(id.is_ok(), "{}", text);
        let id = id.unwrap();
        prop_assert_eq!(id.vault_url(), vault_url.as_str());
        prop_assert_eq!(id.collection(), collection.as_str());
        prop_assert_eq!(id.name(), name.as_str());
        prop_assert_eq!(id.version(), version.as_deref());
        prop_assert_eq!(id.to_string(), text.clone());
        // The same id in another collection is not a secret id.
        let key_id = text.replacen(&format!("/{collection}/"), "/keys/", 1);
        prop_assert!(KeyVaultSecretIdentifier::parse(&key_id).is_err());
    }
}
