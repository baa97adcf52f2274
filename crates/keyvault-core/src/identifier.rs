//! Parsing of Key Vault object identifiers:
//! `https://{host}[:{port}]/{collection}/{name}[/{version}]`.

use crate::error::{Error, Result};
use std::{borrow::Cow, fmt};
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
        let parts = Self::parse_parts(id, collections)?;
        Ok(KeyVaultIdentifier {
            source_id: id.to_string(),
            vault_url: parts.vault_url.into_owned(),
            collection: parts.collection.into_owned(),
            name: parts.name.into_owned(),
            version: parts.version.map(Cow::into_owned),
        })
    }

    /// Like [`KeyVaultIdentifier::parse`], but lends the parts out of `id` where it is already
    /// in the form the service issues, so that a model keeping only some of them copies just
    /// those.
    pub fn parse_parts<'a>(id: &'a str, collections: &[&str]) -> Result<IdentifierParts<'a>> {
        let bad = |why: &str| Error::invalid_argument("id", format!("{why}: {id:?}"));
        // Service-issued ids take the fast path; anything unusual gets the URL parser's
        // normalisation, and both agree wherever the fast path answers (tested).
        let parts = match canonical_parts(id) {
            Some(parts) => parts,
            None => url_parts(id).map_err(bad)?,
        };
        if !collections
            .iter()
            .any(|c| c.eq_ignore_ascii_case(&parts.collection))
        {
            return Err(bad(&format!("collection is not one of {collections:?}")));
        }
        Ok(parts)
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

/// The parts of an identifier, borrowed from it where it needs no normalisation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdentifierParts<'a> {
    /// `https://{host}[:{port}]`, without a trailing slash.
    pub vault_url: Cow<'a, str>,
    /// The collection, as the id spells it.
    pub collection: Cow<'a, str>,
    /// The object's name.
    pub name: Cow<'a, str>,
    /// The version, when the id names one.
    pub version: Option<Cow<'a, str>>,
}

/// Splits an id already in the form the service issues (`https://`, a lowercase DNS host, a
/// port other than 443 without leading zeros, two or three segments of letters, digits and
/// dashes, nothing else) without a URL parser; `None` for any other form.
fn canonical_parts(id: &str) -> Option<IdentifierParts<'_>> {
    let rest = id.strip_prefix("https://")?;
    let (authority, path) = rest.split_at(rest.find('/')?);
    let (host, port) = match authority.split_once(':') {
        Some((host, port)) => (host, Some(port)),
        None => (authority, None),
    };
    if !is_plain_dns_host(host) {
        return None;
    }
    if let Some(port) = port {
        if port.starts_with('0')
            || !port.bytes().all(|b| b.is_ascii_digit())
            || port.parse::<u16>().ok()? == 443
        {
            return None;
        }
    }
    let mut segments = path[1..].split('/');
    let collection = segments.next()?;
    let name = segments.next()?;
    let version = segments.next();
    if segments.next().is_some() {
        return None;
    }
    let plain =
        |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
    if !plain(collection) || !plain(name) || !version.is_none_or(plain) {
        return None;
    }
    Some(IdentifierParts {
        vault_url: Cow::Borrowed(&id[.."https://".len() + authority.len()]),
        collection: Cow::Borrowed(collection),
        name: Cow::Borrowed(name),
        version: version.map(Cow::Borrowed),
    })
}

/// Lowercase DNS labels the URL parser keeps as they are: no punycode (`xn--`) labels, which
/// it validates, and no numeric last label, which it reads as an IPv4 address.
fn is_plain_dns_host(host: &str) -> bool {
    let plain_label = |label: &str| {
        !label.is_empty()
            && !label.starts_with("xn--")
            && label
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    };
    let numeric_last = host
        .rsplit('.')
        .next()
        .is_some_and(|last| last.starts_with(|c: char| c.is_ascii_digit()));
    host.split('.').all(plain_label) && !numeric_last
}

/// Splits any other id with the URL parser, which normalises case, default ports and escapes.
fn url_parts(id: &str) -> std::result::Result<IdentifierParts<'static>, &'static str> {
    let url = Url::parse(id).map_err(|_| "not a URL")?;
    if url.scheme() != "https" {
        return Err("not an https URL");
    }
    let host = url.host_str().ok_or("no host")?;
    let segments: Vec<&str> = url
        .path_segments()
        .map(|s| s.filter(|s| !s.is_empty()).collect())
        .unwrap_or_default();
    let (collection, name, version) = match segments.as_slice() {
        [c, n] => (*c, *n, None),
        [c, n, v] => (*c, *n, Some(*v)),
        _ => return Err("expected /{collection}/{name}[/{version}]"),
    };
    let owned = |s: &str| Cow::Owned(s.to_owned());
    Ok(IdentifierParts {
        vault_url: Cow::Owned(match url.port() {
            Some(port) => format!("https://{host}:{port}"),
            None => format!("https://{host}"),
        }),
        collection: owned(collection),
        name: owned(name),
        version: version.map(owned),
    })
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

    #[test]
    fn fast_path_takes_service_ids_and_leaves_the_rest() {
        for id in [
            "https://myvault.vault.azure.net/secrets/s/56aac59e2d59404abf1c2a6bd5e790e1",
            "https://localhost:8443/deletedkeys/k",
        ] {
            assert!(canonical_parts(id).is_some(), "{id}");
        }
        for id in [
            "https://MyVault.vault.azure.net/secrets/s",
            "https://v.vault.azure.net:443/keys/k",
            "https://v.vault.azure.net:08443/keys/k",
            "https://127.0.0.1:8443/keys/k",
            "https://xn--bcher-kva.example/keys/k",
            "https://v.vault.azure.net/keys/k/",
            "https://v.vault.azure.net/keys/k?x=1",
            "https://v.vault.azure.net/keys/k%20",
            "https://v..vault.azure.net/keys/k",
        ] {
            assert!(canonical_parts(id).is_none(), "{id}");
        }
    }

    proptest::proptest! {
        /// Wherever the fast path answers, the URL parser gives the same parts.
        #[test]
        fn fast_path_agrees_with_the_url_parser(
            id in "https://[a-z0-9.-]{1,20}(:[0-9]{1,6})?/[a-zA-Z0-9-]{1,8}/[a-zA-Z0-9-]{1,8}(/[a-zA-Z0-9-]{0,8})?",
        ) {
            if let Some(fast) = canonical_parts(&id) {
                proptest::prop_assert_eq!(Ok(fast), url_parts(&id));
            }
        }
    }
}
