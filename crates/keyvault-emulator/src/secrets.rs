//! The secrets REST surface: set, get, update, list, versions, delete, deleted get/list, recover,
//! purge, backup and restore.

use std::collections::BTreeMap;

use hyper::Method;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use crate::errors::ServiceError;
use crate::paging::page_reply;
use crate::server::{method_not_allowed, not_found as route_not_found, Ctx, Reply, Req};
use crate::store::{Deletion, Lookup, Object, ObjectState, RECOVERABLE_DAYS, RECOVERY_LEVEL};
use crate::vault::Vault;

/// Largest secret value accepted, in bytes.
const MAX_VALUE_LEN: usize = 25 * 1024;

/// One version of a secret.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct SecretVersion {
    pub(crate) version: String,
    pub(crate) value: String,
    pub(crate) content_type: Option<String>,
    pub(crate) tags: Option<BTreeMap<String, String>>,
    pub(crate) enabled: bool,
    pub(crate) nbf: Option<i64>,
    pub(crate) exp: Option<i64>,
    pub(crate) created: i64,
    pub(crate) updated: i64,
    pub(crate) managed: Option<bool>,
    pub(crate) kid: Option<String>,
}

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
            Method::GET => list(ctx, vault, req),
            _ => Err(method_not_allowed(req)),
        },
        ("secrets", [restore]) if is(restore, "restore") && *m == Method::POST => {
            restore_secret(ctx, vault, req)
        }
        ("secrets", [name]) => match *m {
            Method::PUT => set(ctx, vault, req, name),
            Method::GET => get(ctx, vault, name, None),
            Method::PATCH => update(ctx, vault, req, name, None),
            Method::DELETE => delete(ctx, vault, name),
            _ => Err(method_not_allowed(req)),
        },
        ("secrets", [name, versions]) if is(versions, "versions") => match *m {
            Method::GET => list_versions(ctx, vault, req, name),
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
        ("deletedsecrets", []) => match *m {
            Method::GET => list_deleted(ctx, vault, req),
            _ => Err(method_not_allowed(req)),
        },
        ("deletedsecrets", [name]) => match *m {
            Method::GET => get_deleted(ctx, vault, name),
            Method::DELETE => purge(ctx, vault, name),
            _ => Err(method_not_allowed(req)),
        },
        ("deletedsecrets", [name, recover]) if is(recover, "recover") => match *m {
            Method::POST => recover_secret(ctx, vault, name),
            _ => Err(method_not_allowed(req)),
        },
        _ => Err(route_not_found(req)),
    }
}

fn validate_name(name: &str) -> Result<(), ServiceError> {
    let valid = (1..=127).contains(&name.len())
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
    if valid {
        Ok(())
    } else {
        Err(ServiceError::bad_parameter(format!(
            "The request URI contains an invalid name: {name}"
        )))
    }
}

fn not_found(name: &str) -> ServiceError {
    ServiceError::new(
        404,
        "SecretNotFound",
        format!("A secret with (name/id) {name} was not found in this key vault. If you recently deleted this secret you may be able to recover it using the correct recovery command. For help resolving this issue, please see https://go.microsoft.com/fwlink/?linkid=2125182"),
    )
}

fn deleted_not_found(name: &str) -> ServiceError {
    ServiceError::new(
        404,
        "SecretNotFound",
        format!("Deleted Secret not found: {name}"),
    )
}

fn deleted_conflict(name: &str) -> ServiceError {
    ServiceError::conflict(
        format!("Secret {name} is currently in a deleted but recoverable state, and its name cannot be reused; in this state, the secret can only be recovered or purged."),
        "ObjectIsDeletedButRecoverable",
    )
}

fn being_deleted(name: &str) -> ServiceError {
    ServiceError::conflict(
        format!("Secret {name} is currently being deleted."),
        "ObjectIsBeingDeleted",
    )
}

fn being_recovered(name: &str) -> ServiceError {
    ServiceError::conflict(
        format!("Secret {name} is currently being recovered."),
        "ObjectIsBeingRecovered",
    )
}

fn attributes(ctx: &Ctx<'_>, v: &SecretVersion) -> Value {
    let mut a = Map::new();
    a.insert("enabled".into(), json!(v.enabled));
    if let Some(nbf) = v.nbf {
        a.insert("nbf".into(), json!(nbf));
    }
    if let Some(exp) = v.exp {
        a.insert("exp".into(), json!(exp));
    }
    a.insert("created".into(), json!(v.created));
    a.insert("updated".into(), json!(v.updated));
    a.insert("recoveryLevel".into(), json!(RECOVERY_LEVEL));
    if ctx.api.has_recoverable_days() {
        a.insert("recoverableDays".into(), json!(RECOVERABLE_DAYS));
    }
    Value::Object(a)
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

fn versioned_id(ctx: &Ctx<'_>, name: &str, v: &SecretVersion) -> String {
    format!("{}/secrets/{name}/{}", ctx.base, v.version)
}

/// A `SecretBundle`.
fn bundle(ctx: &Ctx<'_>, name: &str, v: &SecretVersion, with_value: bool) -> Map<String, Value> {
    let mut b = properties(ctx, versioned_id(ctx, name, v), v, true);
    if with_value {
        b.insert("value".into(), json!(v.value));
    }
    b
}

fn add_deletion(ctx: &Ctx<'_>, b: &mut Map<String, Value>, name: &str, d: &Deletion) {
    b.insert(
        "recoveryId".into(),
        json!(format!("{}/deletedsecrets/{name}", ctx.base)),
    );
    b.insert("deletedDate".into(), json!(d.deleted_date));
    b.insert("scheduledPurgeDate".into(), json!(d.scheduled_purge_date));
}

fn deletion_of(o: &Object<SecretVersion>) -> Option<&Deletion> {
    match &o.state {
        ObjectState::Deleted(d) => Some(d),
        _ => None,
    }
}

fn deleted_bundle(ctx: &Ctx<'_>, o: &Object<SecretVersion>) -> Result<Value, ServiceError> {
    let (Some(latest), Some(d)) = (o.latest(), deletion_of(o)) else {
        return Err(deleted_not_found(&o.name));
    };
    let mut b = bundle(ctx, &o.name, latest, false);
    add_deletion(ctx, &mut b, &o.name, d);
    Ok(Value::Object(b))
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
    match vault.secrets.lookup(name, ctx.now) {
        Lookup::Missing | Lookup::Active(_) => {}
        Lookup::BeingDeleted => return Err(being_deleted(name)),
        Lookup::BeingRecovered => return Err(being_recovered(name)),
        Lookup::Deleted(_) => return Err(deleted_conflict(name)),
    }
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

fn find_version<'a>(
    o: &'a mut Object<SecretVersion>,
    name: &str,
    version: Option<&str>,
) -> Result<&'a mut SecretVersion, ServiceError> {
    match version {
        None | Some("") => o.versions.last_mut().ok_or_else(|| not_found(name)),
        Some(version) => o
            .versions
            .iter_mut()
            .find(|v| v.version.eq_ignore_ascii_case(version))
            .ok_or_else(|| not_found(&format!("{name}/{version}"))),
    }
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
    let v = find_version(o, name, version)?;
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
    let v = find_version(o, name, version)?;
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

fn delete(ctx: &Ctx<'_>, vault: &mut Vault, name: &str) -> Result<Reply, ServiceError> {
    validate_name(name)?;
    match vault.secrets.lookup(name, ctx.now) {
        Lookup::Active(_) => {}
        Lookup::BeingRecovered => return Err(being_recovered(name)),
        _ => return Err(not_found(name)),
    }
    let o = vault
        .secrets
        .delete(name, ctx.now, ctx.latency)
        .ok_or_else(|| not_found(name))?;
    Ok(Reply::json(200, &deleted_bundle(ctx, o)?))
}

fn get_deleted(ctx: &Ctx<'_>, vault: &mut Vault, name: &str) -> Result<Reply, ServiceError> {
    validate_name(name)?;
    match vault.secrets.lookup(name, ctx.now) {
        Lookup::Deleted(o) => Ok(Reply::json(200, &deleted_bundle(ctx, o)?)),
        _ => Err(deleted_not_found(name)),
    }
}

fn purge(ctx: &Ctx<'_>, vault: &mut Vault, name: &str) -> Result<Reply, ServiceError> {
    validate_name(name)?;
    match vault.secrets.lookup(name, ctx.now) {
        Lookup::Deleted(_) => {}
        Lookup::BeingDeleted => return Err(being_deleted(name)),
        _ => return Err(deleted_not_found(name)),
    }
    vault.secrets.purge(name);
    Ok(Reply::empty(204))
}

fn recover_secret(ctx: &Ctx<'_>, vault: &mut Vault, name: &str) -> Result<Reply, ServiceError> {
    validate_name(name)?;
    match vault.secrets.lookup(name, ctx.now) {
        Lookup::Deleted(_) => {}
        Lookup::BeingDeleted => return Err(being_deleted(name)),
        _ => return Err(deleted_not_found(name)),
    }
    let o = vault
        .secrets
        .recover(name, ctx.now, ctx.latency)
        .ok_or_else(|| deleted_not_found(name))?;
    let latest = o.latest().ok_or_else(|| deleted_not_found(name))?;
    Ok(Reply::json(
        200,
        &Value::Object(bundle(ctx, &o.name, latest, false)),
    ))
}

fn list(ctx: &Ctx<'_>, vault: &mut Vault, req: &Req) -> Result<Reply, ServiceError> {
    let items = vault
        .secrets
        .active(ctx.now)
        .into_iter()
        .filter_map(|(key, o)| {
            let latest = o.latest()?;
            let id = format!("{}/secrets/{}", ctx.base, o.name);
            Some((
                key.clone(),
                Value::Object(properties(ctx, id, latest, false)),
            ))
        })
        .collect();
    page_reply(ctx, req, "/secrets", items, &[])
}

fn list_versions(
    ctx: &Ctx<'_>,
    vault: &mut Vault,
    req: &Req,
    name: &str,
) -> Result<Reply, ServiceError> {
    validate_name(name)?;
    let items = match vault.secrets.lookup(name, ctx.now) {
        Lookup::Active(o) => o
            .versions
            .iter()
            .enumerate()
            .map(|(i, v)| {
                let id = versioned_id(ctx, &o.name, v);
                (
                    format!("{i:010}"),
                    Value::Object(properties(ctx, id, v, false)),
                )
            })
            .collect(),
        _ => Vec::new(),
    };
    page_reply(ctx, req, &format!("/secrets/{name}/versions"), items, &[])
}

fn list_deleted(ctx: &Ctx<'_>, vault: &mut Vault, req: &Req) -> Result<Reply, ServiceError> {
    let items = vault
        .secrets
        .deleted(ctx.now)
        .into_iter()
        .filter_map(|(key, o, d)| {
            let latest = o.latest()?;
            let id = format!("{}/secrets/{}", ctx.base, o.name);
            let mut item = properties(ctx, id, latest, false);
            add_deletion(ctx, &mut item, &o.name, d);
            Some((key.clone(), Value::Object(item)))
        })
        .collect();
    page_reply(ctx, req, "/deletedsecrets", items, &[])
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
    match vault.secrets.lookup(&name, ctx.now) {
        Lookup::Missing => {}
        Lookup::Active(_) => {
            return Err(ServiceError::new(
                409,
                "Conflict",
                format!("Secret {name} already exists. A secret can only be restored into a vault where no secret of the same name exists."),
            ))
        }
        Lookup::BeingDeleted => return Err(being_deleted(&name)),
        Lookup::BeingRecovered => return Err(being_recovered(&name)),
        Lookup::Deleted(_) => return Err(deleted_conflict(&name)),
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert!(validate_name("abc-DEF-123").is_ok());
        assert!(validate_name(&"a".repeat(127)).is_ok());
        assert!(validate_name(&"a".repeat(128)).is_err());
        assert!(validate_name("bad_name").is_err());
        assert!(validate_name("").is_err());
    }
}
