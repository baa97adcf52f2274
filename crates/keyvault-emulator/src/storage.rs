//! The emulator's state: the generic object store, the vaults, the shared state of a running
//! emulator and the sealing of data-plane backup blobs. A persistence layer plugs in here.

pub(crate) mod access;
pub(crate) mod admin;
pub(crate) mod arm;
pub(crate) mod backup;
pub(crate) mod certificates;
pub(crate) mod faults;
pub(crate) mod keys;
pub(crate) mod requests;
pub(crate) mod secrets;
pub(crate) mod state;
pub(crate) mod store;
pub(crate) mod tokens;
pub(crate) mod vault;
