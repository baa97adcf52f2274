//! Full backup and restore of a Managed HSM to a local folder standing in for blob storage,
//! selective key restore, pre-checks, and the `Azure-AsyncOperation` job status.
//!
//! A backup writes `{backup_root}/{host}/{container...}/{folder}/backup.blob`: the HSM's keys
//! (every version, with rotation policies), custom role definitions, role assignments and
//! settings, serialized and sealed with the emulator's per-process backup key, so that it
//! restores into any Managed HSM of this emulator process and nowhere else.

use std::path::{Path, PathBuf};

use hyper::Method;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::{HsmAdmin, RoleAssignment, RoleDefinition, Setting};
use crate::errors::ServiceError;
use crate::http::{method_not_allowed, not_found, Ctx, Reply, Req};
use crate::keys::{KeyVersion, RotationPolicy};
pub(crate) use crate::storage::admin::{Job, JobKind};
use crate::storage::store::{millis, Lookup, Object, ObjectState, Store};
use crate::storage::vault::Vault;
use crate::sync::lock;

/// The sealing purpose of full backups.
const BACKUP_KIND: &str = "hsm-full-backup";
/// The file a full backup writes into its folder.
const BACKUP_FILE: &str = "backup.blob";

impl JobKind {
    fn is_backup(self) -> bool {
        matches!(self, JobKind::Backup | JobKind::PreBackup)
    }

    fn status_collection(self) -> &'static str {
        if self.is_backup() {
            "backup"
        } else {
            "restore"
        }
    }

    fn in_progress(self) -> &'static str {
        match self {
            JobKind::Backup => "Full backup is in progress",
            JobKind::PreBackup => "Pre Full backup is in progress",
            JobKind::Restore => "Full restore is in progress",
            JobKind::PreRestore => "Pre Full restore operation is in progress",
            JobKind::SelectiveRestore => "Selective key restore is in progress",
        }
    }
}

impl Job {
    fn status(&self, now: time::OffsetDateTime) -> (Value, Option<u64>) {
        let remaining = self.ready_at_ms - millis(now);
        let done = remaining <= 0;
        let mut body = json!({
            "status": "InProgress",
            "statusDetails": self.kind.in_progress(),
            "error": null,
            "startTime": self.start,
            "endTime": null,
            "jobId": self.id,
        });
        if done {
            body["endTime"] = json!(((self.ready_at_ms / 1000) as i64).max(self.start));
            match &self.outcome {
                Ok(_) => {
                    body["status"] = json!("Succeeded");
                    body["statusDetails"] = Value::Null;
                }
                Err((code, message)) => {
                    body["status"] = json!("Failed");
                    body["statusDetails"] = json!(message);
                    body["error"] = json!({ "code": code, "message": message, "innererror": null });
                }
            }
        }
        if self.kind.is_backup() {
            body["azureStorageBlobContainerUri"] = match (&self.outcome, done) {
                (Ok(Some(folder)), true) => json!(folder),
                _ => Value::Null,
            };
        }
        let retry_after = if done {
            None
        } else {
            Some(((remaining + 999) / 1000) as u64)
        };
        (body, retry_after)
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct SasTokenParameter {
    storage_resource_uri: Option<String>,
    token: Option<String>,
    use_managed_identity: Option<bool>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct RestoreParameters {
    sas_token_parameters: Option<SasTokenParameter>,
    folder_to_restore: Option<String>,
    folder: Option<String>,
}

/// One key of a backup.
#[derive(Debug, Serialize, Deserialize)]
struct KeyEntry {
    name: String,
    versions: Vec<KeyVersion>,
    policy: Option<RotationPolicy>,
}

/// The content of `backup.blob` before sealing.
#[derive(Debug, Serialize, Deserialize)]
struct HsmBackup {
    hsm: String,
    created: i64,
    keys: Vec<KeyEntry>,
    definitions: Vec<RoleDefinition>,
    assignments: Vec<RoleAssignment>,
    settings: Vec<Setting>,
}

/// Checks the storage parameters and returns the container's folder and its URL (without a
/// trailing slash).
fn container(
    ctx: &Ctx<'_>,
    params: Option<SasTokenParameter>,
) -> Result<(PathBuf, String), ServiceError> {
    let params = params.ok_or_else(|| {
        ServiceError::bad_parameter("The request body must contain the SAS token parameters.")
    })?;
    let raw = params
        .storage_resource_uri
        .filter(|s| !s.trim().is_empty())
        .ok_or_else(|| {
            ServiceError::bad_parameter("The property 'storageResourceUri' is required.")
        })?;
    let invalid = || {
        ServiceError::bad_parameter(format!(
            "The storage resource URI '{raw}' is not a valid Azure Blob Storage container URI."
        ))
    };
    let url = url::Url::parse(raw.trim()).map_err(|_| invalid())?;
    let host = url
        .host_str()
        .filter(|h| !h.is_empty())
        .ok_or_else(invalid)?;
    if url.scheme() != "https" || url.query().is_some() {
        return Err(invalid());
    }
    let segments: Vec<&str> = url
        .path_segments()
        .map(|s| s.filter(|s| !s.is_empty()).collect())
        .unwrap_or_default();
    if segments.is_empty() {
        return Err(invalid());
    }
    let managed = params.use_managed_identity.unwrap_or(false);
    let token = params.token.filter(|t| !t.trim().is_empty());
    if !managed && token.is_none() {
        return Err(ServiceError::bad_parameter(
            "A SAS token is required when 'useManagedIdentity' is not true.",
        ));
    }
    if managed {
        super::require(ctx, "7.5")?;
    }
    let mut dir = ctx.state.admin.backup_root.join(safe(&match url.port() {
        Some(port) => format!("{host}_{port}"),
        None => host.to_string(),
    })?);
    for segment in &segments {
        dir.push(safe(segment)?);
    }
    Ok((dir, raw.trim().trim_end_matches('/').to_string()))
}

/// A path component that stays inside its parent.
fn safe(component: &str) -> Result<String, ServiceError> {
    let decoded = url::form_urlencoded::parse(format!("x={component}").as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default();
    if decoded.is_empty()
        || decoded == "."
        || decoded == ".."
        || decoded.contains(['/', '\\', '\0'])
    {
        return Err(ServiceError::bad_parameter(format!(
            "The storage path component '{component}' is not valid."
        )));
    }
    Ok(decoded)
}

fn start_job(
    ctx: &Ctx<'_>,
    admin: &mut HsmAdmin,
    kind: JobKind,
    outcome: Result<Option<String>, (String, String)>,
) -> Reply {
    let latency = *lock(&ctx.state.admin.job_latency);
    let id = uuid::Uuid::new_v4().simple().to_string();
    let job = Job {
        id: id.clone(),
        kind,
        start: ctx.now.unix_timestamp(),
        ready_at_ms: millis(ctx.now) + latency.as_millis() as i128,
        outcome,
    };
    // The answer to the start is always InProgress, as the service's is.
    let mut body = json!({
        "status": "InProgress",
        "statusDetails": null,
        "error": null,
        "startTime": job.start,
        "endTime": null,
        "jobId": id,
    });
    if kind.is_backup() {
        body["azureStorageBlobContainerUri"] = Value::Null;
    }
    let retry_after = latency.as_millis().div_ceil(1000);
    admin.jobs.insert(id.clone(), job);
    let mut reply = Reply::json(202, &body);
    reply.headers.push((
        "azure-asyncoperation".into(),
        format!("{}/{}/{id}/pending", ctx.base, kind.status_collection()),
    ));
    reply
        .headers
        .push(("retry-after".into(), retry_after.to_string()));
    reply
}

/// Routes `/backup`, `/restore`, `/prebackup`, `/prerestore` and their `/{id}/pending`.
pub(crate) fn handle(
    ctx: &Ctx<'_>,
    hsm: &str,
    admin: &mut HsmAdmin,
    vault: &mut Vault,
    req: &Req,
    segments: &[&str],
) -> Result<Reply, ServiceError> {
    let first = segments[0].to_ascii_lowercase();
    let m = &req.method;
    match (first.as_str(), &segments[1..]) {
        ("backup", []) if *m == Method::POST => backup(ctx, hsm, admin, vault, req, false),
        ("prebackup", []) if *m == Method::POST => {
            super::require(ctx, "7.6")?;
            backup(ctx, hsm, admin, vault, req, true)
        }
        ("restore", []) if *m == Method::PUT => restore(ctx, admin, vault, req, false),
        ("prerestore", []) if *m == Method::PUT => {
            super::require(ctx, "7.6")?;
            restore(ctx, admin, vault, req, true)
        }
        ("backup" | "restore", [id, pending]) if pending.eq_ignore_ascii_case("pending") => {
            if *m != Method::GET {
                return Err(method_not_allowed(req));
            }
            status(ctx, admin, &first, id)
        }
        ("backup" | "restore" | "prebackup" | "prerestore", []) => Err(method_not_allowed(req)),
        _ => Err(not_found(req)),
    }
}

fn status(
    ctx: &Ctx<'_>,
    admin: &HsmAdmin,
    collection: &str,
    id: &str,
) -> Result<Reply, ServiceError> {
    let job = admin
        .jobs
        .get(&id.to_ascii_lowercase())
        .filter(|j| j.kind.status_collection() == collection)
        .ok_or_else(|| {
            ServiceError::new(
                404,
                "JobNotFound",
                format!("The {collection} job '{id}' was not found."),
            )
        })?;
    let (body, retry_after) = job.status(ctx.now);
    let mut reply = Reply::json(200, &body);
    if let Some(seconds) = retry_after {
        reply
            .headers
            .push(("retry-after".into(), seconds.to_string()));
    }
    Ok(reply)
}

fn internal(what: &str, e: impl std::fmt::Display) -> (String, String) {
    (
        "StorageError".into(),
        format!("The backup storage could not be {what}: {e}"),
    )
}

fn backup(
    ctx: &Ctx<'_>,
    hsm: &str,
    admin: &mut HsmAdmin,
    vault: &mut Vault,
    req: &Req,
    pre: bool,
) -> Result<Reply, ServiceError> {
    let params: SasTokenParameter = req.json()?;
    let (dir, container_url) = container(ctx, Some(params))?;
    if pre {
        let outcome = std::fs::create_dir_all(&dir)
            .map(|_| None)
            .map_err(|e| internal("reached", e));
        return Ok(start_job(ctx, admin, JobKind::PreBackup, outcome));
    }
    let stamp = ctx.now;
    let mut folder = format!(
        "mhsm-{hsm}-{:04}{:02}{:02}{:02}{:02}{:02}{:03}",
        stamp.year(),
        u8::from(stamp.month()),
        stamp.day(),
        stamp.hour(),
        stamp.minute(),
        stamp.second(),
        stamp.millisecond()
    );
    let base = folder.clone();
    let mut n = 1;
    while dir.join(&folder).exists() {
        folder = format!("{base}-{n}");
        n += 1;
    }
    let outcome = write_backup(ctx, hsm, admin, vault, &dir.join(&folder))
        .map(|_| Some(format!("{container_url}/{folder}")));
    Ok(start_job(ctx, admin, JobKind::Backup, outcome))
}

fn write_backup(
    ctx: &Ctx<'_>,
    hsm: &str,
    admin: &HsmAdmin,
    vault: &mut Vault,
    folder: &Path,
) -> Result<(), (String, String)> {
    let keys = vault
        .keys
        .store
        .active(ctx.now)
        .map(|(lower, o)| KeyEntry {
            name: o.name.clone(),
            versions: o.versions.clone(),
            policy: vault.keys.policies.get(lower).cloned(),
        })
        .collect();
    let snapshot = HsmBackup {
        hsm: hsm.to_string(),
        created: ctx.now.unix_timestamp(),
        keys,
        definitions: admin
            .definitions
            .values()
            .filter(|d| !d.built_in)
            .cloned()
            .collect(),
        assignments: admin.assignments.values().cloned().collect(),
        settings: admin.settings.values().cloned().collect(),
    };
    let bytes =
        zeroize::Zeroizing::new(serde_json::to_vec(&snapshot).map_err(|e| internal("written", e))?);
    let sealed = ctx
        .state
        .backup_key
        .seal(BACKUP_KIND, &bytes)
        .map_err(|e| (e.code, e.message))?;
    std::fs::create_dir_all(folder).map_err(|e| internal("written", e))?;
    std::fs::write(folder.join(BACKUP_FILE), sealed).map_err(|e| internal("written", e))?;
    Ok(())
}

/// Reads and opens the backup in `folder` of the container.
fn read_backup(ctx: &Ctx<'_>, dir: &Path, folder: &str) -> Result<HsmBackup, (String, String)> {
    let path = dir
        .join(safe(folder).map_err(|e| (e.code, e.message))?)
        .join(BACKUP_FILE);
    let sealed = std::fs::read_to_string(&path).map_err(|_| {
        (
            "BackupNotFound".to_string(),
            format!("No backup was found in the folder '{folder}' of the storage container."),
        )
    })?;
    let plain = zeroize::Zeroizing::new(
        ctx.state
            .backup_key
            .open(BACKUP_KIND, &sealed)
            .map_err(|e| (e.code, e.message))?,
    );
    serde_json::from_slice(&plain).map_err(|_| {
        (
            "BadParameter".to_string(),
            "Backup blob is corrupted or was not produced by this service.".to_string(),
        )
    })
}

fn restore(
    ctx: &Ctx<'_>,
    admin: &mut HsmAdmin,
    vault: &mut Vault,
    req: &Req,
    pre: bool,
) -> Result<Reply, ServiceError> {
    let params: RestoreParameters = req.json()?;
    let (dir, _) = container(ctx, params.sas_token_parameters)?;
    let folder = params
        .folder_to_restore
        .filter(|f| !f.trim().is_empty())
        .ok_or_else(|| {
            ServiceError::bad_parameter("The property 'folderToRestore' is required.")
        })?;
    let backup = read_backup(ctx, &dir, &folder);
    if pre {
        let outcome = backup.map(|_| None);
        return Ok(start_job(ctx, admin, JobKind::PreRestore, outcome));
    }
    let outcome = backup.map(|backup| {
        let mut store = Store::default();
        vault.keys.policies.clear();
        for entry in backup.keys {
            if let Some(policy) = entry.policy {
                vault
                    .keys
                    .policies
                    .insert(entry.name.to_ascii_lowercase(), policy);
            }
            store.insert(Object {
                name: entry.name,
                versions: entry.versions,
                state: ObjectState::Active,
            });
        }
        vault.keys.store = store;
        admin.definitions.retain(|_, d| d.built_in);
        for d in backup.definitions {
            admin.definitions.insert(d.name.to_ascii_lowercase(), d);
        }
        admin.assignments = backup
            .assignments
            .into_iter()
            .map(|a| (a.name.to_ascii_lowercase(), a))
            .collect();
        admin.settings = backup
            .settings
            .into_iter()
            .map(|s| (s.name.to_ascii_lowercase(), s))
            .collect();
        None
    });
    Ok(start_job(ctx, admin, JobKind::Restore, outcome))
}

/// `PUT /keys/{name}/restore`: restores every version of one key from a full backup.
pub(crate) fn selective_restore(
    ctx: &Ctx<'_>,
    admin: &mut HsmAdmin,
    vault: &mut Vault,
    req: &Req,
    name: &str,
) -> Result<Reply, ServiceError> {
    let valid = !name.is_empty()
        && name.len() <= 127
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    if !valid {
        return Err(ServiceError::bad_parameter(format!(
            "The key name '{name}' is not valid."
        )));
    }
    let params: RestoreParameters = req.json()?;
    let (dir, _) = container(ctx, params.sas_token_parameters)?;
    let folder = params
        .folder
        .filter(|f| !f.trim().is_empty())
        .ok_or_else(|| ServiceError::bad_parameter("The property 'folder' is required."))?;
    let outcome = read_backup(ctx, &dir, &folder).and_then(|backup| {
        let entry = backup
            .keys
            .into_iter()
            .find(|k| k.name.eq_ignore_ascii_case(name))
            .ok_or_else(|| {
                (
                    "KeyNotFound".to_string(),
                    format!("The key '{name}' was not found in the backup '{folder}'."),
                )
            })?;
        match vault.keys.store.lookup(&entry.name, ctx.now) {
            Lookup::Missing | Lookup::Active(_) => {}
            _ => {
                return Err((
                    "Conflict".to_string(),
                    format!(
                        "Key {} is currently in a deleted but recoverable state, and its name cannot be reused; in this state, the key can only be recovered or purged.",
                        entry.name
                    ),
                ))
            }
        }
        let lower = entry.name.to_ascii_lowercase();
        match entry.policy {
            Some(policy) => {
                vault.keys.policies.insert(lower, policy);
            }
            None => {
                vault.keys.policies.remove(&lower);
            }
        }
        vault.keys.store.insert(Object {
            name: entry.name,
            versions: entry.versions,
            state: ObjectState::Active,
        });
        Ok(None)
    });
    Ok(start_job(ctx, admin, JobKind::SelectiveRestore, outcome))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_components_stay_inside() {
        assert_eq!(safe("container").unwrap(), "container");
        assert_eq!(safe("a%20b").unwrap(), "a b");
        for bad in ["..", ".", "%2E%2E", "a%2Fb", ""] {
            assert!(safe(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn jobs_report_progress_then_outcome() {
        let t0 = time::OffsetDateTime::from_unix_timestamp(1_700_000_000).unwrap();
        let job = Job {
            id: "j".into(),
            kind: JobKind::Backup,
            start: t0.unix_timestamp(),
            ready_at_ms: millis(t0) + 1500,
            outcome: Ok(Some("https://a/c/f".into())),
        };
        let (body, retry) = job.status(t0);
        assert_eq!(body["status"], "InProgress");
        assert_eq!(body["azureStorageBlobContainerUri"], Value::Null);
        assert_eq!(retry, Some(2));
        let (body, retry) = job.status(t0 + std::time::Duration::from_secs(2));
        assert_eq!(body["status"], "Succeeded");
        assert_eq!(body["azureStorageBlobContainerUri"], "https://a/c/f");
        assert_eq!(retry, None);
        let failed = Job {
            outcome: Err(("BackupNotFound".into(), "gone".into())),
            kind: JobKind::Restore,
            ..job
        };
        let (body, _) = failed.status(t0 + std::time::Duration::from_secs(2));
        assert_eq!(body["status"], "Failed");
        assert_eq!(body["error"]["code"], "BackupNotFound");
        assert!(body.get("azureStorageBlobContainerUri").is_none());
    }
}
