//! What the ARM provider keeps of Managed HSM pools. Their behaviour is in `arm::hsm`.

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;

use serde_json::{Map, Value};
use time::OffsetDateTime;

use crate::storage::arm::Progress;

/// The Managed HSM pools of the ARM provider.
#[derive(Debug, Default)]
pub(crate) struct HsmState {
    pub(crate) inner: Mutex<Inner>,
}

#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
pub(crate) struct Inner {
    pub(crate) hsms: BTreeMap<String, Hsm>,
    pub(crate) deleted: BTreeMap<String, DeletedHsm>,
    pub(crate) operations: HashMap<String, Operation>,
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub(crate) struct Hsm {
    pub(crate) subscription: String,
    pub(crate) resource_group: String,
    pub(crate) name: String,
    pub(crate) location: String,
    pub(crate) sku: Value,
    pub(crate) tags: Value,
    pub(crate) properties: Map<String, Value>,
    pub(crate) system_data: Value,
    /// The `hsmUri` it gets once provisioned.
    pub(crate) uri: String,
    /// When `provisioningState` turns `Succeeded`.
    pub(crate) progress: Progress,
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub(crate) struct DeletedHsm {
    pub(crate) hsm: Hsm,
    pub(crate) deleted: OffsetDateTime,
    pub(crate) purge: OffsetDateTime,
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub(crate) struct Operation {
    /// The pool (lower-case name) that a create or update provisions: it turns `Succeeded` when
    /// the operation completes, and the completed operation's `Location` answers with it (the
    /// spec's `final-state-via: location`, `final-state-schema: ManagedHsm`).
    pub(crate) provision: Option<String>,
    /// The deleted pool to purge when the operation completes, if any.
    pub(crate) purge: Option<String>,
    pub(crate) progress: Progress,
}
