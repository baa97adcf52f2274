//! Checks made before anything is sent.

use keyvault_core::{Error, Result};

/// Checks a vault name: 3 to 24 of `a-z A-Z 0-9 -`, starting with a letter, not ending with
/// `-`, without `--`.
pub fn validate_vault_name(argument: &'static str, name: &str) -> Result<()> {
    let bad = |why: &str| {
        Err(Error::invalid_argument(
            argument,
            format!("{why}: {name:?}"),
        ))
    };
    if !(3..=24).contains(&name.len()) {
        return bad("must be 3 to 24 characters");
    }
    if !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        return bad("may contain only a-z, A-Z, 0-9 and '-'");
    }
    if !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return bad("must start with a letter");
    }
    if name.ends_with('-') {
        return bad("must not end with '-'");
    }
    if name.contains("--") {
        return bad("must not contain '--'");
    }
    Ok(())
}

/// Checks a GUID (`xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`), as tenant and subscription ids are.
pub fn validate_guid(argument: &'static str, value: &str) -> Result<()> {
    let groups: Vec<&str> = value.split('-').collect();
    let ok = groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, n)| g.len() == n && g.chars().all(|c| c.is_ascii_hexdigit()));
    if ok {
        Ok(())
    } else {
        Err(Error::invalid_argument(
            argument,
            format!("must be a GUID, got {value:?}"),
        ))
    }
}

/// Checks a resource group name: 1 to 90 of letters, digits, `_`, `-`, `.`, `(` and `)`,
/// not ending with `.`.
pub fn validate_resource_group(argument: &'static str, name: &str) -> Result<()> {
    let bad = |why: &str| {
        Err(Error::invalid_argument(
            argument,
            format!("{why}: {name:?}"),
        ))
    };
    if name.is_empty() || name.chars().count() > 90 {
        return bad("must be 1 to 90 characters");
    }
    if !name
        .chars()
        .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | '(' | ')'))
    {
        return bad("may contain only letters, digits, '_', '-', '.', '(' and ')'");
    }
    if name.ends_with('.') {
        return bad("must not end with '.'");
    }
    Ok(())
}

/// Checks an Azure region name such as `westus`: 1 to 64 of `a-z A-Z 0-9`.
pub fn validate_location(argument: &'static str, location: &str) -> Result<()> {
    if location.is_empty()
        || location.len() > 64
        || !location.chars().all(|c| c.is_ascii_alphanumeric())
    {
        return Err(Error::invalid_argument(
            argument,
            format!("must be a region name such as \"westus\", got {location:?}"),
        ));
    }
    Ok(())
}

/// Checks the name of a child resource that the service names, such as a private endpoint
/// connection (`{endpoint}.{guid}`) or a network security perimeter configuration: 1 to 512
/// characters, none of them `/`, `\`, `?`, `#` or a control character, which would change the URL
/// the name is put in.
pub fn validate_child_name(argument: &'static str, name: &str) -> Result<()> {
    if name.is_empty() || name.chars().count() > 512 {
        return Err(Error::invalid_argument(
            argument,
            format!("must be 1 to 512 characters: {name:?}"),
        ));
    }
    if name
        .chars()
        .any(|c| matches!(c, '/' | '\\' | '?' | '#') || c.is_control())
    {
        return Err(Error::invalid_argument(
            argument,
            format!("must not contain '/', '\\', '?', '#' or control characters: {name:?}"),
        ));
    }
    if name == "." || name == ".." {
        return Err(Error::invalid_argument(
            argument,
            format!("must not be a dot segment: {name:?}"),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vault_names() {
        for good in ["abc", "sample-vault", "A1-b2-c3", &"a".repeat(24)] {
            validate_vault_name("vault_name", good).unwrap();
        }
        for bad in [
            "ab",
            &"a".repeat(25),
            "1abc",
            "-abc",
            "abc-",
            "ab--c",
            "ab_c",
            "ab.c",
            "ab c",
            "vaült",
        ] {
            let err = validate_vault_name("vault_name", bad).unwrap_err();
            assert!(
                matches!(
                    err,
                    Error::InvalidArgument {
                        argument: "vault_name",
                        ..
                    }
                ),
                "{bad}"
            );
        }
    }

    #[test]
    fn guids() {
        validate_guid("tenant_id", "00000000-0000-0000-0000-000000000000").unwrap();
        validate_guid("tenant_id", "72f988bf-86f1-41af-91ab-2d7cd011db47").unwrap();
        for bad in [
            "",
            "contoso.onmicrosoft.com",
            "00000000-0000-0000-0000-00000000000",
            "00000000000000000000000000000000",
            "0000000g-0000-0000-0000-000000000000",
        ] {
            assert!(validate_guid("tenant_id", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn resource_groups() {
        for good in ["rg", "sample-resource-group", "my_rg.(1)", "grüppe"] {
            validate_resource_group("resource_group_name", good).unwrap();
        }
        for bad in ["", "rg.", "a/b", "a b", &"r".repeat(91)] {
            assert!(
                validate_resource_group("resource_group_name", bad).is_err(),
                "{bad}"
            );
        }
    }

    #[test]
    fn child_names() {
        for good in [
            "sample-pec",
            "pe.6f1c2b3a-0000-0000-0000-000000000000",
            &"p".repeat(512),
        ] {
            validate_child_name("private_endpoint_connection_name", good).unwrap();
        }
        for bad in [
            "",
            "a/b",
            "a?b",
            "a#b",
            "a\\b",
            "a\nb",
            ".",
            "..",
            &"p".repeat(513),
        ] {
            assert!(
                validate_child_name("private_endpoint_connection_name", bad).is_err(),
                "{bad}"
            );
        }
    }

    #[test]
    fn locations() {
        validate_location("location", "westus").unwrap();
        for bad in ["", "west us", "west/us"] {
            assert!(validate_location("location", bad).is_err(), "{bad}");
        }
    }
}
