//! `KeyVaultKeyIdentifier`: the parts of a key id.

use keyvault_core::{IdentifierParts, KeyVaultIdentifier, Result};
use std::{fmt, ops::Deref};

/// A parsed key id: `https://{vault}/keys/{name}[/{version}]` (or `deletedkeys`).
///
/// ```
/// use keyvault_keys::KeyVaultKeyIdentifier;
/// let id = KeyVaultKeyIdentifier::parse("https://my-vault.vault.azure.net/keys/signing-key/78deebed173b48e48f55abf87ed4cf71")?;
/// assert_eq!(id.vault_url(), "https://my-vault.vault.azure.net");
/// assert_eq!(id.name(), "signing-key");
/// assert_eq!(id.version(), Some("78deebed173b48e48f55abf87ed4cf71"));
/// # Ok::<(), keyvault_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct KeyVaultKeyIdentifier(KeyVaultIdentifier);

/// The collections a key id may name.
const COLLECTIONS: &[&str] = &["keys", "deletedkeys"];

impl KeyVaultKeyIdentifier {
    /// Parses a key id; any other id is an [`keyvault_core::Error::InvalidArgument`].
    pub fn parse(id: &str) -> Result<Self> {
        KeyVaultIdentifier::parse(id, COLLECTIONS).map(KeyVaultKeyIdentifier)
    }

    /// The parts of a key id, borrowed from it where it needs no normalisation: what models
    /// use, as they keep the id itself anyway.
    pub(crate) fn parts(id: &str) -> Result<IdentifierParts<'_>> {
        KeyVaultIdentifier::parse_parts(id, COLLECTIONS)
    }
}

impl Deref for KeyVaultKeyIdentifier {
    type Target = KeyVaultIdentifier;

    fn deref(&self) -> &KeyVaultIdentifier {
        &self.0
    }
}

impl fmt::Display for KeyVaultKeyIdentifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_keys_and_deleted_keys_only() {
        assert!(KeyVaultKeyIdentifier::parse("https://v.vault.azure.net/secrets/s/1").is_err());
        let id =
            KeyVaultKeyIdentifier::parse("https://h.managedhsm.azure.net/deletedkeys/k").unwrap();
        assert_eq!(id.name(), "k");
        assert_eq!(id.version(), None);
        assert_eq!(
            id.to_string(),
            "https://h.managedhsm.azure.net/deletedkeys/k"
        );
        let id = KeyVaultKeyIdentifier::parse("https://localhost:8443/keys/k/abc").unwrap();
        assert_eq!(id.vault_url(), "https://localhost:8443");
        assert_eq!(id.version(), Some("abc"));
    }
}
