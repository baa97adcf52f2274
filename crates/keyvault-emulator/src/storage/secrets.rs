//! What the secrets surface keeps: the versions of a secret.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// One version of a secret. `Debug` leaves the value out.
#[derive(Clone, Serialize, Deserialize)]
pub(crate) struct SecretVersion {
    pub(crate) version: String,
    pub(crate) value: String,
    pub(crate) content_type: Option<String>,
    pub(crate) tags: Option<BTreeMap<String, String>>,
    pub(crate) enabled: bool,
    pub(crate) nbf: Option<i64>,
    pub(crate) exp: Option<i64>,
    pub(crate) created: i64,
    pub(crate) updated: i64,
    pub(crate) managed: Option<bool>,
    pub(crate) kid: Option<String>,
}

impl std::fmt::Debug for SecretVersion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SecretVersion")
            .field("version", &self.version)
            .field("value", &"<redacted>")
            .field("content_type", &self.content_type)
            .field("enabled", &self.enabled)
            .field("created", &self.created)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_value() {
        let version = SecretVersion {
            version: "v1".into(),
            value: "hunter2-not-for-logs".into(),
            content_type: None,
            tags: None,
            enabled: true,
            nbf: None,
            exp: None,
            created: 0,
            updated: 0,
            managed: None,
            kid: None,
        };
        let text = format!("{version:?}");
        assert!(!text.contains("hunter2"), "{text}");
        assert!(text.contains("v1"));
    }
}
