//! Shared state of a running emulator.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::Duration;

use crate::clock::Clock;
use crate::storage::backup::BackupKey;
use crate::storage::faults::FaultQueue;
use crate::storage::requests::RecordedRequest;
use crate::storage::tokens::{Revocation, TokenSigner};
use crate::storage::vault::Vault;

/// Everything the request handlers share. `Debug` shows where it listens, not its secrets.
pub(crate) struct State {
    pub(crate) port: u16,
    pub(crate) ip: IpAddr,
    pub(crate) tenant_id: String,
    pub(crate) client_id: String,
    pub(crate) client_secret: String,
    /// The object id of the emulated service principal.
    pub(crate) object_id: String,
    pub(crate) token_lifetime: Duration,
    pub(crate) clock: Clock,
    pub(crate) delete_latency: Mutex<Duration>,
    /// How long a `Self`-issued certificate request stays in progress.
    pub(crate) certificate_latency: Mutex<Duration>,
    pub(crate) faults: FaultQueue,
    pub(crate) requests: Mutex<Vec<RecordedRequest>>,
    pub(crate) revocation: Mutex<Revocation>,
    pub(crate) signer: TokenSigner,
    pub(crate) backup_key: BackupKey,
    pub(crate) vaults: Mutex<HashMap<String, Vault>>,
    pub(crate) ca_pem: String,
    /// Managed HSM administration: RBAC, backup jobs, settings.
    pub(crate) admin: crate::storage::admin::AdminState,
    /// The ARM `Microsoft.KeyVault` provider.
    pub(crate) arm: crate::storage::arm::ArmState,
    /// Where the state is kept across restarts (`--state-dir`), if anywhere.
    pub(crate) persistence: Option<crate::persistence::Persistence>,
}

impl State {
    /// `https://localhost:{port}`.
    pub(crate) fn endpoint(&self) -> String {
        format!("https://localhost:{}", self.port)
    }
}

impl std::fmt::Debug for State {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("State")
            .field("ip", &self.ip)
            .field("port", &self.port)
            .field("tenant_id", &self.tenant_id)
            .field("client_id", &self.client_id)
            .finish_non_exhaustive()
    }
}
