//! What a vault's access policies keep: the grants of each principal, read from the ARM vault
//! that made them. Their checks are in `auth::access`.

use serde_json::{Map, Value};

/// The access policies of a vault ARM created, and where ARM put it (for the messages).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub(crate) struct AccessPolicies {
    pub(crate) location: String,
    pub(crate) grants: Vec<Grant>,
}

/// One access policy: what one principal of one tenant may do, permissions lower-cased.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub(crate) struct Grant {
    pub(crate) tenant: String,
    pub(crate) object: String,
    pub(crate) keys: Vec<String>,
    pub(crate) secrets: Vec<String>,
    pub(crate) certificates: Vec<String>,
}

impl AccessPolicies {
    /// The policies of ARM vault `properties`; `None` when the vault uses RBAC.
    pub(crate) fn from_arm(location: &str, properties: &Map<String, Value>) -> Option<Self> {
        if properties.get("enableRbacAuthorization") == Some(&Value::Bool(true)) {
            return None;
        }
        let list = |entry: &Value, kind: &str| -> Vec<String> {
            entry["permissions"][kind]
                .as_array()
                .map(|values| {
                    values
                        .iter()
                        .filter_map(Value::as_str)
                        .map(str::to_ascii_lowercase)
                        .collect()
                })
                .unwrap_or_default()
        };
        let grants = properties
            .get("accessPolicies")
            .and_then(Value::as_array)
            .map(|entries| {
                entries
                    .iter()
                    .map(|entry| Grant {
                        tenant: entry["tenantId"].as_str().unwrap_or_default().to_string(),
                        object: entry["objectId"].as_str().unwrap_or_default().to_string(),
                        keys: list(entry, "keys"),
                        secrets: list(entry, "secrets"),
                        certificates: list(entry, "certificates"),
                    })
                    .collect()
            })
            .unwrap_or_default();
        Some(AccessPolicies {
            location: location.to_string(),
            grants,
        })
    }
}
