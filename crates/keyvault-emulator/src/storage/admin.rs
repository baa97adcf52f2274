//! What Managed HSM administration keeps: role definitions and assignments, settings, backup
//! and restore jobs, the EKM connection and the security domain. Their behaviour is in `admin`.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::Duration;

use rsa::RsaPrivateKey;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use zeroize::Zeroizing;

/// The administration state of every Managed HSM of the emulator, and its settings.
#[derive(Debug)]
pub(crate) struct AdminState {
    /// How long a backup or restore job stays `InProgress`.
    pub(crate) job_latency: Mutex<Duration>,
    /// The folder standing in for blob storage: a container URL
    /// `https://{host}/{container}` maps to `{backup_root}/{host}/{container}`.
    pub(crate) backup_root: PathBuf,
    /// Whether the emulator made `backup_root` (and removes it when it stops).
    pub(crate) owns_backup_root: bool,
    pub(crate) hsms: Mutex<HashMap<String, HsmAdmin>>,
}

impl Drop for AdminState {
    fn drop(&mut self) {
        if self.owns_backup_root {
            let _ = std::fs::remove_dir_all(&self.backup_root);
        }
    }
}

/// The administration state of one Managed HSM.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct HsmAdmin {
    /// Role definitions by lower-cased name: the built-in ones, then custom ones.
    pub(crate) definitions: BTreeMap<String, RoleDefinition>,
    /// Role assignments by lower-cased name.
    pub(crate) assignments: BTreeMap<String, RoleAssignment>,
    /// Settings by lower-cased name.
    pub(crate) settings: BTreeMap<String, Setting>,
    /// Backup and restore jobs by id.
    pub(crate) jobs: HashMap<String, Job>,
    /// The External Key Manager connection and the proxy client certificate.
    pub(crate) ekm: EkmState,
    /// The security domain, its transfer key and its download and upload operations.
    pub(crate) security_domain: SecurityDomainState,
}

/// A Managed HSM account setting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Setting {
    pub(crate) name: String,
    pub(crate) value: String,
    #[serde(rename = "type")]
    pub(crate) kind: String,
}

/// A role definition.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct RoleDefinition {
    pub(crate) name: String,
    pub(crate) role_name: String,
    pub(crate) description: String,
    pub(crate) built_in: bool,
    /// The `permissions` array as the service answers it.
    pub(crate) permissions: Value,
    pub(crate) assignable_scopes: Vec<String>,
}

/// A role assignment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct RoleAssignment {
    pub(crate) name: String,
    pub(crate) scope: String,
    pub(crate) role_definition_id: String,
    pub(crate) principal_id: String,
}

/// A backup or restore job. Its work is done when it starts; it reports `InProgress` until the
/// job latency has passed.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Job {
    pub(crate) id: String,
    pub(crate) kind: JobKind,
    pub(crate) start: i64,
    pub(crate) ready_at_ms: i128,
    /// `Ok(folder URL of a backup)` or `Err((code, message))`.
    pub(crate) outcome: Result<Option<String>, (String, String)>,
}

/// What a job does, which decides the status path that reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) enum JobKind {
    /// `POST /backup`, reported under `/backup/{id}/pending`.
    Backup,
    /// `POST /prebackup`, reported under `/backup/{id}/pending`.
    PreBackup,
    /// `PUT /restore`, reported under `/restore/{id}/pending`.
    Restore,
    /// `PUT /prerestore`, reported under `/restore/{id}/pending`.
    PreRestore,
    /// `PUT /keys/{name}/restore`, reported under `/restore/{id}/pending`.
    SelectiveRestore,
}

/// The EKM state of one HSM.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(crate) struct EkmState {
    pub(crate) connection: Option<EkmConnection>,
    /// The DER of the CA of the HSM's proxy client certificate, made on first request.
    pub(crate) client_ca: Option<Vec<u8>>,
}

/// An EKM connection, in its wire form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct EkmConnection {
    pub(crate) host: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) path_prefix: Option<String>,
    /// Standard base64 of each DER certificate.
    pub(crate) server_ca_certificates: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) server_subject_common_name: Option<String>,
}

/// The security domain state of one HSM.
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub(crate) struct SecurityDomainState {
    pub(crate) domain: Option<Domain>,
    pub(crate) transfer: Option<TransferKey>,
    pub(crate) download: Option<DomainOperation>,
    pub(crate) upload: Option<DomainOperation>,
}

/// The HSM's domain: its id and key.
#[derive(Clone, Serialize, Deserialize)]
pub(crate) struct Domain {
    pub(crate) id: String,
    #[serde(with = "crate::persistence::serde_with::zeroizing32")]
    pub(crate) key: Zeroizing<[u8; 32]>,
}

impl std::fmt::Debug for Domain {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Domain")
            .field("id", &self.id)
            .finish_non_exhaustive()
    }
}

#[derive(Clone, Serialize, Deserialize)]
pub(crate) struct TransferKey {
    pub(crate) kid: String,
    #[serde(with = "crate::persistence::serde_with::rsa_key")]
    pub(crate) key: Box<RsaPrivateKey>,
    pub(crate) certificate_der: Vec<u8>,
}

impl std::fmt::Debug for TransferKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TransferKey")
            .field("kid", &self.kid)
            .finish_non_exhaustive()
    }
}

/// A download or upload: done once the latency has passed, with its outcome.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct DomainOperation {
    pub(crate) ready_at_ms: i128,
    /// `Err(details)` when it failed.
    pub(crate) outcome: Result<(), String>,
    #[serde(with = "crate::persistence::serde_with::static_str")]
    pub(crate) in_progress: crate::persistence::serde_with::StaticStr,
    #[serde(with = "crate::persistence::serde_with::static_str")]
    pub(crate) succeeded: crate::persistence::serde_with::StaticStr,
}
