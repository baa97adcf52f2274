//! The keys REST surface: create, import, get, update, list, versions, delete, deleted get/list,
//! recover, purge, backup, restore, rotate and rotation policies. The cryptographic operations,
//! release, attestation and random bytes are in [`operations`].

mod crypto;
mod jwk;
mod operations;
mod release;
mod rotation;

use std::collections::BTreeMap;

use hyper::Method;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use crate::errors::ServiceError;
use crate::http::{method_not_allowed, not_found as route_not_found, Ctx, Reply, Req};
use crate::lifecycle::{self, validate_name, Lifecycle, Names};
use crate::storage::store::{Lookup, Object, ObjectState, Store};
use crate::storage::vault::{Flavour, Vault};

pub(crate) use crate::storage::keys::{KeyState, KeyVersion};

pub(crate) use jwk::Material;
pub(crate) use rotation::RotationPolicy;

impl KeyVersion {
    /// The `kty` of this version.
    pub(crate) fn kty(&self) -> &'static str {
        self.material.family().kty(self.hsm)
    }
}

/// The key operations of `key_ops`.
const KEY_OPS: &[&str] = &[
    "encrypt",
    "decrypt",
    "sign",
    "verify",
    "wrapKey",
    "unwrapKey",
    "import",
    "export",
];

#[derive(Debug, Deserialize)]
struct AttributesIn {
    enabled: Option<bool>,
    nbf: Option<i64>,
    exp: Option<i64>,
    exportable: Option<bool>,
}

#[derive(Debug, Deserialize)]
struct CreateParameters {
    kty: Option<String>,
    key_size: Option<usize>,
    public_exponent: Option<u64>,
    key_ops: Option<Vec<String>>,
    attributes: Option<AttributesIn>,
    tags: Option<BTreeMap<String, String>>,
    crv: Option<String>,
    release_policy: Option<Value>,
}

#[derive(Debug, Deserialize)]
struct ImportParameters {
    #[serde(rename = "Hsm")]
    hsm: Option<bool>,
    key: Option<Value>,
    attributes: Option<AttributesIn>,
    tags: Option<BTreeMap<String, String>>,
    release_policy: Option<Value>,
}

#[derive(Debug, Deserialize)]
struct UpdateParameters {
    key_ops: Option<Vec<String>>,
    attributes: Option<AttributesIn>,
    tags: Option<BTreeMap<String, String>>,
    release_policy: Option<Value>,
}

#[derive(Debug, Deserialize)]
struct RestoreParameters {
    value: Option<String>,
}

#[derive(Debug, Serialize, Deserialize)]
struct BackupPayload {
    kind: String,
    name: String,
    versions: Vec<KeyVersion>,
    policy: Option<RotationPolicy>,
}

const BACKUP_KIND: &str = "key";

/// The crypto operations addressed as `/keys/{name}[/{version}]/{operation}`.
const OPERATIONS: &[&str] = &[
    "encrypt",
    "decrypt",
    "wrapkey",
    "unwrapkey",
    "sign",
    "verify",
    "release",
    "securewrapkey",
    "secureunwrapkey",
    "attestation",
];

fn is_operation(segment: &str) -> bool {
    OPERATIONS.iter().any(|op| segment.eq_ignore_ascii_case(op))
}

/// Routes `/keys...`, `/deletedkeys...` and `/rng`; `segments[0]` is the collection.
pub(crate) fn handle(
    ctx: &Ctx<'_>,
    vault: &mut Vault,
    req: &Req,
    segments: &[&str],
) -> Result<Reply, ServiceError> {
    let collection = segments[0].to_ascii_lowercase();
    let m = &req.method;
    let is = |s: &str, word: &str| s.eq_ignore_ascii_case(word);
    let keys = &mut vault.keys;
    if collection == "keys" {
        if let Some(name) = segments.get(1).filter(|n| !is(n, "restore")) {
            auto_rotate(ctx, keys, name);
        }
    }
    match (collection.as_str(), &segments[1..]) {
        ("rng", []) if *m == Method::POST => operations::random_bytes(ctx, req),
        ("rng", []) => Err(method_not_allowed(req)),
        ("keys", []) => match *m {
            Method::GET => lifecycle::list::<KeyKind>(ctx, vault, req),
            _ => Err(method_not_allowed(req)),
        },
        ("keys", [restore]) if is(restore, "restore") && *m == Method::POST => {
            restore_key(ctx, keys, req)
        }
        ("keys", [name]) => match *m {
            Method::PUT => import(ctx, keys, req, name),
            Method::GET => get(ctx, keys, name, None),
            Method::PATCH => update(ctx, keys, req, name, None),
            Method::DELETE => lifecycle::delete::<KeyKind>(ctx, vault, name),
            _ => Err(method_not_allowed(req)),
        },
        ("keys", [name, word]) if is(word, "create") => match *m {
            Method::POST => create(ctx, keys, req, name),
            _ => Err(method_not_allowed(req)),
        },
        ("keys", [name, word]) if is(word, "versions") => match *m {
            Method::GET => lifecycle::list_versions::<KeyKind>(ctx, vault, req, name),
            _ => Err(method_not_allowed(req)),
        },
        ("keys", [name, word]) if is(word, "backup") && *m == Method::POST => {
            backup_key(ctx, keys, name)
        }
        ("keys", [name, word]) if is(word, "rotate") && *m == Method::POST => {
            rotate(ctx, keys, name)
        }
        ("keys", [name, word]) if is(word, "rotationpolicy") => match *m {
            Method::GET => get_policy(ctx, keys, name),
            Method::PUT => put_policy(ctx, keys, req, name),
            _ => Err(method_not_allowed(req)),
        },
        ("keys", [name, op])
            if is_operation(op) && (*m == Method::POST || is(op, "attestation")) =>
        {
            operations::handle(ctx, keys, req, name, None, op)
        }
        ("keys", [name, version]) => match *m {
            Method::GET => get(ctx, keys, name, Some(version)),
            Method::PATCH => update(ctx, keys, req, name, Some(version)),
            _ => Err(method_not_allowed(req)),
        },
        ("keys", [name, version, op]) if is_operation(op) => {
            operations::handle(ctx, keys, req, name, Some(version), op)
        }
        ("deletedkeys", rest) => lifecycle::handle_deleted::<KeyKind>(ctx, vault, req, rest),
        _ => Err(route_not_found(req)),
    }
}

const NAMES: &Names = &Names {
    title: "Key",
    noun: "key",
    collection: "keys",
    deleted_collection: "deletedkeys",
    not_found_code: "KeyNotFound",
    carry: &[],
};

/// 404 `KeyNotFound` for an active key (or version).
pub(crate) fn not_found(name: &str) -> ServiceError {
    NAMES.not_found(name)
}

/// Keys in the shared lifecycle.
pub(crate) struct KeyKind;

impl Lifecycle for KeyKind {
    type Version = KeyVersion;
    const NAMES: &'static Names = NAMES;

    fn store(vault: &mut Vault) -> &mut Store<KeyVersion> {
        &mut vault.keys.store
    }

    fn stored(vault: &Vault) -> &Store<KeyVersion> {
        &vault.keys.store
    }

    fn version(v: &KeyVersion) -> &str {
        &v.version
    }

    fn bundle(ctx: &Ctx<'_>, _: &Vault, name: &str, v: &KeyVersion) -> Map<String, Value> {
        bundle(ctx, name, v)
    }

    fn item(ctx: &Ctx<'_>, id: String, v: &KeyVersion) -> Map<String, Value> {
        item(ctx, id, v)
    }

    /// The rotation policy goes with the key.
    fn purged(_: &Ctx<'_>, vault: &mut Vault, name: &str) {
        vault.keys.policies.remove(&name.to_ascii_lowercase());
    }
}

fn bad(message: impl Into<String>) -> ServiceError {
    ServiceError::bad_parameter(message)
}

fn hsm_flavour(ctx: &Ctx<'_>) -> bool {
    ctx.flavour == Flavour::ManagedHsm
}

/// The `KeyAttributes` JSON.
pub(crate) fn attributes(ctx: &Ctx<'_>, v: &KeyVersion) -> Map<String, Value> {
    let mut a = lifecycle::attributes(ctx, v.enabled, v.nbf, v.exp, v.created, v.updated);
    if ctx.api.at_least("7.3") {
        match v.exportable {
            Some(exportable) => {
                a.insert("exportable".into(), json!(exportable));
            }
            None if hsm_flavour(ctx) => {
                a.insert("exportable".into(), json!(false));
            }
            None => {}
        }
    }
    a
}

/// The versioned key id.
pub(crate) fn kid(ctx: &Ctx<'_>, name: &str, v: &KeyVersion) -> String {
    lifecycle::versioned_id::<KeyKind>(ctx, name, &v.version)
}

/// The public `JsonWebKey`.
pub(crate) fn public_jwk(ctx: &Ctx<'_>, name: &str, v: &KeyVersion) -> Map<String, Value> {
    let mut key = Map::new();
    key.insert("kid".into(), json!(kid(ctx, name, v)));
    key.insert("kty".into(), json!(v.kty()));
    key.insert("key_ops".into(), json!(v.key_ops));
    v.material.add_public(&mut key);
    key
}

/// A `KeyBundle`.
pub(crate) fn bundle(ctx: &Ctx<'_>, name: &str, v: &KeyVersion) -> Map<String, Value> {
    let mut b = Map::new();
    b.insert("key".into(), Value::Object(public_jwk(ctx, name, v)));
    b.insert("attributes".into(), Value::Object(attributes(ctx, v)));
    if let Some(tags) = &v.tags {
        b.insert("tags".into(), json!(tags));
    }
    if let Some(managed) = v.managed {
        b.insert("managed".into(), json!(managed));
    }
    if ctx.api.at_least("7.3") {
        if let Some(policy) = &v.release_policy {
            b.insert("release_policy".into(), policy.clone());
        }
    }
    b
}

fn item(ctx: &Ctx<'_>, id: String, v: &KeyVersion) -> Map<String, Value> {
    let mut b = Map::new();
    b.insert("kid".into(), json!(id));
    b.insert("attributes".into(), Value::Object(attributes(ctx, v)));
    if let Some(tags) = &v.tags {
        b.insert("tags".into(), json!(tags));
    }
    if let Some(managed) = v.managed {
        b.insert("managed".into(), json!(managed));
    }
    b
}

fn validate_ops(ops: Option<Vec<String>>) -> Result<Option<Vec<String>>, ServiceError> {
    if let Some(ops) = &ops {
        for op in ops {
            if !KEY_OPS.contains(&op.as_str()) {
                return Err(bad(format!("Invalid key operation: '{op}'.")));
            }
        }
    }
    Ok(ops)
}

/// Normalises a release policy: `contentType` and `immutable` get their defaults.
fn normalise_policy(policy: Option<Value>) -> Result<Option<Value>, ServiceError> {
    let Some(policy) = policy.filter(|p| !p.is_null()) else {
        return Ok(None);
    };
    release::validate_policy(&policy)?;
    let mut out = Map::new();
    out.insert(
        "contentType".into(),
        policy
            .get("contentType")
            .cloned()
            .unwrap_or_else(|| json!("application/json; charset=utf-8")),
    );
    out.insert("data".into(), policy["data"].clone());
    out.insert(
        "immutable".into(),
        json!(policy
            .get("immutable")
            .and_then(Value::as_bool)
            .unwrap_or(false)),
    );
    Ok(Some(Value::Object(out)))
}

fn check_exportable(exportable: Option<bool>, policy: &Option<Value>) -> Result<(), ServiceError> {
    match (exportable.unwrap_or(false), policy.is_some()) {
        (true, false) => Err(bad(
            "Exportable keys must have a release policy: provide release_policy when creating an exportable key.",
        )),
        (false, true) => Err(bad("Non-exportable keys must not have a release policy.")),
        _ => Ok(()),
    }
}

/// Checks that the name can take a new version.
fn check_writable(keys: &mut KeyState, name: &str, ctx: &Ctx<'_>) -> Result<(), ServiceError> {
    NAMES.check_writable(keys.store.lookup(name, ctx.now), name)
}

/// The family and HSM flag for a requested `kty` on this flavour.
fn key_type(
    ctx: &Ctx<'_>,
    kty: &str,
    hsm_requested: bool,
) -> Result<(jwk::Family, bool), ServiceError> {
    let unsupported = || bad(format!("Invalid kty value: {kty}")).with_inner("KeyTypeNotSupported");
    let (family, hsm) = jwk::Family::parse(kty).ok_or_else(unsupported)?;
    if hsm_flavour(ctx) {
        // A Managed HSM keeps every key in its HSM.
        return Ok((family, true));
    }
    if family == jwk::Family::Oct {
        // Symmetric keys exist only in Managed HSM.
        return Err(unsupported());
    }
    Ok((family, hsm || hsm_requested))
}

#[allow(clippy::too_many_arguments)]
fn new_version(
    ctx: &Ctx<'_>,
    material: Material,
    hsm: bool,
    key_ops: Option<Vec<String>>,
    tags: Option<BTreeMap<String, String>>,
    attributes: Option<AttributesIn>,
    release_policy: Option<Value>,
) -> KeyVersion {
    let now = ctx.now.unix_timestamp();
    let family = material.family();
    let mut v = KeyVersion {
        version: uuid::Uuid::new_v4().simple().to_string(),
        material,
        hsm,
        key_ops: key_ops.unwrap_or_else(|| family.default_ops()),
        tags,
        enabled: true,
        nbf: None,
        exp: None,
        created: now,
        updated: now,
        exportable: None,
        release_policy,
        managed: None,
    };
    apply_attributes(&mut v, attributes);
    v
}

fn apply_attributes(v: &mut KeyVersion, a: Option<AttributesIn>) {
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
        if a.exportable.is_some() {
            v.exportable = a.exportable;
        }
    }
}

fn reply_bundle(ctx: &Ctx<'_>, name: &str, v: &KeyVersion) -> Reply {
    Reply::json(200, &Value::Object(bundle(ctx, name, v)))
}

fn create(
    ctx: &Ctx<'_>,
    keys: &mut KeyState,
    req: &Req,
    name: &str,
) -> Result<Reply, ServiceError> {
    validate_name(name)?;
    let params: CreateParameters = req.json()?;
    let Some(kty) = params.kty else {
        return Err(bad("The request body must contain the property 'kty'."));
    };
    let (family, hsm) = key_type(ctx, &kty, false)?;
    let key_ops = validate_ops(params.key_ops)?;
    let release_policy = normalise_policy(params.release_policy)?;
    let exportable = params.attributes.as_ref().and_then(|a| a.exportable);
    check_exportable(exportable, &release_policy)?;
    check_writable(keys, name, ctx)?;
    let material = match family {
        jwk::Family::Rsa => Material::generate_rsa(
            params.key_size.unwrap_or(2048),
            params.public_exponent.unwrap_or(65537),
        )?,
        jwk::Family::Ec => {
            let crv = params.crv.as_deref().unwrap_or("P-256");
            let curve = jwk::Curve::parse(crv)
                .ok_or_else(|| bad(format!("Invalid curve name: '{crv}'.")))?;
            Material::generate_ec(curve)
        }
        jwk::Family::Oct => Material::generate_oct(params.key_size.unwrap_or(256))?,
    };
    let mut version = new_version(
        ctx,
        material,
        hsm,
        key_ops,
        params.tags,
        params.attributes,
        release_policy,
    );
    if version.exp.is_none() {
        let policy = keys.policies.get(&name.to_ascii_lowercase());
        version.exp = policy.and_then(|p| p.expiry_for(version.created));
    }
    let object = keys.store.push_version(name, version);
    let latest = object.latest().ok_or_else(|| not_found(name))?;
    Ok(reply_bundle(ctx, &object.name, latest))
}

fn import(
    ctx: &Ctx<'_>,
    keys: &mut KeyState,
    req: &Req,
    name: &str,
) -> Result<Reply, ServiceError> {
    validate_name(name)?;
    let params: ImportParameters = req.json()?;
    let Some(jwk_value) = params.key else {
        return Err(bad("The request body must contain the property 'key'."));
    };
    let kty = jwk_value["kty"].as_str().unwrap_or_default().to_string();
    let (_, hsm) = key_type(ctx, &kty, params.hsm.unwrap_or(false))?;
    let material = Material::from_jwk(&jwk_value)?;
    let key_ops = match jwk_value.get("key_ops") {
        None | Some(Value::Null) => None,
        Some(ops) => Some(
            serde_json::from_value::<Vec<String>>(ops.clone())
                .map_err(|_| bad("Property 'key_ops' must be an array of strings."))?,
        ),
    };
    let key_ops = validate_ops(key_ops)?;
    let release_policy = normalise_policy(params.release_policy)?;
    let exportable = params.attributes.as_ref().and_then(|a| a.exportable);
    check_exportable(exportable, &release_policy)?;
    check_writable(keys, name, ctx)?;
    let version = new_version(
        ctx,
        material,
        hsm,
        key_ops,
        params.tags,
        params.attributes,
        release_policy,
    );
    let object = keys.store.push_version(name, version);
    let latest = object.latest().ok_or_else(|| not_found(name))?;
    Ok(reply_bundle(ctx, &object.name, latest))
}

fn get(
    ctx: &Ctx<'_>,
    keys: &mut KeyState,
    name: &str,
    version: Option<&str>,
) -> Result<Reply, ServiceError> {
    validate_name(name)?;
    let Lookup::Active(o) = keys.store.lookup(name, ctx.now) else {
        return Err(not_found(name));
    };
    let object_name = o.name.clone();
    let v = lifecycle::find_version::<KeyKind>(o, name, version)?;
    Ok(reply_bundle(ctx, &object_name, v))
}

fn update(
    ctx: &Ctx<'_>,
    keys: &mut KeyState,
    req: &Req,
    name: &str,
    version: Option<&str>,
) -> Result<Reply, ServiceError> {
    validate_name(name)?;
    let params: UpdateParameters = req.json()?;
    let key_ops = validate_ops(params.key_ops)?;
    let release_policy = normalise_policy(params.release_policy)?;
    let Lookup::Active(o) = keys.store.lookup(name, ctx.now) else {
        return Err(not_found(name));
    };
    let object_name = o.name.clone();
    let v = lifecycle::find_version::<KeyKind>(o, name, version)?;
    if let Some(policy) = release_policy {
        let immutable = v
            .release_policy
            .as_ref()
            .and_then(|p| p["immutable"].as_bool())
            .unwrap_or(false);
        if immutable {
            return Err(bad(
                "The release policy of this key is immutable and cannot be changed.",
            ));
        }
        if !v.exportable.unwrap_or(false) {
            return Err(bad("Non-exportable keys must not have a release policy."));
        }
        v.release_policy = Some(policy);
    }
    if let Some(exportable) = params.attributes.as_ref().and_then(|a| a.exportable) {
        if v.exportable.unwrap_or(false) != exportable {
            return Err(bad("The exportable attribute of a key cannot be changed."));
        }
    }
    if key_ops.is_some() {
        v.key_ops = key_ops.unwrap_or_default();
    }
    if params.tags.is_some() {
        v.tags = params.tags;
    }
    apply_attributes(v, params.attributes);
    v.updated = ctx.now.unix_timestamp();
    Ok(reply_bundle(ctx, &object_name, v))
}

fn backup_key(ctx: &Ctx<'_>, keys: &mut KeyState, name: &str) -> Result<Reply, ServiceError> {
    validate_name(name)?;
    let Lookup::Active(o) = keys.store.lookup(name, ctx.now) else {
        return Err(not_found(name));
    };
    let payload = BackupPayload {
        kind: BACKUP_KIND.to_string(),
        name: o.name.clone(),
        versions: o.versions.clone(),
        policy: None,
    };
    let payload = BackupPayload {
        policy: keys.policies.get(&name.to_ascii_lowercase()).cloned(),
        ..payload
    };
    let bytes = zeroize::Zeroizing::new(
        serde_json::to_vec(&payload)
            .map_err(|_| ServiceError::new(500, "InternalError", "Backup failed."))?,
    );
    let blob = ctx.state.backup_key.seal(BACKUP_KIND, &bytes)?;
    Ok(Reply::json(200, &json!({ "value": blob })))
}

fn restore_key(ctx: &Ctx<'_>, keys: &mut KeyState, req: &Req) -> Result<Reply, ServiceError> {
    let params: RestoreParameters = req.json()?;
    let Some(blob) = params.value else {
        return Err(bad("The request body must contain the property 'value'."));
    };
    let corrupted = || bad("Backup blob is corrupted or was not produced by this service.");
    let plain = zeroize::Zeroizing::new(ctx.state.backup_key.open(BACKUP_KIND, &blob)?);
    let payload: BackupPayload = serde_json::from_slice(&plain).map_err(|_| corrupted())?;
    validate_name(&payload.name)?;
    if payload.kind != BACKUP_KIND || payload.versions.is_empty() {
        return Err(corrupted());
    }
    if hsm_flavour(ctx) && !payload.versions.iter().all(|v| v.hsm) {
        return Err(bad(
            "A key backed up from a key vault cannot be restored into a Managed HSM.",
        ));
    }
    let name = payload.name.clone();
    NAMES.check_restorable(keys.store.lookup(&name, ctx.now), &name)?;
    if let Some(policy) = payload.policy {
        keys.policies.insert(name.to_ascii_lowercase(), policy);
    }
    let o = keys.store.insert(Object {
        name: payload.name,
        versions: payload.versions,
        state: ObjectState::Active,
    });
    let latest = o.latest().ok_or_else(|| not_found(&name))?;
    Ok(reply_bundle(ctx, &o.name, latest))
}

/// Adds a new version generated like the latest one (same type, size, curve, operations, tags,
/// exportability and release policy); its expiry follows the rotation policy.
fn rotate_object(
    ctx: &Ctx<'_>,
    keys: &mut KeyState,
    name: &str,
    at: i64,
) -> Result<(), ServiceError> {
    let expiry = keys
        .policies
        .get(&name.to_ascii_lowercase())
        .and_then(|p| p.expiry_for(at));
    let Lookup::Active(o) = keys.store.lookup(name, ctx.now) else {
        return Err(not_found(name));
    };
    let latest = o.latest().ok_or_else(|| not_found(name))?;
    let mut next = latest.clone();
    next.version = uuid::Uuid::new_v4().simple().to_string();
    next.material = latest.material.regenerate()?;
    next.enabled = true;
    next.nbf = None;
    next.exp = expiry;
    next.created = at;
    next.updated = at;
    o.versions.push(next);
    Ok(())
}

fn rotate(ctx: &Ctx<'_>, keys: &mut KeyState, name: &str) -> Result<Reply, ServiceError> {
    validate_name(name)?;
    rotate_object(ctx, keys, name, ctx.now.unix_timestamp())?;
    let Lookup::Active(o) = keys.store.lookup(name, ctx.now) else {
        return Err(not_found(name));
    };
    let latest = o.latest().ok_or_else(|| not_found(name))?;
    Ok(reply_bundle(ctx, &o.name, latest))
}

/// Rotates a key whose policy says it is due, as the service does in the background.
fn auto_rotate(ctx: &Ctx<'_>, keys: &mut KeyState, name: &str) {
    let Some(policy) = keys.policies.get(&name.to_ascii_lowercase()).cloned() else {
        return;
    };
    let now = ctx.now.unix_timestamp();
    let due = match keys.store.lookup(name, ctx.now) {
        Lookup::Active(o) => o
            .latest()
            .is_some_and(|v| policy.rotation_due(v.created, v.exp, now)),
        _ => false,
    };
    if due {
        // A failure leaves the key as it is, as a failed background rotation would.
        let _ = rotate_object(ctx, keys, name, now);
    }
}

fn policy_id(ctx: &Ctx<'_>, name: &str) -> String {
    format!("{}/keys/{name}/rotationpolicy", ctx.base)
}

fn get_policy(ctx: &Ctx<'_>, keys: &mut KeyState, name: &str) -> Result<Reply, ServiceError> {
    validate_name(name)?;
    let Lookup::Active(o) = keys.store.lookup(name, ctx.now) else {
        return Err(not_found(name));
    };
    let object_name = o.name.clone();
    let policy = keys
        .policies
        .get(&name.to_ascii_lowercase())
        .cloned()
        .unwrap_or_else(|| RotationPolicy::default_for(hsm_flavour(ctx)));
    Ok(Reply::json(
        200,
        &policy.to_json(policy_id(ctx, &object_name)),
    ))
}

fn put_policy(
    ctx: &Ctx<'_>,
    keys: &mut KeyState,
    req: &Req,
    name: &str,
) -> Result<Reply, ServiceError> {
    validate_name(name)?;
    let body: Value = req.json()?;
    let Lookup::Active(o) = keys.store.lookup(name, ctx.now) else {
        return Err(not_found(name));
    };
    let object_name = o.name.clone();
    let key = name.to_ascii_lowercase();
    let policy = RotationPolicy::from_request(
        &body,
        hsm_flavour(ctx),
        ctx.now.unix_timestamp(),
        keys.policies.get(&key),
    )?;
    let json = policy.to_json(policy_id(ctx, &object_name));
    keys.policies.insert(key, policy);
    Ok(Reply::json(200, &json))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_ops() {
        assert!(validate_name("key-1").is_ok());
        assert!(validate_name("key_1").is_err());
        assert!(validate_ops(Some(vec!["sign".into(), "wrapKey".into()])).is_ok());
        assert!(validate_ops(Some(vec!["wrapkey".into()])).is_err());
        assert!(is_operation("wrapKey") && is_operation("RELEASE") && !is_operation("create"));
    }

    #[test]
    fn exportable_needs_a_policy() {
        assert!(check_exportable(Some(true), &None).is_err());
        assert!(check_exportable(None, &Some(json!({}))).is_err());
        assert!(check_exportable(Some(false), &None).is_ok());
    }
}
