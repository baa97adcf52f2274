//! Checks made before anything is sent.

use keyvault_core::{Error, Result};
use url::Url;

/// A new random GUID, as role assignment and definition names are.
pub(crate) fn new_guid() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// Checks that a role assignment or definition name is a GUID
/// (`xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`).
pub(crate) fn validate_guid(argument: &'static str, name: &str) -> Result<()> {
    let hyphenated = name.len() == 36
        && name
            .char_indices()
            .all(|(i, c)| matches!(i, 8 | 13 | 18 | 23) == (c == '-'));
    if hyphenated && uuid::Uuid::parse_str(name).is_ok() {
        Ok(())
    } else {
        Err(Error::invalid_argument(
            argument,
            format!("must be a GUID such as 00000000-0000-0000-0000-000000000000, got {name:?}"),
        ))
    }
}

/// Checks a blob storage URL: `https://{account}.../{container}[/{more}]`, with no query (the
/// SAS token goes separately) and at least `min_segments` path segments. Returns it without a
/// trailing slash.
pub(crate) fn validate_blob_url(
    argument: &'static str,
    value: &str,
    min_segments: usize,
) -> Result<String> {
    let bad = |why: &str| Error::invalid_argument(argument, format!("{why}: {value:?}"));
    if value.trim().is_empty() {
        return Err(Error::invalid_argument(argument, "must not be empty"));
    }
    let url = Url::parse(value.trim()).map_err(|_| bad("not a URL"))?;
    if url.scheme() != "https" {
        return Err(bad("must be an https URL"));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(bad("has no host"));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(bad(
            "must not carry a query: give the SAS token as StorageAuthentication::SasToken",
        ));
    }
    let segments = url
        .path_segments()
        .map(|s| s.filter(|s| !s.is_empty()).count())
        .unwrap_or(0);
    if segments < min_segments {
        return Err(bad(if min_segments > 1 {
            "must name a container and a folder"
        } else {
            "must name a container"
        }));
    }
    Ok(value.trim().trim_end_matches('/').to_string())
}

/// Checks an EKM proxy host: not empty, at most 253 characters, only `a-z`, `A-Z`, `0-9`, `-`,
/// `.` and `:` (a port), as the service allows; no scheme, path or spaces.
pub(crate) fn validate_ekm_host(argument: &'static str, host: &str) -> Result<()> {
    if host.is_empty() {
        return Err(Error::invalid_argument(argument, "must not be empty"));
    }
    if host.len() > 253 {
        return Err(Error::invalid_argument(
            argument,
            format!("must be at most 253 characters, got {}", host.len()),
        ));
    }
    if let Some(bad) = host
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | ':')))
    {
        return Err(Error::invalid_argument(
            argument,
            format!(
                "must be a host name (a-z, A-Z, 0-9, '-', '.', ':' only, no scheme or path), \
                 found {bad:?} in {host:?}"
            ),
        ));
    }
    Ok(())
}

/// Checks an EKM proxy path prefix: a path starting with `/`, without spaces, control
/// characters, query or fragment.
pub(crate) fn validate_path_prefix(argument: &'static str, prefix: &str) -> Result<()> {
    if !prefix.starts_with('/') {
        return Err(Error::invalid_argument(
            argument,
            format!("must be a path starting with '/', got {prefix:?} (leave it out for none)"),
        ));
    }
    if prefix
        .chars()
        .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '?' | '#' | '\\'))
    {
        return Err(Error::invalid_argument(
            argument,
            format!("must be a plain path (no spaces, '?', '#' or '\\'), got {prefix:?}"),
        ));
    }
    Ok(())
}

/// Checks a certificate chain: at least one certificate, each one DER (a whole ASN.1
/// `SEQUENCE`), not PEM or base64 text.
pub(crate) fn validate_der_certificates(
    argument: &'static str,
    certificates: &[Vec<u8>],
) -> Result<()> {
    if certificates.is_empty() {
        return Err(Error::invalid_argument(
            argument,
            "must hold at least one certificate",
        ));
    }
    for (i, certificate) in certificates.iter().enumerate() {
        if !is_der_sequence(certificate) {
            let hint = if certificate.starts_with(b"-----BEGIN") || certificate.starts_with(b"MII")
            {
                " (it is PEM or base64 text: give the decoded DER bytes)"
            } else {
                ""
            };
            return Err(Error::invalid_argument(
                argument,
                format!("certificate {i} is not a DER certificate{hint}"),
            ));
        }
    }
    Ok(())
}

/// Whether `der` is exactly one ASN.1 `SEQUENCE` (tag, definite length, contents).
fn is_der_sequence(der: &[u8]) -> bool {
    let [0x30, first, rest @ ..] = der else {
        return false;
    };
    let (length, contents) = match *first {
        short @ 0..=0x7f => (usize::from(short), rest),
        long @ 0x81..=0x84 => {
            let n = usize::from(long & 0x7f);
            if rest.len() < n || rest[0] == 0 {
                return false;
            }
            let length = rest[..n]
                .iter()
                .fold(0usize, |acc, b| (acc << 8) | usize::from(*b));
            (length, &rest[n..])
        }
        _ => return false,
    };
    length > 0 && contents.len() == length
}

/// Checks an optional subject common name: not empty, no control characters.
pub(crate) fn validate_common_name(argument: &'static str, name: &str) -> Result<()> {
    if name.trim().is_empty() || name.chars().any(char::is_control) {
        return Err(Error::invalid_argument(
            argument,
            format!("must be a non-empty common name without control characters, got {name:?}"),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guids() {
        validate_guid("name", "a290e904-7015-4bba-90c8-60543313cdb4").unwrap();
        validate_guid("name", &new_guid()).unwrap();
        for bad in [
            "",
            "roleAssignmentName",
            "a290e9047015-4bba-90c8-60543313cdb4x",
            "{a290e904-7015-4bba-90c8-60543313cdb4}",
            "a290e90470154bba90c860543313cdb4",
            "g290e904-7015-4bba-90c8-60543313cdb4",
        ] {
            assert!(validate_guid("name", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn blob_urls() {
        assert_eq!(
            validate_blob_url("u", "https://a.blob.core.windows.net/c/", 1).unwrap(),
            "https://a.blob.core.windows.net/c"
        );
        validate_blob_url("u", "https://a.blob.core.windows.net/c/f", 2).unwrap();
        for (bad, min) in [
            ("", 1),
            ("  ", 1),
            ("nope", 1),
            ("ftp://a/c", 1),
            ("https://a.blob.core.windows.net", 1),
            ("https://a.blob.core.windows.net/c", 2),
            ("https://a.blob.core.windows.net/c?sig=x", 1),
        ] {
            assert!(validate_blob_url("u", bad, min).is_err(), "{bad}");
        }
    }
    #[test]
    fn ekm_hosts() {
        for good in ["ekm-proxy.contoso.com", "10.0.0.4:8443", "proxy"] {
            validate_ekm_host("host", good).unwrap();
        }
        for bad in [
            "",
            "https://ekm.contoso.com",
            "ekm.contoso.com/api",
            "ekm contoso",
            "ekm_proxy.contoso.com",
            &"a".repeat(254),
        ] {
            assert!(validate_ekm_host("host", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn path_prefixes() {
        validate_path_prefix("p", "/api/v1").unwrap();
        validate_path_prefix("p", "/").unwrap();
        for bad in ["", "api/v1", "/api v1", "/api?x=1", "/api#f", "/a\\b"] {
            assert!(validate_path_prefix("p", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn der_certificates() {
        let short = vec![0x30, 0x03, 0x02, 0x01, 0x05];
        let mut long = vec![0x30, 0x82, 0x01, 0x00];
        long.extend(std::iter::repeat_n(0u8, 256));
        validate_der_certificates("c", &[short.clone(), long.clone()]).unwrap();
        let mut trailing = short.clone();
        trailing.push(0);
        for bad in [
            vec![],
            vec![vec![]],
            vec![b"-----BEGIN CERTIFICATE-----".to_vec()],
            vec![b"MIIDqzCCApOgAwIBAgIU".to_vec()],
            vec![trailing],
            vec![long[..100].to_vec()],
            vec![vec![0x30, 0x00]],
        ] {
            assert!(validate_der_certificates("c", &bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn common_names() {
        validate_common_name("n", "ekm-proxy.contoso.com").unwrap();
        assert!(validate_common_name("n", " ").is_err());
        assert!(validate_common_name("n", "a\nb").is_err());
    }
}
