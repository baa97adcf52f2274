//! What the secrets surface keeps: the versions of a secret.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// One version of a secret.
#[derive(Debug, Clone, Serialize, Deserialize)]
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
