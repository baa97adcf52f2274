//! Checks on names and versions, made before anything is sent.

use crate::error::{Error, Result};

/// Checks a secret, key or certificate name: 1 to 127 of `0-9a-zA-Z-`.
pub fn validate_name(argument: &'static str, name: &str) -> Result<()> {
    if name.is_empty() {
        return Err(Error::invalid_argument(argument, "must not be empty"));
    }
    if name.len() > 127 {
        return Err(Error::invalid_argument(
            argument,
            format!("must be at most 127 characters, got {}", name.len()),
        ));
    }
    if let Some(c) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '-'))
    {
        return Err(Error::invalid_argument(
            argument,
            format!("may contain only 0-9, a-z, A-Z and '-', found {c:?}"),
        ));
    }
    Ok(())
}

/// Checks an object version: empty (the latest) or up to 64 of `0-9a-zA-Z`.
pub fn validate_version(argument: &'static str, version: &str) -> Result<()> {
    if version.len() > 64 || !version.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(Error::invalid_argument(
            argument,
            "must be empty or up to 64 of 0-9, a-z, A-Z",
        ));
    }
    Ok(())
}

/// Checks that a required argument is not empty.
pub fn require_non_empty(argument: &'static str, value: &[u8]) -> Result<()> {
    if value.is_empty() {
        return Err(Error::invalid_argument(argument, "must not be empty"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        validate_name("name", "my-secret-1").unwrap();
        validate_name("name", &"a".repeat(127)).unwrap();
        for bad in ["", "has space", "under_score", "dot.ted", "slash/", "é"] {
            let err = validate_name("name", bad).unwrap_err();
            assert!(
                matches!(
                    err,
                    Error::InvalidArgument {
                        argument: "name",
                        ..
                    }
                ),
                "{bad}"
            );
        }
        assert!(validate_name("name", &"a".repeat(128)).is_err());
    }

    #[test]
    fn versions() {
        validate_version("version", "").unwrap();
        validate_version("version", "56aac59e2d59404abf1c2a6bd5e790e1").unwrap();
        assert!(validate_version("version", "../x").is_err());
        assert!(validate_version("version", "a-b").is_err());
    }
}
