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
///
/// Every listed item goes through here, so it is one pass over the bytes with a class table,
/// without `str` pattern searchers or splitting iterators.
fn canonical_parts(id: &str) -> Option<IdentifierParts<'_>> {
    const SCHEME: &str = "https://";
    let rest = id.strip_prefix(SCHEME)?.as_bytes();
    let class = |b: u8| CLASSES[usize::from(b)];
    // The first byte at or after `from` outside `bytes` (a tight loop over the run).
    let run_end = |from: usize, bytes: u8| {
        rest[from..]
            .iter()
            .position(|&b| class(b) & bytes == 0)
            .map(|n| from + n)
    };
    // The host: lowercase DNS labels.
    let mut label = 0;
    let host_end = loop {
        let i = run_end(label, HOST)?;
        match rest[i] {
            b'.' if plain_label(&rest[label..i]) => label = i + 1,
            b':' | b'/' => break i,
            _ => return None,
        }
    };
    let mut i = host_end;
    // The last label must not be numeric either: the URL parser reads that as IPv4.
    if !plain_label(&rest[label..host_end]) || class(rest[label]) & DIGIT != 0 {
        return None;
    }
    // The port: digits without a leading zero, not the default.
    if rest[i] == b':' {
        i += 1;
        let mut port: u32 = 0;
        let digits = i;
        loop {
            let b = *rest.get(i)?;
            if b == b'/' {
                break;
            }
            if class(b) & DIGIT == 0 || (i == digits && b == b'0') {
                return None;
            }
            port = port * 10 + u32::from(b - b'0');
            if port > u32::from(u16::MAX) {
                return None;
            }
            i += 1;
        }
        if i == digits || port == 443 {
            return None;
        }
    }
    let slash = i;
    // `/{collection}/{name}[/{version}]`: two or three non-empty segments of letters, digits
    // and dashes.
    let mut bounds = [0usize; 4];
    let mut count = 0;
    bounds[0] = slash + 1;
    while let Some(j) = run_end(bounds[count], SEGMENT) {
        if rest[j] != b'/' || count == 2 || j == bounds[count] {
            return None;
        }
        count += 1;
        bounds[count] = j + 1;
    }
    if count == 0 || bounds[count] == rest.len() {
        return None;
    }
    // All of it is ASCII, so every bound is a character boundary.
    let rest = &id[SCHEME.len()..];
    let segment = |k: usize| {
        let end = if k == count {
            rest.len()
        } else {
            bounds[k + 1] - 1
        };
        Cow::Borrowed(&rest[bounds[k]..end])
    };
    Some(IdentifierParts {
        vault_url: Cow::Borrowed(&id[..SCHEME.len() + slash]),
        collection: segment(0),
        name: segment(1),
        version: (count == 2).then(|| segment(2)),
    })
}

/// A byte of a lowercase DNS label: `a-z`, `0-9`, `-`.
const HOST: u8 = 1;
/// A byte of a plain path segment: `A-Z`, `a-z`, `0-9`, `-`.
const SEGMENT: u8 = 2;
/// `0-9`.
const DIGIT: u8 = 4;

/// The classes of every byte.
static CLASSES: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut i = 0;
    while i < 256 {
        let b = i as u8;
        if b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' {
            table[i] |= HOST;
        }
        if b.is_ascii_alphanumeric() || b == b'-' {
            table[i] |= SEGMENT;
        }
        if b.is_ascii_digit() {
            table[i] |= DIGIT;
        }
        i += 1;
    }
    table
};

/// A label the URL parser keeps as it is: not empty, and not punycode (`xn--`), which it
/// validates. Its bytes are checked by the caller.
fn plain_label(label: &[u8]) -> bool {
    !label.is_empty() && !label.starts_with(b"xn--")
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

    /// The splitting form of the fast path this module had before its single pass: the
    /// reference the single pass must agree with on every input.
    fn split_parts(id: &str) -> Option<IdentifierParts<'_>> {
        let rest = id.strip_prefix("https://")?;
        let (authority, path) = rest.split_at(rest.find('/')?);
        let (host, port) = match authority.split_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        };
        if !is_plain_dns_host_split(host) {
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
    fn is_plain_dns_host_split(host: &str) -> bool {
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

        /// The single pass takes exactly the ids the splitting form took, with the same parts:
        /// hosts and paths of the characters that decide (dots, colons, digits, `xn--`,
        /// uppercase, slashes, escapes).
        #[test]
        fn single_pass_agrees_with_splitting(
            id in "(https://|http://|https:/)?([a-zA-Z0-9.:-]|xn--){0,12}(/([a-zA-Z0-9%?-]|xn--){0,6}){0,5}",
        ) {
            proptest::prop_assert_eq!(canonical_parts(&id), split_parts(&id));
        }

        /// The same, over ids close to the service's form, most of which the fast path takes.
        #[test]
        fn single_pass_agrees_with_splitting_on_near_service_ids(
            id in "https://([a-z0-9-]{0,4}|xn--)(\\.([a-z0-9-]{0,4}|xn--|[0-9]{1,3})){0,3}(:[0-9]{0,6})?(/[a-zA-Z0-9-]{0,5}){0,4}/?",
        ) {
            proptest::prop_assert_eq!(canonical_parts(&id), split_parts(&id));
        }
    }
}
