//! Key Vault data-plane API versions.

use crate::error::{Error, Result};
use std::{borrow::Cow, fmt};

/// A data-plane API version, sent as the `api-version` query parameter.
///
/// Known versions are ordered, so that an operation the selected version lacks can be refused
/// before anything is sent. A version string this crate does not know is sent as is and never
/// refused: it may be newer than this crate.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct ApiVersion(Cow<'static, str>);

/// Every version this crate knows, oldest first.
const KNOWN: &[&str] = &[
    "2016-10-01",
    "7.0",
    "7.1",
    "7.2",
    "7.3",
    "7.4",
    "7.5",
    "7.6",
    "2025-07-01",
    "2026-04-01",
];

impl ApiVersion {
    /// `2016-10-01`.
    pub const V2016_10_01: ApiVersion = ApiVersion(Cow::Borrowed("2016-10-01"));
    /// `7.0`.
    pub const V7_0: ApiVersion = ApiVersion(Cow::Borrowed("7.0"));
    /// `7.1`.
    pub const V7_1: ApiVersion = ApiVersion(Cow::Borrowed("7.1"));
    /// `7.2`.
    pub const V7_2: ApiVersion = ApiVersion(Cow::Borrowed("7.2"));
    /// `7.3`.
    pub const V7_3: ApiVersion = ApiVersion(Cow::Borrowed("7.3"));
    /// `7.4`.
    pub const V7_4: ApiVersion = ApiVersion(Cow::Borrowed("7.4"));
    /// `7.5`.
    pub const V7_5: ApiVersion = ApiVersion(Cow::Borrowed("7.5"));
    /// `7.6`.
    pub const V7_6: ApiVersion = ApiVersion(Cow::Borrowed("7.6"));
    /// `2025-07-01`.
    pub const V2025_07_01: ApiVersion = ApiVersion(Cow::Borrowed("2025-07-01"));
    /// `2026-04-01`, the newest stable version and the default.
    pub const V2026_04_01: ApiVersion = ApiVersion(Cow::Borrowed("2026-04-01"));
    /// The default: the newest stable version.
    pub const LATEST: ApiVersion = Self::V2026_04_01;

    /// Any version string; unknown ones are allowed and sent as is.
    pub fn new(version: impl Into<String>) -> Self {
        let version = version.into();
        match KNOWN.iter().find(|k| **k == version) {
            Some(known) => ApiVersion(Cow::Borrowed(known)),
            None => ApiVersion(Cow::Owned(version)),
        }
    }

    /// Every version this crate knows, oldest first.
    pub fn known() -> impl Iterator<Item = ApiVersion> {
        KNOWN.iter().map(|v| ApiVersion(Cow::Borrowed(*v)))
    }

    /// The version string.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    fn rank(&self) -> Option<usize> {
        KNOWN.iter().position(|k| *k == self.0)
    }

    /// Whether this version is a known one.
    pub fn is_known(&self) -> bool {
        self.rank().is_some()
    }

    /// Fails with [`Error::UnsupportedApiVersion`] when this is a known version older than
    /// `minimum`; an unknown version is assumed to support everything.
    pub fn require(&self, minimum: &ApiVersion, operation: &'static str) -> Result<()> {
        match (self.rank(), minimum.rank()) {
            (Some(selected), Some(required)) if selected < required => {
                Err(Error::UnsupportedApiVersion {
                    operation,
                    required: minimum.to_string(),
                    selected: self.to_string(),
                })
            }
            _ => Ok(()),
        }
    }
}

impl Default for ApiVersion {
    fn default() -> Self {
        Self::LATEST
    }
}

impl fmt::Display for ApiVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for ApiVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ApiVersion({})", self.0)
    }
}

impl From<&str> for ApiVersion {
    fn from(value: &str) -> Self {
        ApiVersion::new(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_is_newest_known() {
        assert_eq!(ApiVersion::default(), ApiVersion::known().last().unwrap());
        assert_eq!(ApiVersion::default().as_str(), "2026-04-01");
    }

    #[test]
    fn older_version_is_refused_for_newer_operation() {
        let err = ApiVersion::V7_0
            .require(&ApiVersion::V7_2, "get_random_bytes")
            .unwrap_err();
        let text = err.to_string();
        assert!(text.contains("7.2") && text.contains("7.0") && text.contains("get_random_bytes"));
        ApiVersion::V7_3.require(&ApiVersion::V7_2, "x").unwrap();
    }

    #[test]
    fn unknown_version_is_sent_as_is_and_never_refused() {
        let v = ApiVersion::new("2099-01-01-preview");
        assert!(!v.is_known());
        assert_eq!(v.as_str(), "2099-01-01-preview");
        v.require(&ApiVersion::LATEST, "anything").unwrap();
        assert!(ApiVersion::new("7.4").is_known());
    }
}
