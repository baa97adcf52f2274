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
}
