//! Managed HSM administration: local RBAC (role definitions and assignments), full backup and
//! restore to a local folder standing in for blob storage, selective key restore, the
//! `Azure-AsyncOperation` job status, account settings, the External Key Manager (EKM)
//! connection, and the security domain.
//!
//! Only the Managed HSM flavour answers these paths; a vault answers them 404 `NotFound`, as
//! it answers any path it does not serve.

mod backup;
mod ekm;
pub(crate) mod rbac;
pub(crate) mod security_domain;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::Duration;

use hyper::Method;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::errors::ServiceError;
use crate::http::{method_not_allowed, not_found, Ctx, Reply, Req};
use crate::storage::state::State;
use crate::storage::vault::{Flavour, Vault};
use crate::sync::lock;

pub(crate) use crate::storage::admin::{
    AdminState, HsmAdmin, RoleAssignment, RoleDefinition, Setting,
};

impl AdminState {
    /// The state of a new emulator. Without `backup_dir`, blob storage lives in a fresh folder
    /// under the system's temporary directory, removed when the emulator stops.
    pub(crate) fn new(backup_dir: Option<PathBuf>, job_latency: Duration) -> Self {
        let owns_backup_root = backup_dir.is_none();
        let backup_root = backup_dir.unwrap_or_else(|| {
            std::env::temp_dir().join(format!(
                "keyvault-emulator-blobs-{}-{}",
                std::process::id(),
                uuid::Uuid::new_v4().simple()
            ))
        });
        Self {
            job_latency: Mutex::new(job_latency),
            backup_root,
            owns_backup_root,
            hsms: Mutex::new(HashMap::new()),
        }
    }
}

impl HsmAdmin {
    /// A new HSM: the built-in roles, its creator (the emulator's service principal) as
    /// Managed HSM Administrator, Crypto Officer and Crypto User at `/`, and the default
    /// settings. A real pool's creator is only its Administrator and assigns the crypto roles
    /// itself; the emulator grants them at once so that a new pool's keys can be used, and a
    /// test deletes those assignments to see what RBAC refuses.
    pub(crate) fn new(administrator: &str) -> Self {
        let definitions = rbac::built_in_definitions()
            .into_iter()
            .map(|d| (d.name.to_ascii_lowercase(), d))
            .collect();
        let assignments = [rbac::ADMINISTRATOR, rbac::CRYPTO_OFFICER, rbac::CRYPTO_USER]
            .into_iter()
            .map(|role| {
                let assignment = RoleAssignment {
                    name: uuid::Uuid::new_v4().to_string(),
                    scope: "/".into(),
                    role_definition_id: rbac::definition_id(role),
                    principal_id: administrator.to_string(),
                };
                (assignment.name.clone(), assignment)
            })
            .collect();
        let settings = default_settings()
            .into_iter()
            .map(|s| (s.name.to_ascii_lowercase(), s))
            .collect();
        Self {
            definitions,
            assignments,
            settings,
            jobs: HashMap::new(),
            ekm: ekm::EkmState::default(),
            security_domain: Default::default(),
        }
    }
}

impl Setting {
    fn json(&self) -> Value {
        json!({ "name": self.name, "type": self.kind, "value": self.value })
    }
}

/// The settings of a new Managed HSM.
fn default_settings() -> Vec<Setting> {
    vec![Setting {
        name: "AllowKeyManagementOperationsThroughARM".into(),
        value: "false".into(),
        kind: "boolean".into(),
    }]
}

/// A 400 `BadParameter` for an operation the request's API version lacks.
fn unsupported_version(ctx: &Ctx<'_>) -> ServiceError {
    ServiceError::bad_parameter(format!(
        "The requested operation is not supported in API version '{}'.",
        ctx.api.value
    ))
}

/// Fails unless the request's API version is `version` or newer.
pub(crate) fn require(ctx: &Ctx<'_>, version: &str) -> Result<(), ServiceError> {
    if ctx.api.at_least(version) {
        Ok(())
    } else {
        Err(unsupported_version(ctx))
    }
}

/// What kind of administration request a path is, if any.
enum Route<'a> {
    Rbac {
        scope: &'a [&'a str],
        collection: &'a str,
        name: Option<&'a str>,
    },
    Job(&'a [&'a str]),
    SelectiveRestore(&'a str),
    Settings(Option<&'a str>),
    /// `/ekm` and `/ekm/{create,certificate,check}`.
    Ekm(Option<&'a str>),
    /// `/securitydomain/...`: the segments after `securitydomain`.
    SecurityDomain(&'a [&'a str]),
}

fn classify<'a>(method: &Method, segments: &'a [&'a str]) -> Option<Route<'a>> {
    let is = |s: &str, word: &str| s.eq_ignore_ascii_case(word);
    if let Some(i) = segments.iter().position(|s| is(s, "providers")) {
        let rest = &segments[i + 1..];
        if let [provider, collection, name @ ..] = rest {
            if is(provider, "Microsoft.Authorization")
                && (is(collection, "roleAssignments") || is(collection, "roleDefinitions"))
                && name.len() <= 1
            {
                return Some(Route::Rbac {
                    scope: &segments[..i],
                    collection,
                    name: name.first().copied(),
                });
            }
        }
        return None;
    }
    match segments {
        [first, ..]
            if ["backup", "restore", "prebackup", "prerestore"]
                .iter()
                .any(|w| is(first, w)) =>
        {
            Some(Route::Job(segments))
        }
        [keys, name, restore]
            if is(keys, "keys") && is(restore, "restore") && *method == Method::PUT =>
        {
            Some(Route::SelectiveRestore(name))
        }
        [settings] if is(settings, "settings") => Some(Route::Settings(None)),
        [settings, name] if is(settings, "settings") => Some(Route::Settings(Some(name))),
        [ekm] if is(ekm, "ekm") => Some(Route::Ekm(None)),
        [ekm, sub] if is(ekm, "ekm") => Some(Route::Ekm(Some(sub))),
        [sd, rest @ ..] if is(sd, "securitydomain") => Some(Route::SecurityDomain(rest)),
        _ => None,
    }
}

/// The API version of a job status request that has none: the service's `Azure-AsyncOperation`
/// URLs carry no `api-version`, and clients (Python's) poll them as given.
pub(crate) fn implied_api_version(flavour: Flavour, req: &Req) -> Option<&'static str> {
    let is = |s: &String, word: &str| s.eq_ignore_ascii_case(word);
    if flavour != Flavour::ManagedHsm || req.method != Method::GET {
        return None;
    }
    match req.segments.as_slice() {
        [collection, _, pending]
            if (is(collection, "backup") || is(collection, "restore"))
                && is(pending, "pending") =>
        {
            Some(crate::http::api_version::LATEST_API_VERSION)
        }
        [sd, operation, pending]
            if is(sd, "securitydomain")
                && (is(operation, "download") || is(operation, "upload"))
                && is(pending, "pending") =>
        {
            Some(crate::http::api_version::LATEST_API_VERSION)
        }
        _ => None,
    }
}

/// Answers an administration request; `None` when the path is not one (the other collections
/// answer it).
pub(crate) fn handle(
    ctx: &Ctx<'_>,
    hsm: &str,
    vault: &mut Vault,
    req: &Req,
    segments: &[&str],
) -> Option<Result<Reply, ServiceError>> {
    let route = classify(&req.method, segments)?;
    if ctx.flavour != Flavour::ManagedHsm {
        return Some(Err(not_found(req)));
    }
    Some(dispatch(ctx, hsm, vault, req, route))
}

fn dispatch(
    ctx: &Ctx<'_>,
    hsm: &str,
    vault: &mut Vault,
    req: &Req,
    route: Route<'_>,
) -> Result<Reply, ServiceError> {
    require(ctx, "7.2")?;
    let mut hsms = lock(&ctx.state.admin.hsms);
    let admin = hsms
        .entry(hsm.to_string())
        .or_insert_with(|| HsmAdmin::new(&ctx.state.object_id));
    match route {
        Route::Rbac {
            scope,
            collection,
            name,
        } => rbac::handle(ctx, admin, req, scope, collection, name),
        Route::Job(segments) => backup::handle(ctx, hsm, admin, vault, req, segments),
        Route::SelectiveRestore(name) => backup::selective_restore(ctx, admin, vault, req, name),
        Route::Settings(name) => {
            require(ctx, "7.4")?;
            settings(admin, req, name)
        }
        Route::Ekm(sub) => {
            require(ctx, "2026-04-01")?;
            ekm::handle(hsm, admin, req, sub)
        }
        Route::SecurityDomain(rest) => security_domain::handle(ctx, hsm, admin, req, rest),
    }
}

#[derive(Deserialize)]
struct UpdateSetting {
    value: Option<Value>,
}

fn settings(admin: &mut HsmAdmin, req: &Req, name: Option<&str>) -> Result<Reply, ServiceError> {
    let Some(name) = name else {
        return match req.method {
            Method::GET => {
                let all: Vec<Value> = admin.settings.values().map(Setting::json).collect();
                Ok(Reply::json(200, &json!({ "settings": all })))
            }
            _ => Err(method_not_allowed(req)),
        };
    };
    let setting = admin
        .settings
        .get_mut(&name.to_ascii_lowercase())
        .ok_or_else(|| {
            ServiceError::new(
                404,
                "SettingNotFound",
                format!("The setting '{name}' was not found."),
            )
        })?;
    match req.method {
        Method::GET => Ok(Reply::json(200, &setting.json())),
        Method::PATCH => {
            let body: UpdateSetting = req.json()?;
            let Some(Value::String(value)) = body.value else {
                return Err(ServiceError::bad_parameter(
                    "The request body must contain the string property 'value'.",
                ));
            };
            if setting.kind == "boolean" {
                let lower = value.to_ascii_lowercase();
                if lower != "true" && lower != "false" {
                    return Err(ServiceError::bad_parameter(format!(
                        "The value '{value}' is not valid for the boolean setting '{}'. Use 'true' or 'false'.",
                        setting.name
                    )));
                }
                setting.value = lower;
            } else {
                setting.value = value;
            }
            Ok(Reply::json(200, &setting.json()))
        }
        _ => Err(method_not_allowed(req)),
    }
}

#[derive(Deserialize)]
struct LatencyBody {
    ms: Option<u64>,
}

/// The administration control endpoints under `/_emulator/`; `None` for the others.
///
/// - `POST /_emulator/admin-job-latency {"ms": N}`: how long backup and restore jobs run.
/// - `GET /_emulator/backup-dir`: `{"path": ..}`, the folder standing in for blob storage.
pub(crate) fn control(state: &State, req: &Req) -> Option<Reply> {
    let rest: Vec<&str> = req.segments.iter().skip(1).map(String::as_str).collect();
    let bad = |message: String| {
        Reply::json(
            400,
            &json!({"error": {"code": "BadParameter", "message": message}}),
        )
    };
    match (&req.method, rest.as_slice()) {
        (&Method::POST, ["admin-job-latency"]) => {
            Some(match serde_json::from_slice::<LatencyBody>(&req.body) {
                Ok(LatencyBody { ms: Some(ms) }) => {
                    *lock(&state.admin.job_latency) = Duration::from_millis(ms);
                    Reply::json(200, &json!({ "ms": ms }))
                }
                Ok(_) => bad("Give 'ms'.".into()),
                Err(e) => bad(format!("Invalid control body: {e}")),
            })
        }
        (&Method::GET, ["backup-dir"]) => Some(Reply::json(
            200,
            &json!({ "path": state.admin.backup_root.display().to_string() }),
        )),
        _ => None,
    }
}
