//! What the ARM provider keeps of private endpoint connections. Their behaviour is in
//! `arm::private_link`.

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;

use serde_json::Value;

use crate::storage::arm::Progress;

/// The private endpoint connections of the ARM provider.
#[derive(Debug, Default)]
pub(crate) struct LinkState {
    pub(crate) inner: Mutex<Inner>,
}

#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
pub(crate) struct Inner {
    /// By lower-case parent resource id, then lower-case connection name.
    pub(crate) connections: BTreeMap<String, BTreeMap<String, Connection>>,
    pub(crate) operations: HashMap<String, DeleteOperation>,
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub(crate) struct Connection {
    pub(crate) name: String,
    pub(crate) private_endpoint: String,
    pub(crate) status: String,
    pub(crate) description: String,
    #[serde(with = "crate::persistence::serde_with::static_str")]
    pub(crate) provisioning_state: crate::persistence::serde_with::StaticStr,
    pub(crate) etag: String,
    /// The delete in progress, if any.
    pub(crate) deleting: Option<String>,
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub(crate) struct DeleteOperation {
    /// The lower-case id of the parent resource, and the connection's lower-case name.
    pub(crate) parent: String,
    pub(crate) connection: String,
    pub(crate) progress: Progress,
    /// The connection's final state, once the delete has completed.
    pub(crate) done: Option<Value>,
}
