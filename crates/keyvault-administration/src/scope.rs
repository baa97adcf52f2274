//! Role scopes: where in a Managed HSM a role definition or assignment applies.

use keyvault_core::{validation::validate_name, Error, Result};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::{fmt, str::FromStr};

/// Where a role definition or assignment applies.
///
/// ```
/// use keyvault_administration::KeyVaultRoleScope;
/// assert_eq!(KeyVaultRoleScope::Global.as_str(), "/");
/// assert_eq!(KeyVaultRoleScope::key("my-key").unwrap().as_str(), "/keys/my-key");
/// assert_eq!("/keys".parse::<KeyVaultRoleScope>().unwrap(), KeyVaultRoleScope::Keys);
/// assert!(KeyVaultRoleScope::key("bad name").is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum KeyVaultRoleScope {
    /// `/`: the whole Managed HSM (the default).
    #[default]
    Global,
    /// `/keys`: every key.
    Keys,
    /// `/keys/{name}`: one key.
    Key(String),
    /// Another scope the service named, kept as sent.
    Other(String),
}

impl KeyVaultRoleScope {
    /// The scope of one key, `/keys/{name}`; the name is checked.
    pub fn key(name: &str) -> Result<Self> {
        validate_name("scope", name)?;
        Ok(KeyVaultRoleScope::Key(name.to_string()))
    }

    /// The wire form, for example `/keys/my-key`.
    pub fn as_str(&self) -> std::borrow::Cow<'_, str> {
        match self {
            KeyVaultRoleScope::Global => "/".into(),
            KeyVaultRoleScope::Keys => "/keys".into(),
            KeyVaultRoleScope::Key(name) => format!("/keys/{name}").into(),
            KeyVaultRoleScope::Other(other) => other.as_str().into(),
        }
    }

    /// Parses a scope as the service writes it. `/`, `/keys` and `/keys/{name}` (the
    /// collection in any case) are recognised; anything else is kept as [`Other`](Self::Other).
    pub fn parse(value: &str) -> Self {
        let trimmed = value.trim();
        let segments: Vec<&str> = trimmed.split('/').filter(|s| !s.is_empty()).collect();
        match segments.as_slice() {
            [] if trimmed.starts_with('/') || trimmed.is_empty() => KeyVaultRoleScope::Global,
            [keys] if keys.eq_ignore_ascii_case("keys") => KeyVaultRoleScope::Keys,
            [keys, name]
                if keys.eq_ignore_ascii_case("keys") && validate_name("scope", name).is_ok() =>
            {
                KeyVaultRoleScope::Key((*name).to_string())
            }
            _ => KeyVaultRoleScope::Other(value.to_string()),
        }
    }

    /// The path segments of the scope under the HSM's URL, checked before anything is sent: a
    /// key scope needs a valid key name, and another scope must be a plain path (`/` then
    /// segments of `0-9a-zA-Z-_.`, no `..`).
    pub(crate) fn segments(&self) -> Result<Vec<String>> {
        match self {
            KeyVaultRoleScope::Global => Ok(Vec::new()),
            KeyVaultRoleScope::Keys => Ok(vec!["keys".into()]),
            KeyVaultRoleScope::Key(name) => {
                validate_name("scope", name)?;
                Ok(vec!["keys".into(), name.clone()])
            }
            KeyVaultRoleScope::Other(other) => {
                let bad = |why: &str| Error::invalid_argument("scope", format!("{why}: {other:?}"));
                let rest = other
                    .strip_prefix('/')
                    .ok_or_else(|| bad("must start with '/'"))?;
                let segments: Vec<String> = rest
                    .split('/')
                    .filter(|s| !s.is_empty())
                    .map(str::to_string)
                    .collect();
                for segment in &segments {
                    if segment == "."
                        || segment == ".."
                        || !segment
                            .chars()
                            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
                    {
                        return Err(bad(
                            "may contain only segments of 0-9, a-z, A-Z, '-', '_' and '.'",
                        ));
                    }
                    if segment.eq_ignore_ascii_case("providers") {
                        return Err(bad("must not name a provider"));
                    }
                }
                Ok(segments)
            }
        }
    }
}

impl fmt::Display for KeyVaultRoleScope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.as_str())
    }
}

impl FromStr for KeyVaultRoleScope {
    type Err = std::convert::Infallible;

    fn from_str(value: &str) -> std::result::Result<Self, Self::Err> {
        Ok(KeyVaultRoleScope::parse(value))
    }
}

impl From<&str> for KeyVaultRoleScope {
    fn from(value: &str) -> Self {
        KeyVaultRoleScope::parse(value)
    }
}

impl Serialize for KeyVaultRoleScope {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.as_str())
    }
}

impl<'de> Deserialize<'de> for KeyVaultRoleScope {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        let value = String::deserialize(deserializer)?;
        Ok(KeyVaultRoleScope::parse(&value))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_parse_and_print() {
        for (text, scope) in [
            ("/", KeyVaultRoleScope::Global),
            ("", KeyVaultRoleScope::Global),
            ("/keys", KeyVaultRoleScope::Keys),
            ("/Keys/", KeyVaultRoleScope::Keys),
            ("/keys/k1", KeyVaultRoleScope::Key("k1".into())),
            ("/secrets", KeyVaultRoleScope::Other("/secrets".into())),
        ] {
            assert_eq!(KeyVaultRoleScope::parse(text), scope, "{text}");
        }
        assert_eq!(KeyVaultRoleScope::Key("k1".into()).to_string(), "/keys/k1");
        assert_eq!(
            serde_json::to_string(&KeyVaultRoleScope::Keys).unwrap(),
            "\"/keys\""
        );
    }

    #[test]
    fn scopes_are_checked_before_sending() {
        assert!(KeyVaultRoleScope::Global.segments().unwrap().is_empty());
        assert_eq!(
            KeyVaultRoleScope::Key("k".into()).segments().unwrap(),
            ["keys", "k"]
        );
        for bad in ["keys", "/../x", "/a b", "/keys/x/providers", "/a?b"] {
            assert!(
                KeyVaultRoleScope::Other(bad.into()).segments().is_err(),
                "{bad}"
            );
        }
        assert!(KeyVaultRoleScope::Key("a/b".into()).segments().is_err());
        assert!(KeyVaultRoleScope::key("").is_err());
    }
}
