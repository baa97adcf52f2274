//! `KeyVaultSecretIdentifier`: the parts of a secret id.

use keyvault_core::{IdentifierParts, KeyVaultIdentifier, Result};
use std::{fmt, ops::Deref};

/// A parsed secret id: `https://{vault}/secrets/{name}[/{version}]` (or `deletedsecrets`).
///
/// ```
/// use keyvault_secrets::KeyVaultSecretIdentifier;
/// let id = KeyVaultSecretIdentifier::parse("https://my-vault.vault.azure.net/secrets/db-password/4387e9f3d6e14c459867679a90fd0f79")?;
/// assert_eq!(id.vault_url(), "https://my-vault.vault.azure.net");
/// assert_eq!(id.name(), "db-password");
/// assert_eq!(id.version(), Some("4387e9f3d6e14c459867679a90fd0f79"));
/// # Ok::<(), keyvault_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct KeyVaultSecretIdentifier(KeyVaultIdentifier);

/// The collections a secret id may name.
const COLLECTIONS: &[&str] = &["secrets", "deletedsecrets"];

impl KeyVaultSecretIdentifier {
    /// Parses a secret id; any other id is an [`keyvault_core::Error::InvalidArgument`].
    pub fn parse(id: &str) -> Result<Self> {
        KeyVaultIdentifier::parse(id, COLLECTIONS).map(KeyVaultSecretIdentifier)
    }

    /// The parts of a secret id, borrowed from it where it needs no normalisation: what models
    /// use, as they keep the id itself anyway.
    pub(crate) fn parts(id: &str) -> Result<IdentifierParts<'_>> {
        KeyVaultIdentifier::parse_parts(id, COLLECTIONS)
    }
}

impl Deref for KeyVaultSecretIdentifier {
    type Target = KeyVaultIdentifier;

    fn deref(&self) -> &KeyVaultIdentifier {
        &self.0
    }
}

impl fmt::Display for KeyVaultSecretIdentifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_other_collections() {
        assert!(KeyVaultSecretIdentifier::parse("https://v.vault.azure.net/keys/k/1").is_err());
        let id =
            KeyVaultSecretIdentifier::parse("https://v.vault.azure.net/deletedsecrets/s").unwrap();
        assert_eq!(id.name(), "s");
        assert_eq!(id.to_string(), "https://v.vault.azure.net/deletedsecrets/s");
    }
}
