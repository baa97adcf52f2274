//! What a vault's access policies keep: the grants of each principal. Their checks are in
//! `auth::access`.

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
