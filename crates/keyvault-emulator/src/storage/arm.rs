//! What the ARM `Microsoft.KeyVault` provider keeps: vaults, deleted vaults and their
//! asynchronous operations here, Managed HSM pools (`hsm`) and private endpoint connections
//! (`private_link`). Their behaviour is in `arm`.

pub(crate) mod hsm;
pub(crate) mod private_link;

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;
use std::time::Duration;

use serde_json::{Map, Value};
use time::OffsetDateTime;

/// The ARM provider's state.
#[derive(Debug)]
pub(crate) struct ArmState {
    pub(crate) inner: Mutex<Inner>,
    /// Managed HSM pools.
    pub(crate) hsm: hsm::HsmState,
    /// Private endpoint connections of vaults and pools.
    pub(crate) links: private_link::LinkState,
    /// How long new asynchronous operations stay in progress, at the least.
    pub(crate) latency: Mutex<Duration>,
}

#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
pub(crate) struct Inner {
    /// Keyed by lower-case name: vault names are global.
    pub(crate) vaults: BTreeMap<String, ArmVault>,
    pub(crate) deleted: BTreeMap<String, DeletedArmVault>,
    pub(crate) operations: HashMap<String, Operation>,
}

/// A vault resource.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub(crate) struct ArmVault {
    pub(crate) subscription: String,
    pub(crate) resource_group: String,
    pub(crate) name: String,
    pub(crate) location: String,
    pub(crate) tags: Value,
    pub(crate) properties: Map<String, Value>,
    pub(crate) system_data: Value,
    /// When `provisioningState` turns `Succeeded`.
    pub(crate) progress: Progress,
}

/// A soft-deleted vault.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub(crate) struct DeletedArmVault {
    pub(crate) vault: ArmVault,
    pub(crate) deleted: OffsetDateTime,
    pub(crate) purge: OffsetDateTime,
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub(crate) enum OperationKind {
    /// Creation of the vault of this (lower-case) name.
    Create(String),
    /// Purge of the deleted vault of this (lower-case) name.
    Purge(String),
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub(crate) struct Operation {
    pub(crate) kind: OperationKind,
    pub(crate) started: OffsetDateTime,
    pub(crate) progress: Progress,
}

/// How far asynchronous work (an operation, or a resource's provisioning) has come: it is
/// complete once it has been looked at `looks` times and the emulator clock has reached
/// `ready_at`. The looks let clients see it in progress at least once even without latency;
/// the clock lets tests hold it in progress for as long as they need
/// ([`crate::Control::set_arm_operation_latency`]).
#[derive(Debug, Clone, Copy, serde::Serialize, serde::Deserialize)]
pub(crate) struct Progress {
    pub(crate) looks: u32,
    pub(crate) ready_at: OffsetDateTime,
}
