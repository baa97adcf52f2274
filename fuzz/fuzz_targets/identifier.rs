//! Identifier parsing: `KeyVaultIdentifier::parse` and the secret, key and certificate
//! identifier types never panic; whatever parses is https, names a collection of the set and
//! a non-empty name, and parses again to the same parts.
#![no_main]

use keyvault_core::KeyVaultIdentifier;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for collections in [&["secrets", "deletedsecrets"][..], &["keys"][..]] {
        if let Ok(id) = KeyVaultIdentifier::parse(text, collections) {
            assert!(id.vault_url().starts_with("https://"));
            assert!(!id.name().is_empty());
            assert!(collections
                .iter()
                .any(|c| c.eq_ignore_ascii_case(id.collection())));
            let again = KeyVaultIdentifier::parse(id.source_id(), collections).unwrap();
            assert_eq!(again, id);
        }
    }
    let _ = keyvault_secrets::KeyVaultSecretIdentifier::parse(text);
    let _ = keyvault_keys::KeyVaultKeyIdentifier::parse(text);
    let _ = keyvault_certificates::KeyVaultCertificateIdentifier::parse(text);
});
