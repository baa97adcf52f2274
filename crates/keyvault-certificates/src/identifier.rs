//! `KeyVaultCertificateIdentifier`: the parts of a certificate id.

use keyvault_core::{IdentifierParts, KeyVaultIdentifier, Result};
use std::{fmt, ops::Deref};

/// A parsed certificate id: `https://{vault}/certificates/{name}[/{version}]` (or
/// `deletedcertificates`).
///
/// ```
/// use keyvault_certificates::KeyVaultCertificateIdentifier;
/// let id = KeyVaultCertificateIdentifier::parse("https://my-vault.vault.azure.net/certificates/web/4387e9f3d6e14c459867679a90fd0f79")?;
/// assert_eq!(id.vault_url(), "https://my-vault.vault.azure.net");
/// assert_eq!(id.name(), "web");
/// assert_eq!(id.version(), Some("4387e9f3d6e14c459867679a90fd0f79"));
/// # Ok::<(), keyvault_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct KeyVaultCertificateIdentifier(KeyVaultIdentifier);

/// The collections a certificate id may name.
const COLLECTIONS: &[&str] = &["certificates", "deletedcertificates"];

impl KeyVaultCertificateIdentifier {
    /// Parses a certificate id; any other id is an [`keyvault_core::Error::InvalidArgument`].
    pub fn parse(id: &str) -> Result<Self> {
        KeyVaultIdentifier::parse(id, COLLECTIONS).map(KeyVaultCertificateIdentifier)
    }

    /// The parts of a certificate id, borrowed from it where it needs no normalisation: what models
    /// use, as they keep the id itself anyway.
    pub(crate) fn parts(id: &str) -> Result<IdentifierParts<'_>> {
        KeyVaultIdentifier::parse_parts(id, COLLECTIONS)
    }
}

impl Deref for KeyVaultCertificateIdentifier {
    type Target = KeyVaultIdentifier;

    fn deref(&self) -> &KeyVaultIdentifier {
        &self.0
    }
}

impl fmt::Display for KeyVaultCertificateIdentifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_certificate_ids_only() {
        assert!(
            KeyVaultCertificateIdentifier::parse("https://v.vault.azure.net/keys/k/1").is_err()
        );
        let id =
            KeyVaultCertificateIdentifier::parse("https://v.vault.azure.net/deletedcertificates/c")
                .unwrap();
        assert_eq!(id.name(), "c");
        assert_eq!(id.version(), None);
        let pending =
            KeyVaultCertificateIdentifier::parse("https://localhost:8443/certificates/c/pending")
                .unwrap();
        assert_eq!(pending.vault_url(), "https://localhost:8443");
        assert_eq!(
            pending.to_string(),
            "https://localhost:8443/certificates/c/pending"
        );
    }
}
