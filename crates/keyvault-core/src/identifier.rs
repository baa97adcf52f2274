//! Parsing of Key Vault object identifiers:
//! `https://{host}[:{port}]/{collection}/{name}[/{version}]`.

use crate::error::{Error, Result};
use std::fmt;
use url::Url;

/// A parsed Key Vault object identifier.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct KeyVaultIdentifier {
    source_id: String,
    vault_url: String,
    collection: String,
    name: String,
    version: Option<String>,
}

impl KeyVaultIdentifier {
    /// Parses an identifier whose collection (first path segment) is one of `collections`
    /// (compared without case).
    pub fn parse(id: &str, collections: &[&str]) -> Result<Self> {
        let bad = |why: &str| Error::invalid_argument("id", format!("{why}: {id:?}"));
        let url = Url::parse(id).map_err(|_| bad("not a URL"))?;
        if url.scheme() != "https" {
            return Err(bad("not an https URL"));
        }
        let host = url.host_str().ok_or_else(|| bad("no host"))?;
        let segments: Vec<&str> = url
            .path_segments()
            .map(|s| s.filter(|s| !s.is_empty()).collect())
            .unwrap_or_default();
        let (collection, name, version) = match segments.as_slice() {
            [c, n] => (*c, *n, None),
            [c, n, v] => (*c, *n, Some(*v)),
            _ => return Err(bad("expected /{collection}/{name}[/{version}]")),
        };
        if !collections
            .iter()
            .any(|c| c.eq_ignore_ascii_case(collection))
        {
            return Err(bad(&format!("collection is not one of {collections:?}")));
        }
        let vault_url = match url.port() {
            Some(port) => format!("https://{host}:{port}"),
            None => format!("https://{host}"),
        };
        Ok(KeyVaultIdentifier {
            source_id: id.to_string(),
            vault_url,
            collection: collection.to_string(),
            name: name.to_string(),
            version: version.map(str::to_string),
        })
    }

    /// The identifier as given.
    pub fn source_id(&self) -> &str {
        &self.source_id
    }

    /// The vault's URL, `https://{host}[:{port}]`, without a trailing slash.
    pub fn vault_url(&self) -> &str {
        &self.vault_url
    }

    /// The collection, for example `secrets` or `deletedsecrets`.
    pub fn collection(&self) -> &str {
        &self.collection
    }

    /// The object's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The version, when the identifier names one.
    pub fn version(&self) -> Option<&str> {
        self.version.as_deref()
    }
}

impl fmt::Debug for KeyVaultIdentifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeyVaultIdentifier")
            .field("vault_url", &self.vault_url)
            .field("collection", &self.collection)
            .field("name", &self.name)
            .field("version", &self.version)
            .finish()
    }
}

impl fmt::Display for KeyVaultIdentifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.source_id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_versioned_and_unversioned_ids() {
        let id = KeyVaultIdentifier::parse(
            "https://myvault.vault.azure.net/secrets/FirstCreateTest/56aac59e2d59404abf1c2a6bd5e790e1",
            &["secrets"],
        )
        .unwrap();
        assert_eq!(id.vault_url(), "https://myvault.vault.azure.net");
        assert_eq!(id.name(), "FirstCreateTest");
        assert_eq!(id.version(), Some("56aac59e2d59404abf1c2a6bd5e790e1"));

        let id = KeyVaultIdentifier::parse(
            "https://localhost:8443/deletedsecrets/s1",
            &["secrets", "deletedsecrets"],
        )
        .unwrap();
        assert_eq!(id.vault_url(), "https://localhost:8443");
        assert_eq!(id.collection(), "deletedsecrets");
        assert_eq!(id.version(), None);
    }

    #[test]
    fn default_port_is_dropped() {
        let id =
            KeyVaultIdentifier::parse("https://v.vault.azure.net:443/keys/k", &["keys"]).unwrap();
        assert_eq!(id.vault_url(), "https://v.vault.azure.net");
    }

    #[test]
    fn rejects_malformed_ids() {
        for bad in [
            "not a url",
            "http://v.vault.azure.net/secrets/s",
            "https://v.vault.azure.net/secrets",
            "https://v.vault.azure.net/keys/k",
            "https://v.vault.azure.net/secrets/s/v/extra",
        ] {
            assert!(
                KeyVaultIdentifier::parse(bad, &["secrets"]).is_err(),
                "{bad}"
            );
        }
    }
}
