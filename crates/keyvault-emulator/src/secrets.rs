//! The secrets REST surface: set, get, update, list, versions, delete, deleted get/list, recover,
//! purge, backup and restore.

use std::collections::BTreeMap;

use hyper::Method;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use crate::errors::ServiceError;
use crate::http::{method_not_allowed, not_found as route_not_found, Ctx, Reply, Req};
use crate::lifecycle::{self, validate_name, Lifecycle, Names};
use crate::storage::store::{Lookup, Object, ObjectState, Store};
use crate::storage::vault::Vault;

pub(crate) use crate::storage::secrets::SecretVersion;

/// Largest secret value accepted, in bytes.
const MAX_VALUE_LEN: usize = 25 * 1024;

#[derive(Debug, Deserialize)]
struct AttributesIn {
    enabled: Option<bool>,
    nbf: Option<i64>,
    exp: Option<i64>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct SetParameters {
    value: Option<String>,
    content_type: Option<String>,
    tags: Option<BTreeMap<String, String>>,
    attributes: Option<AttributesIn>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct UpdateParameters {
    content_type: Option<String>,
    tags: Option<BTreeMap<String, String>>,
    attributes: Option<AttributesIn>,
}

#[derive(Debug, Deserialize)]
struct RestoreParameters {
    value: Option<String>,
}

#[derive(Debug, Serialize, Deserialize)]
struct BackupPayload {
    kind: String,
    name: String,
    versions: Vec<SecretVersion>,
}

const BACKUP_KIND: &str = "secret";

/// Routes `/secrets...` and `/deletedsecrets...`; `segments[0]` is the collection.
pub(crate) fn handle(
    ctx: &Ctx<'_>,
    vault: &mut Vault,
    req: &Req,
    segments: &[&str],
) -> Result<Reply, ServiceError> {
    let collection = segments[0].to_ascii_lowercase();
    let m = &req.method;
    let is = |s: &str, word: &str| s.eq_ignore_ascii_case(word);
    match (collection.as_str(), &segments[1..]) {
        ("secrets", []) => match *m {
            Method::GET => lifecycle::list::<SecretKind>(ctx, vault, req),
            _ => Err(method_not_allowed(req)),
        },
        ("secrets", [restore]) if is(restore, "restore") && *m == Method::POST => {
            restore_secret(ctx, vault, req)
        }
        ("secrets", [name]) => match *m {
            Method::PUT => set(ctx, vault, req, name),
            Method::GET => get(ctx, vault, name, None),
            Method::PATCH => update(ctx, vault, req, name, None),
            Method::DELETE => lifecycle::delete::<SecretKind>(ctx, vault, name),
            _ => Err(method_not_allowed(req)),
        },
        ("secrets", [name, versions]) if is(versions, "versions") => match *m {
            Method::GET => lifecycle::list_versions::<SecretKind>(ctx, vault, req, name),
            _ => Err(method_not_allowed(req)),
        },
        ("secrets", [name, backup]) if is(backup, "backup") && *m == Method::POST => {
            backup_secret(ctx, vault, name)
        }
        ("secrets", [name, version]) => match *m {
            Method::GET => get(ctx, vault, name, Some(version)),
            Method::PATCH => update(ctx, vault, req, name, Some(version)),
            _ => Err(method_not_allowed(req)),
        },
        ("deletedsecrets", rest) => lifecycle::handle_deleted::<SecretKind>(ctx, vault, req, rest),
        _ => Err(route_not_found(req)),
    }
}

const NAMES: &Names = &Names {
    title: "Secret",
    noun: "secret",
    collection: "secrets",
    deleted_collection: "deletedsecrets",
    not_found_code: "SecretNotFound",
    carry: &[],
};

fn not_found(name: &str) -> ServiceError {
    NAMES.not_found(name)
}

/// Secrets in the shared lifecycle.
pub(crate) struct SecretKind;

impl Lifecycle for SecretKind {
    type Version = SecretVersion;
    const NAMES: &'static Names = NAMES;

    fn store(vault: &mut Vault) -> &mut Store<SecretVersion> {
        &mut vault.secrets
    }

    fn stored(vault: &Vault) -> &Store<SecretVersion> {
        &vault.secrets
    }

    fn version(v: &SecretVersion) -> &str {
        &v.version
    }

    fn bundle(ctx: &Ctx<'_>, _: &Vault, name: &str, v: &SecretVersion) -> Map<String, Value> {
        bundle(ctx, name, v, false)
    }

    fn item(ctx: &Ctx<'_>, id: String, v: &SecretVersion) -> Map<String, Value> {
        properties(ctx, id, v, false)
    }
}

fn attributes(ctx: &Ctx<'_>, v: &SecretVersion) -> Value {
    Value::Object(lifecycle::attributes(
        ctx, v.enabled, v.nbf, v.exp, v.created, v.updated,
    ))
}

/// The common fields of bundles and items.
fn properties(ctx: &Ctx<'_>, id: String, v: &SecretVersion, with_kid: bool) -> Map<String, Value> {
    let mut b = Map::new();
    b.insert("id".into(), json!(id));
    if let Some(ct) = &v.content_type {
        b.insert("contentType".into(), json!(ct));
    }
    b.insert("attributes".into(), attributes(ctx, v));
    if let Some(tags) = &v.tags {
        b.insert("tags".into(), json!(tags));
    }
    if with_kid {
        if let Some(kid) = &v.kid {
            b.insert("kid".into(), json!(kid));
        }
    }
    if let Some(managed) = v.managed {
        b.insert("managed".into(), json!(managed));
    }
    b
}

/// A `SecretBundle`.
fn bundle(ctx: &Ctx<'_>, name: &str, v: &SecretVersion, with_value: bool) -> Map<String, Value> {
    let id = lifecycle::versioned_id::<SecretKind>(ctx, name, &v.version);
    let mut b = properties(ctx, id, v, true);
    if with_value {
        b.insert("value".into(), json!(v.value));
    }
    b
}

fn apply_attributes(v: &mut SecretVersion, a: Option<AttributesIn>) {
    if let Some(a) = a {
        if let Some(enabled) = a.enabled {
            v.enabled = enabled;
        }
        if a.nbf.is_some() {
            v.nbf = a.nbf;
        }
        if a.exp.is_some() {
            v.exp = a.exp;
        }
    }
}

fn set(ctx: &Ctx<'_>, vault: &mut Vault, req: &Req, name: &str) -> Result<Reply, ServiceError> {
    validate_name(name)?;
    let params: SetParameters = req.json()?;
    let Some(value) = params.value else {
        return Err(ServiceError::bad_parameter(
            "The request body must contain the property 'value'.",
        ));
    };
    if value.len() > MAX_VALUE_LEN {
        return Err(ServiceError::bad_parameter(format!(
            "The secret value is too large: {} bytes, the limit is {MAX_VALUE_LEN} bytes.",
            value.len()
        )));
    }
    NAMES.check_writable(vault.secrets.lookup(name, ctx.now), name)?;
    let now = ctx.now.unix_timestamp();
    let mut version = SecretVersion {
        version: uuid::Uuid::new_v4().simple().to_string(),
        value,
        content_type: params.content_type,
        tags: params.tags,
        enabled: true,
        nbf: None,
        exp: None,
        created: now,
        updated: now,
        managed: None,
        kid: None,
    };
    apply_attributes(&mut version, params.attributes);
    let object = vault.secrets.push_version(name, version);
    let latest = object.latest().ok_or_else(|| not_found(name))?;
    Ok(Reply::json(
        200,
        &Value::Object(bundle(ctx, &object.name, latest, true)),
    ))
}

fn get(
    ctx: &Ctx<'_>,
    vault: &mut Vault,
    name: &str,
    version: Option<&str>,
) -> Result<Reply, ServiceError> {
    validate_name(name)?;
    let Lookup::Active(o) = vault.secrets.lookup(name, ctx.now) else {
        return Err(not_found(name));
    };
    let object_name = o.name.clone();
    let v = lifecycle::find_version::<SecretKind>(o, name, version)?;
    if !v.enabled {
        return Err(ServiceError::new(
            403,
            "Forbidden",
            "Operation get is not allowed on a disabled secret.",
        )
        .with_inner("SecretDisabled"));
    }
    Ok(Reply::json(
        200,
        &Value::Object(bundle(ctx, &object_name, v, true)),
    ))
}

fn update(
    ctx: &Ctx<'_>,
    vault: &mut Vault,
    req: &Req,
    name: &str,
    version: Option<&str>,
) -> Result<Reply, ServiceError> {
    validate_name(name)?;
    let params: UpdateParameters = req.json()?;
    let Lookup::Active(o) = vault.secrets.lookup(name, ctx.now) else {
        return Err(not_found(name));
    };
    let object_name = o.name.clone();
    let v = lifecycle::find_version::<SecretKind>(o, name, version)?;
    if params.content_type.is_some() {
        v.content_type = params.content_type;
    }
    if params.tags.is_some() {
        v.tags = params.tags;
    }
    apply_attributes(v, params.attributes);
    v.updated = ctx.now.unix_timestamp();
    Ok(Reply::json(
        200,
        &Value::Object(bundle(ctx, &object_name, v, false)),
    ))
}

fn backup_secret(ctx: &Ctx<'_>, vault: &mut Vault, name: &str) -> Result<Reply, ServiceError> {
    validate_name(name)?;
    let Lookup::Active(o) = vault.secrets.lookup(name, ctx.now) else {
        return Err(not_found(name));
    };
    let payload = BackupPayload {
        kind: BACKUP_KIND.to_string(),
        name: o.name.clone(),
        versions: o.versions.clone(),
    };
    let bytes = serde_json::to_vec(&payload)
        .map_err(|_| ServiceError::new(500, "InternalError", "Backup failed."))?;
    let blob = ctx.state.backup_key.seal(BACKUP_KIND, &bytes)?;
    Ok(Reply::json(200, &json!({ "value": blob })))
}

fn restore_secret(ctx: &Ctx<'_>, vault: &mut Vault, req: &Req) -> Result<Reply, ServiceError> {
    let params: RestoreParameters = req.json()?;
    let Some(blob) = params.value else {
        return Err(ServiceError::bad_parameter(
            "The request body must contain the property 'value'.",
        ));
    };
    let plain = ctx.state.backup_key.open(BACKUP_KIND, &blob)?;
    let payload: BackupPayload = serde_json::from_slice(&plain).map_err(|_| {
        ServiceError::bad_parameter("Backup blob is corrupted or was not produced by this service.")
    })?;
    validate_name(&payload.name)?;
    if payload.kind != BACKUP_KIND || payload.versions.is_empty() {
        return Err(ServiceError::bad_parameter(
            "Backup blob is corrupted or was not produced by this service.",
        ));
    }
    let name = payload.name.clone();
    NAMES.check_restorable(vault.secrets.lookup(&name, ctx.now), &name)?;
    let o = vault.secrets.insert(Object {
        name: payload.name,
        versions: payload.versions,
        state: ObjectState::Active,
    });
    let latest = o.latest().ok_or_else(|| not_found(&name))?;
    Ok(Reply::json(
        200,
        &Value::Object(bundle(ctx, &o.name, latest, false)),
    ))
}
